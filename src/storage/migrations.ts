/** Schema changes, applied in order once each. Never edit a released migration: add a new one. */
export const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        source_path TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL,
        title TEXT NOT NULL,
        meta_json TEXT NOT NULL,
        status TEXT NOT NULL,
        verified INTEGER NOT NULL,
        ingested_at TEXT NOT NULL
      );
      CREATE TABLE chunks (
        id TEXT PRIMARY KEY,
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        citation TEXT NOT NULL,
        path_json TEXT NOT NULL,
        heading TEXT NOT NULL,
        text TEXT NOT NULL,
        UNIQUE (doc_id, ordinal)
      );
      CREATE INDEX chunks_doc ON chunks(doc_id);
      CREATE TABLE index_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
];
