import type { QuestionLogStore } from '../assistant/question-log.js';
import type { EscalationStores } from '../escalation/stores.js';
import { Database } from './database.js';
import { storageEngineOf, type StorageEngine } from './engine.js';
import { postgresKnowledgeStorage, sqliteKnowledgeStorage, type KnowledgeStorage } from './knowledge-storage.js';
import { SingleInstanceLock, type LeaderLock } from './leader-lock.js';
import type { Repositories } from './repositories.js';
import { createSqliteEscalationStores } from './sqlite/escalation-stores.js';
import { SqliteQuestionLog } from './sqlite/question-log-repository.js';
import { createSqliteRepositories } from './sqlite/repositories.js';
import type { PgDatabase } from './postgres/pg-database.js';
import { redactDatabaseUrl } from './postgres/url.js';
import type { InboxClaimant } from './update-inbox.js';

/** What `openStorage` reads from the configuration (AppConfig satisfies it). */
export interface StorageSettings {
  /** The SQLite file, used when no `databaseUrl` is set. */
  databaseFile: string;
  /** `postgres://…` (DATABASE_URL): the data lives in PostgreSQL, shared by several instances. */
  databaseUrl?: string;
  /** This instance (INSTANCE_ID): who claims inbox updates and outbox messages. */
  instanceId: string;
  /** How long such a claim lasts (INBOX_LEASE_SECONDS). */
  inbox: { leaseMs: number };
}

export interface OpenStorageOptions {
  /** PostgreSQL: run in this schema (tests); created when missing. */
  schema?: string;
  /** PostgreSQL: connections of the pool at most. Default 10. */
  maxConnections?: number;
  /** Something worth a line in the log (migrations applied, a lost knowledge listener). */
  onEvent?: (message: string, detail?: Record<string, unknown>) => void;
}

/** Everything the app keeps in its database, for one engine; the rest of the program sees only the interfaces. */
interface StorageParts {
  engine: StorageEngine;
  /** The console's, web chat's, server's and channels' repositories (the inbox claims for this instance). */
  repos: Repositories;
  /** Tickets, users, outbox (claims for this instance) and curated answers. */
  stores: EscalationStores;
  log: QuestionLogStore;
  /** The knowledge store and how its changes reach the other instances. */
  knowledge: KnowledgeStorage;
  /** Who runs the polling channels among the instances (SQLite: this process alone). */
  leaderLock: LeaderLock;
  /** Closes everything opened here (the knowledge listener, the leader lock's connection, the database). */
  close(): Promise<void>;
}

/** SQLite: the database handle is there for what only SQLite has (an online backup) and for tests. */
export interface SqliteStorage extends StorageParts {
  engine: Extract<StorageEngine, { kind: 'sqlite' }>;
  database: Database;
}

export interface PostgresStorage extends StorageParts {
  engine: Extract<StorageEngine, { kind: 'postgres' }>;
}

export type Storage = SqliteStorage | PostgresStorage;

/**
 * The database could not be opened: the message is Vietnamese, names DATABASE_URL (or the SQLite file)
 * and never the password.
 */
export class StorageUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}

/**
 * Opens the engine the configuration names — SQLite (the file under DATA_DIR) by default, PostgreSQL when
 * DATABASE_URL is set — and builds every repository over it. Pending migrations are applied first: SQLite
 * on opening, PostgreSQL under an advisory lock, so instances starting together apply each one once.
 *
 * @example
 * const storage = await openStorage(config);
 * const service = new EscalationService(storage.stores);
 * // …
 * await storage.close();
 */
