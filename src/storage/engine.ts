import { Database } from './database.js';
import { redactDatabaseUrl } from './postgres/url.js';

/** Where the data lives: the SQLite file (the default, one process) or a PostgreSQL database (several instances). */
export type StorageEngine = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export function storageEngineOf(config: { databaseFile: string; databaseUrl?: string }): StorageEngine {
  return config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'sqlite', file: config.databaseFile };
}

/** The engine and its location as it may be printed or logged: a PostgreSQL password is hidden. */
export function describeStorageEngine(engine: StorageEngine): string {
  return engine.kind === 'sqlite' ? `SQLite (${engine.file})` : `PostgreSQL (${redactDatabaseUrl(engine.url)})`;
}

export interface MigrationReport {
  /** The versions this run applied, oldest first. */
  applied: number[];
  /** The schema's version afterwards. */
  version: number;
}

/** Applies the engine's pending migrations (SQLite: src/storage/migrations.ts; PostgreSQL: postgres/migrations.ts). */
export async function migrateStorage(engine: StorageEngine): Promise<MigrationReport> {
  if (engine.kind === 'postgres') {
    const { PgDatabase } = await import('./postgres/pg-database.js');
    const { migratePostgres } = await import('./postgres/migrate.js');
    const db = await PgDatabase.open(engine.url, { maxConnections: 1, applicationName: 'trolyxa migrate' });
    try {
      const applied = await migratePostgres(db);
      return { applied, version: await schemaVersion(db) };
    } finally {
      await db.close();
    }
  }
  const started = new Date().toISOString();
  const db = await Database.open(engine.file); // opening applies the migrations
  try {
    const rows = await db.all<{ version: number }>('SELECT version FROM schema_migrations WHERE applied_at >= ? ORDER BY version', [started]);
    return { applied: rows.map((r) => r.version), version: await schemaVersion(db) };
  } finally {
    await db.close();
  }
}

async function schemaVersion(db: { get<T>(sql: string): Promise<T | undefined> }): Promise<number> {
  return (await db.get<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations'))?.version ?? 0;
}
