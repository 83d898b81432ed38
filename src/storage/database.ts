import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { MIGRATIONS } from './migrations.js';

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
  private readonly insideTransaction = new AsyncLocalStorage<true>();

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

  private rawRun(sql: string, params: SqlParams): Promise<{ changes: number; lastID: number }> {
    return new Promise((resolve, reject) => {
      this.db.run(sql, params, function onRun(err) {
        if (err) reject(wrapError(err, sql));
        else resolve({ changes: this.changes, lastID: this.lastID });
      });
    });
  }

  private rawGet<T>(sql: string, params: SqlParams): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      this.db.get(sql, params, (err, row) => (err ? reject(wrapError(err, sql)) : resolve(row as T | undefined)));
    });
  }

  private rawAll<T>(sql: string, params: SqlParams): Promise<T[]> {
    return new Promise((resolve, reject) => {
      this.db.all(sql, params, (err, rows) => (err ? reject(wrapError(err, sql)) : resolve(rows as T[])));
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
