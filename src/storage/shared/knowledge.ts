import {
  KNOWLEDGE_VERSION_KEY,
  type AwaitingReview,
  type DocumentState,
  type KnowledgeStore,
  type StoredDocument,
  type StoredPassage,
} from '../knowledge-store.js';
import { passageHash, type DocumentChange } from '../provenance.js';
import type { SqlTransactor } from './sql.js';

interface DocumentRow {
  id: string;
  source_path: string;
  content_hash: string;
  meta_json: string;
  ocr_pages: number | null;
  ocr_confidence: number | null;
  ocr_accepted_at: string | null;
  ocr_accepted_by: string | null;
}

const DOCUMENT_COLUMNS = 'id, source_path, content_hash, meta_json, ocr_pages, ocr_confidence, ocr_accepted_at, ocr_accepted_by';
/** Documents whose chunks are searched: not read by OCR, or read by OCR and accepted. */
const SEARCHABLE = 'd.ocr_pages IS NULL OR d.ocr_accepted_at IS NOT NULL';

function toStoredDocument(r: DocumentRow): StoredDocument {
  const doc: StoredDocument = { id: r.id, sourcePath: r.source_path, contentHash: r.content_hash, meta: JSON.parse(r.meta_json) as DocumentMeta };
  if (r.ocr_pages !== null) {
    doc.ocr = {
      pages: Number(r.ocr_pages),
      confidence: r.ocr_confidence === null ? null : Number(r.ocr_confidence),
      ...(r.ocr_accepted_at !== null && { acceptedAt: r.ocr_accepted_at }),
      ...(r.ocr_accepted_by !== null && { acceptedBy: r.ocr_accepted_by }),
    };
  }
  return doc;
}

interface PassageRow {
  id: string;
  doc_id: string;
  ordinal: number;
  citation: string;
  path_json: string;
  heading: string;
  text: string;
  meta_json: string;
  content_hash: string;
}

interface ChangeRow {
  id: number;
  doc_id: string;
  title: string;
  kind: DocumentChange['kind'];
  old_hash: string | null;
  new_hash: string | null;
  old_status: string | null;
  new_status: string | null;
  at: string;
}

type DocumentMeta = StoredDocument['meta'];
/** A chunk as the store receives it (knowledge/types.ts's Chunk). */
export type ChunkRecord = Omit<StoredPassage, 'meta'>;

export const CHUNK_COLUMNS = 'id, doc_id, ordinal, citation, path_json, heading, text';

/** The values of a `chunks` row, in the order of CHUNK_COLUMNS. */
export function chunkValues(docId: string, chunk: ChunkRecord): [string, string, number, string, string, string, string] {
  return [chunk.id, docId, chunk.ordinal, chunk.citation, JSON.stringify(chunk.path), chunk.heading, chunk.text];
}

/**
 * The knowledge store over the tables `documents`, `chunks` and `index_state`, in the SQL both engines
 * speak; each engine's subclass (storage/sqlite/knowledge-repository.ts, storage/postgres/knowledge-repository.ts) supplies
 * what differs: how ids are ordered, and how chunks are inserted and documents deleted in bulk.
 */
export abstract class SqlKnowledgeStore implements KnowledgeStore {
  constructor(protected readonly db: SqlTransactor) {}

  /** Appended to `ORDER BY <id column>` so that ids sort in code-point order (e.g. ` COLLATE "C"`). */
  protected abstract readonly idOrder: string;
  /** Inserts the chunks of one document (inside the change's transaction). */
  protected abstract insertChunks(docId: string, chunks: readonly ChunkRecord[]): Promise<void>;
  /** Deletes documents by id, their chunks with them (inside the change's transaction). */
  protected abstract deleteDocuments(ids: readonly string[]): Promise<void>;

  async listDocuments(): Promise<StoredDocument[]> {
    const rows = await this.db.all<DocumentRow>(`SELECT ${DOCUMENT_COLUMNS} FROM documents ORDER BY id${this.idOrder}`);
    return rows.map(toStoredDocument);
  }