export async function openStorage(settings: StorageSettings, options: OpenStorageOptions = {}): Promise<Storage> {
  const engine = storageEngineOf(settings);
  const claimant: InboxClaimant = { instanceId: settings.instanceId, leaseMs: settings.inbox.leaseMs };
  if (engine.kind === 'postgres') return openPostgres(engine, claimant, options);
  let database: Database;
  try {
    database = await Database.open(engine.file);
  } catch (error) {
    throw new StorageUnavailableError(`Không mở được cơ sở dữ liệu SQLite ${engine.file} (DATA_DIR): ${reason(error)}`, { cause: error });
  }
  const knowledge = sqliteKnowledgeStorage(database);
  const leaderLock = new SingleInstanceLock();
  return {
    engine,
    database,
    repos: createSqliteRepositories(database, claimant),
    stores: createSqliteEscalationStores(database, claimant),
    log: new SqliteQuestionLog(database),
    knowledge,
    leaderLock,
    close: async () => {
      await leaderLock.close();
      await knowledge.close();
      await database.close();
    },
  };
}

async function openPostgres(engine: Extract<StorageEngine, { kind: 'postgres' }>, claimant: InboxClaimant, options: OpenStorageOptions): Promise<PostgresStorage> {
  // The PostgreSQL modules load only when PostgreSQL is used.
  const [pgDatabase, { migratePostgres }, pgRepos, pgStores, { PgQuestionLog }, { PgLeaderLock }] = await Promise.all([
    import('./postgres/pg-database.js'),
    import('./postgres/migrate.js'),
    import('./postgres/repositories.js'),
    import('./postgres/escalation-stores.js'),
    import('./postgres/question-log-repository.js'),
    import('./postgres/leader-lock.js'),
  ]);
  const where = redactDatabaseUrl(engine.url);
  let db: PgDatabase;
  try {
    db = await pgDatabase.PgDatabase.open(engine.url, {
      maxConnections: options.maxConnections ?? 10,
      applicationName: `trolyxa ${claimant.instanceId}`.slice(0, 63),
      schema: options.schema,
      connectTimeoutMs: 15_000,
    });
  } catch (error) {
    throw new StorageUnavailableError(
      `Không kết nối được PostgreSQL theo DATABASE_URL (${where}): ${reason(error)}. Kiểm tra máy chủ PostgreSQL đang chạy, địa chỉ, cổng, tên cơ sở dữ liệu, người dùng và mật khẩu trong DATABASE_URL; bỏ trống DATABASE_URL để dùng SQLite.`,
      { cause: error },
    );
  }
  try {
    let applied: number[];
    try {
      applied = await migratePostgres(db);
    } catch (error) {
      throw new StorageUnavailableError(
        `Không cập nhật được cấu trúc cơ sở dữ liệu PostgreSQL theo DATABASE_URL (${where}): ${reason(error)}. Chạy “trolyxa migrate” để xem chi tiết; người dùng trong DATABASE_URL cần quyền tạo bảng.`,
        { cause: error },
      );
    }
    if (applied.length) options.onEvent?.('PostgreSQL: applied the pending migrations', { applied });
    const knowledge = await postgresKnowledgeStorage(db, engine.url, {
      onError: (error, what) => options.onEvent?.(`PostgreSQL knowledge changes: ${what} failed`, { err: reason(error) }),
    });
    const leaderLock = new PgLeaderLock(engine.url, {
      applicationName: `trolyxa-leader ${claimant.instanceId}`.slice(0, 63),
      namespace: options.schema,
    });
    const opened = db;
    return {
      engine,
      repos: pgRepos.createPostgresRepositories(db, claimant),
      stores: pgStores.createPostgresEscalationStores(db, claimant),
      log: new PgQuestionLog(db),
      knowledge,
      leaderLock,
      close: async () => {
        await leaderLock.close();
        await knowledge.close();
        await opened.close();
      },
    };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

/** The first cause's own words (the driver's: they never hold the password), without the wrappers' context. */
function reason(error: unknown): string {
  let inner = error;
  while (inner instanceof Error && inner.cause !== undefined) inner = inner.cause;
  const message = inner instanceof Error ? inner.message : String(inner);
  return message.replace(/^PostgreSQL: /, '');
}
