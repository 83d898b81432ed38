import { createHash } from 'node:crypto';
import pg from 'pg';
import type { LeaderLock } from '../leader-lock.js';

export interface PgLeaderLockOptions {
  /** `application_name` of the lock's connection: who holds a lock shows in pg_stat_activity. */
  applicationName?: string;
  /** Locks of different namespaces never meet (the schema, when instances of several deployments share a database). */
  namespace?: string;
  /** Longest wait for the database in one call; past it the connection is dropped and the locks are lost. Default 5 s. */
  queryTimeoutMs?: number;
}

/**
 * The LeaderLock on PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) per name, on a
 * connection of its own outside the pool, so the lock lives exactly as long as that connection. A killed
 * instance's connection closes and the server frees its locks at once; a machine that vanishes is noticed
 * by the TCP keepalives set on the connection (about 25 s). When the connection breaks on this side every
 * lock is lost (`onLost` listeners are told, `isHeld` answers false) and the next `tryAcquire` connects
 * again.
 */
export class PgLeaderLock implements LeaderLock {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private readonly held = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private closed = false;
  /** Statements on the connection run one after another (a check and a release may be asked for at once). */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly url: string,
    private readonly options: PgLeaderLockOptions = {},
  ) {}

  async tryAcquire(name: string): Promise<boolean> {
    if (this.closed) return false;
    // Advisory locks nest within a session: take one only once, and check it after.
    if (this.held.has(name)) return this.isHeld(name);
    const client = await this.connection();
    const key = lockKey(this.options.namespace ?? '', name);
    const row = await this.query<{ ok: boolean }>(client, 'SELECT pg_try_advisory_lock($1::bigint) AS ok', [key.id]);
    if (row?.ok && this.client === client) this.held.add(name);
    return this.held.has(name);
  }

  async isHeld(name: string): Promise<boolean> {
    const client = this.client;
    if (!client || !this.held.has(name)) return false;
    const key = lockKey(this.options.namespace ?? '', name);
    try {
      const row = await this.query<{ held: boolean }>(
        client,
        `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
           AND classid = $1::oid AND objid = $2::oid AND objsubid = 1) AS held`,
        [key.classid, key.objid],
      );
      if (!row?.held) this.held.delete(name);
    } catch {
      // query() has dropped the connection: the locks went with it.
    }
    return this.held.has(name);
  }

  async release(name: string): Promise<void> {
    const client = this.client;
    if (!client || !this.held.delete(name)) return;
    await this.query(client, 'SELECT pg_advisory_unlock($1::bigint)', [lockKey(this.options.namespace ?? '', name).id]).catch(() => undefined);
  }

  onLost(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    this.held.clear();
    await client?.end().catch(() => undefined);
  }

  private connection(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<pg.Client> {
    const timeoutMs = this.options.queryTimeoutMs ?? 5_000;
    const client = new pg.Client({
      connectionString: this.url,
      application_name: this.options.applicationName ?? 'trolyxa-leader',
      connectionTimeoutMillis: timeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      // The server side: a peer that vanished without closing its socket is dropped (and its locks freed) in ~25 s.
      options: '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3 -c tcp_user_timeout=20000',
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw new Error(`PostgreSQL: the leader lock cannot connect: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      throw new Error('PostgreSQL: the leader lock is closed');
    }
    this.client = client;
    return client;
  }

  /** Runs one statement after those asked for before it; one that fails or outlasts the timeout drops the connection (its locks are unknown). */
  private query<T>(client: pg.Client, sql: string, params: unknown[]): Promise<T | undefined> {
    const result = this.turn.then(() => this.queryNow<T>(client, sql, params));
    this.turn = result.catch(() => undefined);
    return result;
  }

  private async queryNow<T>(client: pg.Client, sql: string, params: unknown[]): Promise<T | undefined> {
    if (this.client !== client) throw new Error('PostgreSQL: the leader lock lost its connection');
    const timeoutMs = this.options.queryTimeoutMs ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`PostgreSQL: the leader lock got no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      const result = await Promise.race([client.query(sql, params), timeout]);
      return result.rows[0] as T | undefined;
    } catch (error) {
      this.lost(client);
      void client.end().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    const had = this.held.size > 0;
    this.held.clear();
    if (had && !this.closed) for (const listener of this.listeners) listener();
  }
}

/** The advisory lock's 64-bit key for a name, and the two halves pg_locks shows it as. */
function lockKey(namespace: string, name: string): { id: string; classid: string; objid: string } {
  const digest = createHash('sha256').update(`trolyxa.leader\u0000${namespace}\u0000${name}`).digest();
  return { id: digest.readBigInt64BE(0).toString(), classid: String(digest.readUInt32BE(0)), objid: String(digest.readUInt32BE(4)) };
}
