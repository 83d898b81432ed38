import { createHash } from 'node:crypto';

/*
 * Provenance (issue 17): which passages, in which version, an answer or a curated answer rests on, and
 * the records of the changes an ingest made to the documents. The question log, the curated answers and
 * the knowledge store keep them; src/knowledge/provenance.ts compares them with the knowledge of today.
 */

/** One passage an answer rests on, as it was when the answer was given (or the curated answer approved). */
export interface PassageSource {
  /** The passage id (`<docId>#<ordinal>`). */
  passageId: string;
  docId: string;
  /** The citation shown then, e.g. "Nghị định 131/2021/NĐ-CP, Điều 5". */
  citation: string;
  /** `passageHash` of the passage's text then. */
  passageHash: string;
  /** The document version then: its content hash in the knowledge store (absent when unknown). */
  docHash?: string;
  /** Whether the document was in force then (not superseded, not past its `effective_to`). */
  docInForce: boolean;
}

/** The hash that identifies a passage's text (NFC, surrounding white space ignored): 16 bytes of SHA-256, hex. */
export function passageHash(text: string): string {
  return createHash('sha256').update(text.normalize('NFC').trim()).digest('hex').slice(0, 32);
}

/** What an ingest did to a document that answers may rest on (documents added are not recorded). */
export interface DocumentChange {
  id: number;
  docId: string;
  /** The document's title (the new one when changed, the last one when removed). */
  title: string;
  kind: 'changed' | 'removed';
  oldHash?: string;
  newHash?: string;
  oldStatus?: string;
  newStatus?: string;
  at: string;
}

/** A logged question (its question-log id) and who asked it, in which chat. */
export interface AskedQuestion {
  id: number;
  question: string;
  channel: string;
  chatId: string;
  /** The asker's id on the channel. */
  userId: string;
  displayName?: string;
  commune?: string;
  /** When it was asked (ISO). */
  askedAt: string;
}

/** A logged answer with the passages it rests on (see QuestionLogStore.sourcedSince). */
export interface SourcedAnswer extends AskedQuestion {
  /** 'retrieval' or 'curated'. */
  stage: string;
  curatedId?: number;
  sources: PassageSource[];
}

/** Sources as stored in a `sources_json` column (NULL when none were recorded). */
export function sourcesToJson(sources: readonly PassageSource[] | undefined): string | null {
  return sources && sources.length > 0 ? JSON.stringify(sources) : null;
}

export function sourcesFromJson(json: string | null | undefined): PassageSource[] {
  if (!json) return [];
  const parsed = JSON.parse(json) as unknown;
  return Array.isArray(parsed) ? (parsed as PassageSource[]) : [];
}
