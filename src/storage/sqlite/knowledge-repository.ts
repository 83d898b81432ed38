import type { Database } from '../database.js';
import { CHUNK_COLUMNS, chunkValues, SqlKnowledgeStore, type ChunkRecord } from '../shared/knowledge.js';

/**
 * The knowledge store in SQLite (tables `documents`, `chunks`, `index_state`; the SQL shared with PostgreSQL
 * is in storage/shared/knowledge.ts). SQLite's default BINARY collation already orders ids by code point;
 * one pooled INSERT a chunk is as fast as SQLite gets on its single connection.
 */
export class SqliteKnowledgeStore extends SqlKnowledgeStore {
  protected readonly idOrder = '';

  constructor(db: Database) {
    super(db);
  }

  protected async insertChunks(docId: string, chunks: readonly ChunkRecord[]): Promise<void> {
    for (const chunk of chunks) await this.db.run(`INSERT INTO chunks (${CHUNK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`, chunkValues(docId, chunk));
  }

  protected async deleteDocuments(ids: readonly string[]): Promise<void> {
    for (const id of ids) await this.db.run('DELETE FROM documents WHERE id = ?', [id]);
  }
}
