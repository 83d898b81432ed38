import type { DocumentState, StoredPassage } from '../storage/knowledge-store.js';
import { passageHash, type PassageSource } from '../storage/provenance.js';
import type { DocumentMeta } from './types.js';

/**
 * Provenance of answers (issue 17): the passages an answer rests on, recorded in the version it used, and
 * what has become of them since — changed, removed, superseded or past their `effective_to`.
 */

/** Whether a document applies on `today` (YYYY-MM-DD): not superseded and not past its `effective_to`. */
export function isInForce(meta: Pick<DocumentMeta, 'status' | 'effective_to'>, today: string): boolean {
  return meta.status !== 'superseded' && !(meta.effective_to !== undefined && meta.effective_to < today);
}

/** The record of a passage an answer uses, as it is now. */
export function sourceOf(passage: StoredPassage, today: string): PassageSource {
  return {
    passageId: passage.id,
    docId: passage.docId,
    citation: passage.citation,
    passageHash: passageHash(passage.text),
    ...(passage.docHash !== undefined && { docHash: passage.docHash }),
    docInForce: isInForce(passage.meta, today),
  };
}

/** Each passage once (by id), in the order given. */
export function sourcesOf(passages: readonly StoredPassage[], today: string): PassageSource[] {
  const seen = new Set<string>();
  return passages.filter((p) => !seen.has(p.id) && seen.add(p.id)).map((p) => sourceOf(p, today));
}

export type SourceChangeKind = 'changed' | 'removed' | 'superseded' | 'expired';

/** What became of one source since it was recorded. */
export interface SourceChange {
  source: PassageSource;
  kind: SourceChangeKind;
  /** The document's title now (absent once removed). */
  title?: string;
  /** The text that replaced the document (`superseded_by`), when it names one. */
  replacedBy?: string;
  /** The day the document stopped applying (`effective_to`), for 'expired'. */
  endedOn?: string;
}

/**
 * The sources whose passage is no longer in its document with the same text (an unchanged passage that
 * only moved is not a change), whose document is gone, or whose document was in force then and is not now.
 * `documents` holds the documents as they are now, by id (at least those of the sources).
 */
export function changedSources(
  sources: readonly PassageSource[],
  documents: ReadonlyMap<string, Pick<DocumentState, 'meta' | 'passages'>>,
  today: string,
): SourceChange[] {
  const changes: SourceChange[] = [];
  for (const source of sources) {
    const doc = documents.get(source.docId);
    if (!doc || doc.passages.length === 0) {
      changes.push({ source, kind: 'removed' });
      continue;
    }
    const described = {
      title: doc.meta.title,
      ...(doc.meta.superseded_by && { replacedBy: doc.meta.superseded_by }),
    };
    if (!doc.passages.some((p) => p.hash === source.passageHash)) {
      changes.push({ source, kind: 'changed', ...described });
    } else if (source.docInForce && !isInForce(doc.meta, today)) {
      const superseded = doc.meta.status === 'superseded';
      changes.push({
        source,
        kind: superseded ? 'superseded' : 'expired',
        ...described,
        ...(!superseded && doc.meta.effective_to && { endedOn: doc.meta.effective_to }),
      });
    }
  }
  return changes;
}

/**
 * The documents of `sources` as a searcher's snapshot holds them (for the assistant: no database read).
 * Hashing a document's passages is cheap; only documents the sources name are hashed.
 */
export function documentsFromPassages(
  sources: readonly PassageSource[],
  passagesOf: (docId: string) => readonly StoredPassage[],
): Map<string, Pick<DocumentState, 'meta' | 'passages'>> {
  const documents = new Map<string, Pick<DocumentState, 'meta' | 'passages'>>();
  for (const docId of new Set(sources.map((s) => s.docId))) {
    const passages = passagesOf(docId);
    if (passages.length === 0) continue;
    documents.set(docId, { meta: passages[0]!.meta, passages: passages.map((p) => ({ id: p.id, hash: passageHash(p.text), citation: p.citation })) });
  }
  return documents;
}

/** Vietnamese words for what happened to a source, for the console and the CLI. */
export const SOURCE_CHANGE_LABELS: Record<SourceChangeKind, string> = {
  changed: 'nội dung đã thay đổi',
  removed: 'văn bản đã bị gỡ khỏi kho tri thức',
  superseded: 'văn bản đã bị thay thế',
  expired: 'văn bản đã hết hiệu lực',
};
