import { PG_MIGRATIONS } from './migrations.js';
import type { PgDatabase } from './pg-database.js';

export interface Migration {
  version: number;
  sql: string;
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction, and returns
 * the versions it applied. Several instances starting at once take turns on an advisory lock (one per
 * schema), so each migration runs once.
 */
export async function migratePostgres(db: PgDatabase, migrations: readonly Migration[] = PG_MIGRATIONS): Promise<number[]> {
  return db.withConnection(async () => {
    await db.exec(`SELECT pg_advisory_lock(hashtext('trolyxa.migrate.' || current_schema()))`);
    try {
      await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
      const done = new Set((await db.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
      const applied: number[] = [];
      for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(migration.version)) continue;
        await db.transaction(async () => {
          await db.exec(migration.sql);
          await db.run('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [migration.version, new Date().toISOString()]);
        });
        applied.push(migration.version);
      }
      return applied;
    } finally {
      await db.exec(`SELECT pg_advisory_unlock(hashtext('trolyxa.migrate.' || current_schema()))`);
    }
  });
}
