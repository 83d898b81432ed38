import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { toPgPlaceholders } from './placeholders.js';
import { redactDatabaseUrl } from './url.js';

export type PgValue = string | number | bigint | boolean | Buffer | null;
export type PgParams = readonly PgValue[];

export interface PgDatabaseOptions {
  /** Connections at most (default 10). */
  maxConnections?: number;
  /** `application_name` shown in pg_stat_activity. */
  applicationName?: string;
  /** Run every statement (and transaction) in this schema, created when missing; tests use one per file. */
  schema?: string;
  /** Longest wait for a new connection (a host that never answers), and for a free one of the pool. Default: no limit. */
  connectTimeoutMs?: number;
}

/**
 * Column values as the SQLite wrapper returns them: 64-bit integers (ids, COUNT(*)) as numbers, not
 * strings. Ids stay far below 2^53; a bigger value would fail loudly rather than lose digits.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === pg.types.builtins.INT8 && format !== 'binary') return parseInt8;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`PostgreSQL: integer ${value} is beyond what a number holds exactly`);
  return n;
}

type Queryable = pg.Pool | pg.PoolClient;

/** The statements of one transaction (`PgDatabase.transactionWith`). */
export interface PgRunner {
  run(sql: string, params?: PgParams): Promise<{ changes: number }>;
  get<T>(sql: string, params?: PgParams): Promise<T | undefined>;
  all<T>(sql: string, params?: PgParams): Promise<T[]>;
}

/** Distinct SQL texts run as named prepared statements; texts beyond them (rare shapes) run unnamed. */
const PREPARED_TEXTS = 500;
/** 0A000 "cached plan must not change result type": a migration changed a table a prepared `SELECT *` reads. */
const PLAN_CHANGED = '0A000';

/**
 * A small promise wrapper over a `pg` connection pool with the SQLite `Database` wrapper's shape:
 * parameterised statements only (`?` or `$n` placeholders), `run`/`get`/`all`/`exec`, and `transaction`,
 * whose statements — wherever they are issued from inside `work` — run on the transaction's connection.
 * Unlike SQLite's, transactions here run side by side (one connection each).
 */
export class PgDatabase {
  /**
   * The connection the current async context is bound to: inside `transaction` or `withConnection`.
   * Enabled only while one of them runs (`bindings`), as in the SQLite wrapper: an enabled
   * AsyncLocalStorage makes Node track every promise of the process, which the webhook path paid for
   * on every update when it stayed on (see README, "Under load").
   */
  private readonly bound = new AsyncLocalStorage<{ client: pg.PoolClient; transaction: boolean }>();
  /** `transaction`/`withConnection` calls running now, each with a connection bound. */
  private bindings = 0;
  /**
   * Statements by SQL text, named so that each connection parses and plans a text once: unnamed, the
   * server parsed and planned every statement again, which cost the webhook path measurable CPU on the
   * two cores it shares with the instances (see README, "Under load").
   */
  private readonly prepared = new Map<string, { name: string; text: string }>();
  private preparedSerial = 0;

  private constructor(
    private readonly pool: pg.Pool,
    /** The URL with its password hidden: the only form fit for logs. */
    readonly displayUrl: string,
    readonly schema: string | undefined,
  ) {}