  async awaitingReview(): Promise<AwaitingReview[]> {
    const rows = await this.db.all<{ id: string; title: string; source_path: string; ocr_pages: number; ocr_confidence: number | null; ingested_at: string }>(
      `SELECT id, title, source_path, ocr_pages, ocr_confidence, ingested_at FROM documents
       WHERE ocr_pages IS NOT NULL AND ocr_accepted_at IS NULL ORDER BY ingested_at, id${this.idOrder}`,
    );
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      sourcePath: r.source_path,
      pages: Number(r.ocr_pages),
      confidence: r.ocr_confidence === null ? null : Number(r.ocr_confidence),
      createdAt: r.ingested_at,
    }));
  }

  async acceptOcr(docId: string, by: string): Promise<number | undefined> {
    return this.db.transaction(async () => {
      const { changes } = await this.db.run(
        'UPDATE documents SET ocr_accepted_at = ?, ocr_accepted_by = ? WHERE id = ? AND ocr_pages IS NOT NULL AND ocr_accepted_at IS NULL',
        [new Date().toISOString(), by, docId],
      );
      return changes === 0 ? undefined : this.bumpVersion();
    });
  }

  async applyChanges(save: readonly { doc: StoredDocument; chunks: readonly ChunkRecord[] }[], deleteIds: readonly string[] = []): Promise<number> {
    if (save.length === 0 && deleteIds.length === 0) return this.version();
    return this.db.transaction(async () => {
      // First: on PostgreSQL the version row's lock makes concurrent changes (from any instance) take turns.
      const version = await this.bumpVersion();
      await this.recordChanges(save, deleteIds);
      if (deleteIds.length > 0) await this.deleteDocuments(deleteIds);
      for (const { doc, chunks } of save) await this.writeDocument(doc, chunks);
      return version;
    });
  }

  private async bumpVersion(): Promise<number> {
    const row = await this.db.get<{ value: string }>(
      `INSERT INTO index_state (key, value) VALUES (?, '1')
       ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(index_state.value AS BIGINT) + 1 AS TEXT)
       RETURNING value`,
      [KNOWLEDGE_VERSION_KEY],
    );
    return Number(row!.value);
  }

  /**
   * Rows of `document_changes` for what this change does to documents already stored: a new content for an
   * id, a document deleted, or one replaced by a file that took its path under another id.
   */
  private async recordChanges(save: readonly { doc: StoredDocument }[], deleteIds: readonly string[]): Promise<void> {
    const before = new Map((await this.listDocuments()).map((d) => [d.id, d]));
    const byPath = new Map([...before.values()].map((d) => [d.sourcePath, d]));
    const at = new Date().toISOString();
    const removed = new Set(deleteIds);
    for (const { doc } of save) {
      const previous = before.get(doc.id);
      if (previous && previous.contentHash !== doc.contentHash) {
        await this.insertChange(doc.id, doc.meta.title, 'changed', previous, doc, at);
      }
      const displaced = byPath.get(doc.sourcePath);
      if (displaced && displaced.id !== doc.id) removed.add(displaced.id);
    }
    for (const id of removed) {
      const previous = before.get(id);
      if (previous) await this.insertChange(id, previous.meta.title, 'removed', previous, undefined, at);
    }
  }

  private async insertChange(docId: string, title: string, kind: DocumentChange['kind'], previous: StoredDocument, next: StoredDocument | undefined, at: string): Promise<void> {
    await this.db.run(
      `INSERT INTO document_changes (doc_id, title, kind, old_hash, new_hash, old_status, new_status, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [docId, title, kind, previous.contentHash, next?.contentHash ?? null, previous.meta.status, next?.meta.status ?? null, at],
    );
  }

  async documentChanges(since: string): Promise<DocumentChange[]> {
    const rows = await this.db.all<ChangeRow>('SELECT * FROM document_changes WHERE at >= ? ORDER BY at, id', [since]);
    return rows.map((r) => ({
      id: r.id,
      docId: r.doc_id,
      title: r.title,
      kind: r.kind,
      ...(r.old_hash !== null && { oldHash: r.old_hash }),
      ...(r.new_hash !== null && { newHash: r.new_hash }),
      ...(r.old_status !== null && { oldStatus: r.old_status }),
      ...(r.new_status !== null && { newStatus: r.new_status }),
      at: r.at,
    }));
  }

  async documentStates(ids?: readonly string[]): Promise<DocumentState[]> {
    const wanted = ids ? new Set(ids) : undefined;
    if (wanted?.size === 0) return [];
    const docs = (await this.listDocuments()).filter((d) => !wanted || wanted.has(d.id));
    const states = new Map<string, DocumentState>(docs.map((d) => [d.id, { id: d.id, contentHash: d.contentHash, meta: d.meta, passages: [] }]));
    const only = wanted ? [...states.keys()] : undefined;
    if (only?.length === 0) return [];
    const rows = await this.db.all<{ id: string; doc_id: string; citation: string; text: string }>(
      `SELECT id, doc_id, citation, text FROM chunks${only ? ` WHERE doc_id IN (${only.map(() => '?').join(', ')})` : ''} ORDER BY doc_id${this.idOrder}, ordinal`,
      only ?? [],
    );
    for (const r of rows) states.get(r.doc_id)?.passages.push({ id: r.id, hash: passageHash(r.text), citation: r.citation });
    return [...states.values()];
  }

  private async writeDocument(doc: StoredDocument, chunks: readonly ChunkRecord[]): Promise<void> {
    // A file may have been renamed (same id, new path) or re-used (same path, new id).
    await this.db.run('DELETE FROM documents WHERE id = ? OR source_path = ?', [doc.id, doc.sourcePath]);
    await this.db.run(
      `INSERT INTO documents (id, source_path, content_hash, title, meta_json, status, verified, ingested_at, ocr_pages, ocr_confidence, ocr_accepted_at, ocr_accepted_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        doc.id,
        doc.sourcePath,
        doc.contentHash,
        doc.meta.title,
        JSON.stringify(doc.meta),
        doc.meta.status,
        doc.meta.verified ? 1 : 0,
        new Date().toISOString(),
        doc.ocr?.pages ?? null,
        doc.ocr?.confidence ?? null,
        doc.ocr?.acceptedAt ?? null,
        doc.ocr?.acceptedBy ?? null,
      ],
    );
    await this.insertChunks(doc.id, chunks);
  }

  listPassages(): Promise<StoredPassage[]> {
    return this.passagesWhere(SEARCHABLE, []);
  }

  documentPassages(docId: string): Promise<StoredPassage[]> {
    return this.passagesWhere('d.id = ?', [docId]);
  }

  private async passagesWhere(condition: string, params: readonly string[]): Promise<StoredPassage[]> {
    const rows = await this.db.all<PassageRow>(
      `SELECT c.id, c.doc_id, c.ordinal, c.citation, c.path_json, c.heading, c.text, d.meta_json, d.content_hash
       FROM chunks c JOIN documents d ON d.id = c.doc_id
       WHERE ${condition}
       ORDER BY c.doc_id${this.idOrder}, c.ordinal`,
      params,
    );
    const metaCache = new Map<string, DocumentMeta>();
    return rows.map((r) => {
      let meta = metaCache.get(r.doc_id);
      if (!meta) {
        meta = JSON.parse(r.meta_json) as DocumentMeta;
        metaCache.set(r.doc_id, meta);
      }
      return {
        id: r.id,
        docId: r.doc_id,
        ordinal: r.ordinal,
        citation: r.citation,
        path: JSON.parse(r.path_json) as string[],
        heading: r.heading,
        text: r.text,
        meta,
        docHash: r.content_hash,
      };
    });
  }

  async chunkCounts(): Promise<Map<string, number>> {
    const rows = await this.db.all<{ doc_id: string; n: number }>('SELECT doc_id, COUNT(*) AS n FROM chunks GROUP BY doc_id');
    return new Map(rows.map((r) => [r.doc_id, r.n]));
  }

  async version(): Promise<number> {
    return Number((await this.getState(KNOWLEDGE_VERSION_KEY)) ?? 0);
  }

  async getState(key: string): Promise<string | undefined> {
    return (await this.db.get<{ value: string }>('SELECT value FROM index_state WHERE key = ?', [key]))?.value;
  }

  async setState(key: string, value: string): Promise<void> {
    await this.db.run('INSERT INTO index_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }
}
