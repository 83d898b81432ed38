import { CHUNK_COLUMNS, chunkValues, SqlKnowledgeStore, type ChunkRecord } from '../shared/knowledge.js';
import type { PgDatabase } from './pg-database.js';

/** Chunk rows per INSERT statement (7 parameters each, far below PostgreSQL's 65,535): one round trip per batch. */
const CHUNKS_PER_STATEMENT = 500;

/**
 * The knowledge store on PostgreSQL, with the SQLite store's behaviour (the shared SQL is in
 * storage/shared/knowledge.ts). Ids are ordered with the "C" collation whatever the database's default,
 * so every engine and every instance lists passages in the same code-point order — the order the vector
 * index's fingerprint and the search thread's copy rely on.
 */
export class PgKnowledgeStore extends SqlKnowledgeStore {
  protected readonly idOrder = ' COLLATE "C"';

  constructor(db: PgDatabase) {
    super(db);
  }

  protected async insertChunks(docId: string, chunks: readonly ChunkRecord[]): Promise<void> {
    for (let start = 0; start < chunks.length; start += CHUNKS_PER_STATEMENT) {
      const batch = chunks.slice(start, start + CHUNKS_PER_STATEMENT);
      const rows = batch.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ');
      await this.db.run(`INSERT INTO chunks (${CHUNK_COLUMNS}) VALUES ${rows}`, batch.flatMap((chunk) => chunkValues(docId, chunk)));
    }
  }

  protected async deleteDocuments(ids: readonly string[]): Promise<void> {
    await this.db.run('DELETE FROM documents WHERE id = ANY(?::text[])', [toTextArray(ids)]);
  }
}

/** A PostgreSQL text[] literal (`{"a","b"}`), passed as one parameter. */
function toTextArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
