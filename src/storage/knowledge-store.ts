import type { Chunk, DocumentMeta } from '../knowledge/types.js';
import type { DocumentChange } from './provenance.js';

export interface StoredDocument {
  id: string;
  sourcePath: string;
  contentHash: string;
  meta: DocumentMeta;
  /** Present when the text was read by OCR from a scan: out of search until `acceptedAt`. */
  ocr?: OcrReview;
}

/** How a document's OCR went, and whether an admin has accepted its text. */
export interface OcrReview {
  pages: number;
  /** Mean word confidence 0–100, or null when the OCR engine gave none. */
  confidence: number | null;
  acceptedAt?: string;
  acceptedBy?: string;
}

/** A document read by OCR that waits for an admin to accept its text. */
export interface AwaitingReview {
  id: string;
  title: string;
  sourcePath: string;
  pages: number;
  confidence: number | null;
  /** When the document was stored (ISO time). */
  createdAt: string;
}

/** Whether a document is kept out of search until an admin accepts its OCR text. */
export function isAwaitingReview(doc: Pick<StoredDocument, 'ocr'>): boolean {
  return doc.ocr !== undefined && doc.ocr.acceptedAt === undefined;
}

/** A chunk with the metadata of its document, as the retriever needs it. */
export interface StoredPassage extends Chunk {
  meta: DocumentMeta;
  /** The document version: its content hash (absent for passages that never came from the store). */
  docHash?: string;
}

/** A document as it is now in the store, with the passages' text hashes (storage/provenance.ts's passageHash). */
export interface DocumentState {
  id: string;
  contentHash: string;
  meta: DocumentMeta;
  passages: { id: string; hash: string; citation: string }[];
}

/**
 * Documents and chunks: the source of truth the indexes are derived from, one implementation per engine
 * (storage/sqlite/knowledge-repository.ts, storage/postgres/knowledge-repository.ts).
 *
 * Every change bumps the knowledge version, a counter kept in the database and incremented in the change's
 * own transaction: an instance whose index was built from an older version knows it must rebuild.
 */
export interface KnowledgeStore {
  /** By id (in code-point order on every engine). */
  listDocuments(): Promise<StoredDocument[]>;
  /**
   * Replaces the given documents (with all their chunks; a document that took another's id or source path
   * replaces it) and deletes the documents `deleteIds`, in one transaction that also bumps the knowledge
   * version. Returns the version after the change; with nothing to save or delete, nothing is written and
   * the current version is returned.
   */
  applyChanges(save: readonly { doc: StoredDocument; chunks: readonly Chunk[] }[], deleteIds?: readonly string[]): Promise<number>;
  /**
   * The searchable chunks with their documents' metadata, in a stable order (document id in code-point
   * order, ordinal): every chunk but those of documents awaiting OCR review.
   */
  listPassages(): Promise<StoredPassage[]>;
  /** Every chunk of one document, searchable or not (the OCR review page shows them). */
  documentPassages(docId: string): Promise<StoredPassage[]>;
  /** Documents read by OCR whose text no admin has accepted yet, oldest first. */
  awaitingReview(): Promise<AwaitingReview[]>;
  /**
   * Accepts the OCR text of a document awaiting review: it becomes searchable. Bumps the knowledge version
   * and returns it; undefined (nothing written) when no document with that id awaits review.
   */
  acceptOcr(docId: string, by: string): Promise<number | undefined>;
  /** How many chunks each document has, by document id (documents without chunks are absent). */
  chunkCounts(): Promise<Map<string, number>>;
  /** The knowledge version: 0 before the first change, then one more for every `applyChanges` that wrote. */
  version(): Promise<number>;
  /** Documents as they are now, with their passages' hashes: those of `ids`, or every one. */
  documentStates(ids?: readonly string[]): Promise<DocumentState[]>;
  /**
   * The changes and removals of documents recorded by `applyChanges` (each in its own transaction) at or
   * after `since` (ISO time), oldest first. A document saved with the content it had is not a change.
   */
  documentChanges(since: string): Promise<DocumentChange[]>;
  getState(key: string): Promise<string | undefined>;
  setState(key: string, value: string): Promise<void>;
}

/** The `index_state` key under which both engines keep the knowledge version. */
export const KNOWLEDGE_VERSION_KEY = 'knowledge_version';