  static async open(url: string, options: PgDatabaseOptions = {}): Promise<PgDatabase> {
    const schema = options.schema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`PostgreSQL: bad schema name ${schema}`);
    const pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      application_name: options.applicationName ?? 'trolyxa',
      ...(options.connectTimeoutMs ? { connectionTimeoutMillis: options.connectTimeoutMs } : {}),
      types,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // An idle connection the server dropped must not take the process down; the next query reconnects.
    pool.on('error', () => undefined);
    const db = new PgDatabase(pool, redactDatabaseUrl(url), schema);
    try {
      if (schema) await createSchema(db, schema);
      else await db.exec('SELECT 1');
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw wrapError(error, `cannot connect to ${db.displayUrl}`);
    }
    return db;
  }

  async run(sql: string, params: PgParams = []): Promise<{ changes: number }> {
    const result = await this.query(sql, params);
    return { changes: result.rowCount ?? 0 };
  }

  async get<T>(sql: string, params: PgParams = []): Promise<T | undefined> {
    return (await this.query(sql, params)).rows[0] as T | undefined;
  }

  async all<T>(sql: string, params: PgParams = []): Promise<T[]> {
    return (await this.query(sql, params)).rows as T[];
  }

  /** Runs one or more statements without parameters (DDL, migrations). */
  async exec(sql: string): Promise<void> {
    const target: Queryable = this.bound.getStore()?.client ?? this.pool;
    try {
      await target.query(sql);
    } catch (error) {
      throw wrapError(error, sql);
    }
  }

  /**
   * Runs `work` inside BEGIN … COMMIT on one connection of the pool, rolling back on any error.
   * Re-entrant: a transaction started inside `work` joins this one.
   */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    const bound = this.bound.getStore();
    if (bound?.transaction) return work();
    const client = bound?.client ?? (await this.pool.connect());
    let broken = false;
    try {
      return await committed(client, () => this.bindWhile({ client, transaction: true }, work), () => (broken = true));
    } finally {
      if (!bound) client.release(broken);
    }
  }

  /** Whether the caller runs inside `transaction` or `withConnection` (its statements go to that connection). */
  inBoundContext(): boolean {
    return this.bound.getStore() !== undefined;
  }

  /**
   * Like `transaction`, but `work` is handed the transaction's statements' runner and must issue them
   * through it: nothing binds the async context, so the process's promises are not tracked meanwhile
   * (the hot transactions, a ticket's opening, use this). Inside `transaction` or `withConnection` it
   * joins that one.
   */
  async transactionWith<T>(work: (tx: PgRunner) => Promise<T>): Promise<T> {
    if (this.bound.getStore()) return this.transaction(() => work(this));
    const client = await this.pool.connect();
    let broken = false;
    const tx: PgRunner = {
      run: async (sql, params = []) => ({ changes: (await this.query(sql, params, client)).rowCount ?? 0 }),
      get: async <R>(sql: string, params: PgParams = []) => (await this.query(sql, params, client)).rows[0] as R | undefined,
      all: async <R>(sql: string, params: PgParams = []) => (await this.query(sql, params, client)).rows as R[],
    };
    try {
      return await committed(client, () => work(tx), () => (broken = true));
    } finally {
      client.release(broken);
    }
  }

  /**
   * Runs `work` with one connection of the pool held for it: every statement and transaction issued inside
   * runs on it (what session-level advisory locks need).
   */
  async withConnection<T>(work: () => Promise<T>): Promise<T> {
    if (this.bound.getStore()) return work();
    const client = await this.pool.connect();
    try {
      return await this.bindWhile({ client, transaction: false }, work);
    } finally {
      client.release();
    }
  }

  /**
   * Runs `work` with `binding` as its context's connection. The storage is switched off again when the
   * last binding ends; contexts created meanwhile outside any binding carry none, so nothing is lost by
   * not tracking them.
   */
  private async bindWhile<T>(binding: { client: pg.PoolClient; transaction: boolean }, work: () => Promise<T>): Promise<T> {
    this.bindings += 1;
    try {
      return await this.bound.run(binding, work);
    } finally {
      this.bindings -= 1;
      if (this.bindings === 0) this.bound.disable();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async query(sql: string, params: PgParams, client?: pg.PoolClient): Promise<pg.QueryResult> {
    const target: Queryable = client ?? this.bound.getStore()?.client ?? this.pool;
    try {
      return await target.query({ ...this.statementFor(sql), values: params as unknown[] });
    } catch (error) {
      if ((error as { code?: unknown }).code !== PLAN_CHANGED || !this.prepared.has(sql)) throw wrapError(error, sql);
      // Prepared before the table changed: prepare it again under a new name (the old one stays unused).
      this.prepared.delete(sql);
      return this.query(sql, params, client);
    }
  }

  private statementFor(sql: string): { name?: string; text: string } {
    const known = this.prepared.get(sql);
    if (known) return known;
    const text = toPgPlaceholders(sql);
    if (this.prepared.size >= PREPARED_TEXTS) return { text };
    const statement = { name: `trolyxa_${++this.preparedSerial}`, text };
    this.prepared.set(sql, statement);
    return statement;
  }
}

/**
 * `CREATE SCHEMA IF NOT EXISTS` is not safe against itself: of several instances opening at once, all
 * but one may fail on the catalog's unique index (23505). Such a loser finds the schema there.
 */
async function createSchema(db: PgDatabase, schema: string): Promise<void> {
  try {
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } catch (error) {
    if ((error as { code?: unknown }).code !== '23505') throw error;
  }
}

function wrapError(error: unknown, context: string): Error {
  const short = context.replace(/\s+/g, ' ').slice(0, 120);
  const message = error instanceof Error ? error.message : String(error);
  const wrapped = new Error(`PostgreSQL: ${message} (in: ${short})`, { cause: error });
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') Object.assign(wrapped, { code });
  return wrapped;
}

/**
 * `body` between BEGIN and COMMIT on `client`; ROLLBACK when it throws. A ROLLBACK that fails leaves the
 * connection unusable: `markBroken` says so, and the caller releases it as broken.
 */
async function committed<T>(client: pg.PoolClient, body: () => Promise<T>, markBroken: () => void): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await body();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(markBroken);
    throw error;
  }
}
