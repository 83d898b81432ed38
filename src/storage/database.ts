import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { MIGRATIONS } from './migrations.js';

/** Distinct SQL texts kept prepared (least recently used dropped first). */
const STATEMENT_CACHE_SIZE = 200;
/** Prepared copies of one SQL text, for callers running it at the same time. */
const POOL_PER_STATEMENT = 64;

interface StatementPool {
  idle: sqlite3.Statement[];
  /** Prepared or being prepared. */
  size: number;
  evicted: boolean;
}

export type SqlValue = string | number | bigint | Buffer | null;
export type SqlParams = readonly SqlValue[] | Readonly<Record<string, SqlValue>>;

/**
 * A small promise wrapper over one sqlite3 connection: parameterised statements only, WAL mode,
 * foreign keys on, and an ordered list of migrations applied at open.
 */
export class Database {
  /** Transactions of this connection, one after another. */
  private transactions: Promise<unknown> = Promise.resolve();
  /** Settles when the transaction in progress ends. */
  private openTransaction: Promise<void> | undefined;
  /**
   * Tells a transaction's own statements from others'. Enabled only while transactions are queued or
   * open: an enabled AsyncLocalStorage makes Node track every promise, which cost the webhook path about
   * 7 % of its time when it stayed on.
   */
  private readonly insideTransaction = new AsyncLocalStorage<true>();
  private queuedTransactions = 0;
  /** Prepared statements by SQL text, least recently used first: preparing a statement per call cost more than running it. */
  private readonly pools = new Map<string, StatementPool>();
  private readonly preparing = new Set<Promise<void>>();
  /** Pooled statements running now. */
  private busy = 0;

  private constructor(
    private readonly db: sqlite3.Database,
    readonly file: string,
  ) {}

  static async open(file: string): Promise<Database> {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const raw = await new Promise<sqlite3.Database>((resolve, reject) => {
      const db = new sqlite3.Database(file, (err) => (err ? reject(wrapError(err, `cannot open database ${file}`)) : resolve(db)));
    });
    raw.configure('busyTimeout', 5000);
    const db = new Database(raw, file);
    await db.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;');
    await db.migrate();
    return db;
  }

