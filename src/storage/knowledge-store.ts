import type { Chunk, DocumentMeta } from '../knowledge/types.js';
import type { Database } from './database.js';

export interface StoredDocument {
  id: string;
  sourcePath: string;
  contentHash: string;
  meta: DocumentMeta;
}

/** A chunk with the metadata of its document, as the retriever needs it. */
export interface StoredPassage extends Chunk {
  meta: DocumentMeta;
}

/**
 * Documents and chunks: the source of truth the indexes are derived from. Kept behind this
 * interface so that another database can take SQLite's place.
 */
export interface KnowledgeStore {
  listDocuments(): Promise<StoredDocument[]>;
  /** Replaces the given documents (with all their chunks) and deletes others, in one transaction. */
  applyChanges(save: readonly { doc: StoredDocument; chunks: readonly Chunk[] }[], deleteIds?: readonly string[]): Promise<void>;
  /** All chunks with their documents' metadata, in a stable order (document id, ordinal). */
  listPassages(): Promise<StoredPassage[]>;
  /** How many chunks each document has, by document id (documents without chunks are absent). */
  chunkCounts(): Promise<Map<string, number>>;
  getState(key: string): Promise<string | undefined>;
  setState(key: string, value: string): Promise<void>;
}

interface DocumentRow {
  id: string;
  source_path: string;
  content_hash: string;
  meta_json: string;
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
}

export class SqliteKnowledgeStore implements KnowledgeStore {
  constructor(private readonly db: Database) {}

  async listDocuments(): Promise<StoredDocument[]> {
    const rows = await this.db.all<DocumentRow>('SELECT id, source_path, content_hash, meta_json FROM documents ORDER BY id');
    return rows.map((r) => ({
      id: r.id,
      sourcePath: r.source_path,
      contentHash: r.content_hash,
      meta: JSON.parse(r.meta_json) as DocumentMeta,
    }));
  }

  async applyChanges(
    save: readonly { doc: StoredDocument; chunks: readonly Chunk[] }[],
    deleteIds: readonly string[] = [],
  ): Promise<void> {
    if (save.length === 0 && deleteIds.length === 0) return;
    await this.db.transaction(async () => {
      for (const id of deleteIds) await this.db.run('DELETE FROM documents WHERE id = ?', [id]);
      for (const { doc, chunks } of save) await this.writeDocument(doc, chunks);
    });
  }

  private async writeDocument(doc: StoredDocument, chunks: readonly Chunk[]): Promise<void> {
    // A file may have been renamed (same id, new path) or re-used (same path, new id).
    await this.db.run('DELETE FROM documents WHERE id = ? OR source_path = ?', [doc.id, doc.sourcePath]);
    await this.db.run(
      `INSERT INTO documents (id, source_path, content_hash, title, meta_json, status, verified, ingested_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        doc.id,
        doc.sourcePath,
        doc.contentHash,
        doc.meta.title,
        JSON.stringify(doc.meta),
        doc.meta.status,
        doc.meta.verified ? 1 : 0,
        new Date().toISOString(),
      ],
    );
    for (const chunk of chunks) {
      await this.db.run(
        `INSERT INTO chunks (id, doc_id, ordinal, citation, path_json, heading, text) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [chunk.id, doc.id, chunk.ordinal, chunk.citation, JSON.stringify(chunk.path), chunk.heading, chunk.text],
      );
    }
  }

  async listPassages(): Promise<StoredPassage[]> {
    const rows = await this.db.all<PassageRow>(
      `SELECT c.id, c.doc_id, c.ordinal, c.citation, c.path_json, c.heading, c.text, d.meta_json
       FROM chunks c JOIN documents d ON d.id = c.doc_id
       ORDER BY c.doc_id, c.ordinal`,
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
      };
    });
  }

  async chunkCounts(): Promise<Map<string, number>> {
    const rows = await this.db.all<{ doc_id: string; n: number }>('SELECT doc_id, COUNT(*) AS n FROM chunks GROUP BY doc_id');
    return new Map(rows.map((r) => [r.doc_id, r.n]));
  }

  async getState(key: string): Promise<string | undefined> {
    return (await this.db.get<{ value: string }>('SELECT value FROM index_state WHERE key = ?', [key]))?.value;
  }

  async setState(key: string, value: string): Promise<void> {
    await this.db.run(
      'INSERT INTO index_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      [key, value],
    );
  }
}
