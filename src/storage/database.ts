import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { MIGRATIONS } from './migrations.js';

const STATEMENT_CACHE_SIZE = 200;

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
  /** Prepared statements by SQL text, oldest first: preparing a statement per call cost more than running it. */
  private readonly statements = new Map<string, sqlite3.Statement | null>();
  private readonly preparing = new Set<Promise<void>>();

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

  /**
   * The cached prepared statement for `sql`, or undefined on first use: that call runs uncached (so it
   * reports a bad statement's error as usual) while the statement is prepared for the next ones. Returned
   * synchronously, so a statement is handed to the connection in the same tick as its caller checked
   * for an open transaction.
   */
  private cached(sql: string): sqlite3.Statement | undefined {
    const entry = this.statements.get(sql);
    if (entry !== undefined) return entry ?? undefined;
    this.statements.set(sql, null);
    let done!: () => void;
    const preparing = new Promise<void>((resolve) => (done = resolve));
    this.preparing.add(preparing);
    const statement: sqlite3.Statement = this.db.prepare(sql, (err) => {
      if (err) this.statements.delete(sql);
      else if (this.statements.get(sql) === null) this.statements.set(sql, statement);
      else statement.finalize();
      this.preparing.delete(preparing);
      done();
    });
    if (this.statements.size > STATEMENT_CACHE_SIZE) {
      const [oldest, evicted] = this.statements.entries().next().value as [string, sqlite3.Statement | null];
      this.statements.delete(oldest);
      evicted?.finalize();
    }
    return undefined;
  }

  private rawRun(sql: string, params: SqlParams): Promise<{ changes: number; lastID: number }> {
    return new Promise((resolve, reject) => {
      function onRun(this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(wrapError(err, sql));
        else resolve({ changes: this.changes, lastID: this.lastID });
      }
      const statement = this.cached(sql);
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
      const onRows = (err: Error | null, rows: unknown[]) => (err ? reject(wrapError(err, sql)) : resolve(rows as T[]));
      const statement = this.cached(sql);
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
    await Promise.all(this.preparing);
    const statements = [...this.statements.values()];
    this.statements.clear();
    for (const statement of statements) {
      if (statement) await new Promise<void>((resolve) => statement.finalize(() => resolve()));
    }
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