  /** Opens a database file read-only and returns the result of `PRAGMA integrity_check` ('ok' when sound). */
  static async openReadOnlyCheck(file: string): Promise<string> {
    const raw = await new Promise<sqlite3.Database>((resolve, reject) => {
      const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err) => (err ? reject(wrapError(err, `cannot open ${file}`)) : resolve(db)));
    });
    try {
      const rows = await new Promise<{ integrity_check: string }[]>((resolve, reject) =>
        raw.all('PRAGMA integrity_check', (err, r) => (err ? reject(wrapError(err, 'integrity_check')) : resolve(r as { integrity_check: string }[]))),
      );
      return rows.map((r) => r.integrity_check).join('; ');
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      await new Promise<void>((resolve) => raw.close(() => resolve()));
    }
  }

  run(sql: string, params: SqlParams = []): Promise<{ changes: number; lastID: number }> {
    return this.serialized(() => this.rawRun(sql, params));
  }

  get<T>(sql: string, params: SqlParams = []): Promise<T | undefined> {
    return this.serialized(() => this.rawGet<T>(sql, params));
  }

  all<T>(sql: string, params: SqlParams = []): Promise<T[]> {
    return this.serialized(() => this.rawAll<T>(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.serialized(() => this.rawExec(sql));
  }

  /**
   * Runs `work` inside BEGIN IMMEDIATE … COMMIT, rolling back on any error. Re-entrant: a transaction
   * started inside `work` joins this one. Transactions run one after another; a statement issued from
   * outside while one is open waits until it ends, so it can never slip into another caller's
   * transaction (and be rolled back with it).
   */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.insideTransaction.getStore()) return work();
    const next = this.transactions.then(() =>
      this.insideTransaction.run(true, async () => {
        let release!: () => void;
        this.openTransaction = new Promise<void>((resolve) => (release = resolve));
        try {
          await this.rawExec('BEGIN IMMEDIATE');
          try {
            const result = await work();
            await this.rawExec('COMMIT');
            return result;
          } catch (error) {
            await this.rawExec('ROLLBACK').catch(() => undefined);
            throw error;
          }
        } finally {
          this.openTransaction = undefined;
          release();
        }
      }),
    );
    this.queuedTransactions += 1;
    const settled = () => {
      this.queuedTransactions -= 1;
      if (this.queuedTransactions === 0) this.insideTransaction.disable();
    };
    next.then(settled, settled);
    this.transactions = next.catch(() => undefined);
    return next;
  }

  /**
   * Outside a transaction, statements go straight to the connection (sqlite3 runs them in the order they
   * were issued); only while a transaction is open do they wait for it to end.
   */
  private async serialized<T>(op: () => Promise<T>): Promise<T> {
    if (this.insideTransaction.getStore()) return op();
    while (this.openTransaction) await this.openTransaction;
    return op();
  }

  /**
   * An idle prepared statement for `sql`, marked busy until released; or undefined, and the caller runs
   * the SQL uncached (which also reports a bad statement's error as usual) while another statement is
   * prepared for later calls. A sqlite3 statement runs one call at a time, so concurrent callers of the
   * same SQL each get their own (up to POOL_PER_STATEMENT). Returned synchronously, so the statement is
   * handed to the connection in the same tick as its caller checked for an open transaction.
   */
  private acquire(sql: string): { pool: StatementPool; statement: sqlite3.Statement | undefined } {
    let pool = this.pools.get(sql);
    if (pool) {
      this.pools.delete(sql); // most recently used last
      this.pools.set(sql, pool);
    } else {
      pool = { idle: [], size: 0, evicted: false };
      this.pools.set(sql, pool);
      if (this.pools.size > STATEMENT_CACHE_SIZE) this.evict(this.pools.keys().next().value as string);
    }
    const statement = pool.idle.pop();
    if (statement) {
      this.busy += 1;
      return { pool, statement };
    }
    if (pool.size < POOL_PER_STATEMENT) this.prepareInto(sql, pool);
    return { pool, statement: undefined };
  }

  private release(pool: StatementPool, statement: sqlite3.Statement): void {
    this.busy -= 1;
    if (pool.evicted) statement.finalize();
    else pool.idle.push(statement);
  }

  private prepareInto(sql: string, pool: StatementPool): void {
    pool.size += 1;
    let done!: () => void;
    const preparing = new Promise<void>((resolve) => (done = resolve));
    this.preparing.add(preparing);
    const statement: sqlite3.Statement = this.db.prepare(sql, (err) => {
      if (err) pool.size -= 1;
      else if (pool.evicted) statement.finalize();
      else pool.idle.push(statement);
      this.preparing.delete(preparing);
      done();
    });
  }

  private evict(sql: string): void {
    const pool = this.pools.get(sql);
    if (!pool) return;
    this.pools.delete(sql);
    pool.evicted = true;
    for (const statement of pool.idle.splice(0)) statement.finalize();
  }

  private rawRun(sql: string, params: SqlParams): Promise<{ changes: number; lastID: number }> {
    return new Promise((resolve, reject) => {
      const { pool, statement } = this.acquire(sql);
      const release = () => statement && this.release(pool, statement);
      function onRun(this: sqlite3.RunResult, err: Error | null) {
        release();
        if (err) reject(wrapError(err, sql));
        else resolve({ changes: this.changes, lastID: this.lastID });
      }
      if (statement) statement.run(params, onRun);
      else this.db.run(sql, params, onRun);
    });
  }

  /** Through `all` (which steps to the end): a statement left on a row would hold a read transaction open. */
  private async rawGet<T>(sql: string, params: SqlParams): Promise<T | undefined> {
    return (await this.rawAll<T>(sql, params))[0];
  }

  private rawAll<T>(sql: string, params: SqlParams): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const { pool, statement } = this.acquire(sql);
      const onRows = (err: Error | null, rows: unknown[]) => {
        if (statement) this.release(pool, statement);
        if (err) reject(wrapError(err, sql));
        else resolve(rows as T[]);
      };
      if (statement) statement.all(params, onRows);
      else this.db.all(sql, params, onRows);
    });
  }

  private rawExec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.db.exec(sql, (err) => (err ? reject(wrapError(err, sql)) : resolve()));
    });
  }

  /** Closes the connection once the queued transactions have run. */
  async close(): Promise<void> {
    await this.transactions;
    while (this.openTransaction) await this.openTransaction;
    while (this.busy > 0 || this.preparing.size > 0) {
      await Promise.all(this.preparing);
      if (this.busy > 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const statements = [...this.pools.values()].flatMap((pool) => pool.idle);
    this.pools.clear();
    for (const statement of statements) await new Promise<void>((resolve) => statement.finalize(() => resolve()));
    await new Promise<void>((resolve, reject) => this.db.close((err) => (err ? reject(err) : resolve())));
  }

  private async migrate(): Promise<void> {
    await this.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    const done = new Set((await this.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await this.transaction(async () => {
        await this.exec(migration.sql);
        await this.run('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [
          migration.version,
          new Date().toISOString(),
        ]);
      });
    }
  }
}

function wrapError(err: Error, context: string): Error {
  const short = context.replace(/\s+/g, ' ').slice(0, 120);
  return new Error(`SQLite: ${err.message} (in: ${short})`, { cause: err });
}
