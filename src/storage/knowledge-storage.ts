import { Database } from './database.js';
import type { StorageEngine } from './engine.js';
import { InProcessKnowledgeChanges, type KnowledgeChanges } from './knowledge-changes.js';
import type { KnowledgeStore } from './knowledge-store.js';
import type { PgDatabase } from './postgres/pg-database.js';
import { SqliteKnowledgeStore } from './sqlite/knowledge-repository.js';

/** What a knowledge base is built on: the store, how changes reach other instances, and who closes them. */
export interface KnowledgeStorage {
  store: KnowledgeStore;
  changes: KnowledgeChanges;
  /** Stops the change listener and closes what this storage opened (a database handed in is left open). */
  close(): Promise<void>;
}

/** The knowledge storage over a SQLite database the caller keeps (and closes). Changes stay in the process. */
export function sqliteKnowledgeStorage(db: Database): KnowledgeStorage {
  const changes = new InProcessKnowledgeChanges();
  return { store: new SqliteKnowledgeStore(db), changes, close: () => changes.close() };
}

export interface OpenKnowledgeStorageOptions {
  /** PostgreSQL: run in this schema (tests). */
  schema?: string;
  /** PostgreSQL: how often the version is checked behind the notifications (default 3 s). */
  checkEveryMs?: number;
  /** PostgreSQL: a lost listener or a failed version check, for the caller to log. */
  onError?: (error: unknown, what: string) => void;
}

/**
 * Opens the knowledge storage of an engine, with a database of its own: the SQLite file, or a small
 * PostgreSQL pool plus a listener for other instances' changes.
 */
export async function openKnowledgeStorage(engine: StorageEngine, options: OpenKnowledgeStorageOptions = {}): Promise<KnowledgeStorage> {
  if (engine.kind === 'sqlite') {
    const db = await Database.open(engine.file);
    return closingAlso(sqliteKnowledgeStorage(db), db);
  }
  const { PgDatabase } = await import('./postgres/pg-database.js');
  const db = await PgDatabase.open(engine.url, { maxConnections: 4, applicationName: 'trolyxa knowledge', schema: options.schema });
  try {
    return closingAlso(await postgresKnowledgeStorage(db, engine.url, options), db);
  } catch (error) {
    await db.close();
    throw error;
  }
}

function closingAlso(storage: KnowledgeStorage, db: { close(): Promise<void> }): KnowledgeStorage {
  return {
    ...storage,
    close: async () => {
      await storage.close();
      await db.close();
    },
  };
}

/**
 * The knowledge storage over a PostgreSQL pool the caller keeps (and closes); `url` is the pool's database,
 * for the listener's own connection.
 */
export async function postgresKnowledgeStorage(
  db: PgDatabase,
  url: string,
  options: Omit<OpenKnowledgeStorageOptions, 'schema'> = {},
): Promise<KnowledgeStorage> {
  const { PgKnowledgeStore } = await import('./postgres/knowledge-repository.js');
  const { PgKnowledgeChanges } = await import('./postgres/knowledge-changes.js');
  const store = new PgKnowledgeStore(db);
  const changes = await PgKnowledgeChanges.start(db, {
    url,
    version: () => store.version(),
    checkEveryMs: options.checkEveryMs,
    onError: options.onError,
  });
  return { store, changes, close: () => changes.close() };
}
