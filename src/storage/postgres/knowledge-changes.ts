import pg from 'pg';
import { InProcessKnowledgeChanges, type VersionCheck } from '../knowledge-changes.js';
import type { PgDatabase } from './pg-database.js';

/** The notification channel (one per database: instances on other schemas of it only cause a version check). */
export const KNOWLEDGE_CHANNEL = 'trolyxa_knowledge';

/** Waits before reconnecting a lost listener, one after another; the last repeats. */
const RECONNECT_DELAYS_MS = [500, 1000, 2000, 5000, 10_000];

export interface PgKnowledgeChangesOptions {
  /** The database's URL: the listener holds a connection of its own, outside the pool. */
  url: string;
  /** Reads the knowledge version (the store's). */
  version: () => Promise<number>;
  /** The version check behind the notifications, for those lost with a connection (default 3 s). */
  checkEveryMs?: number;
  /** Listen for notifications (default true; false leaves only the version check, as after a lost connection). */
  listen?: boolean;
  /** A lost listener or a failed check: the caller logs it. Nothing is thrown. */
  onError?: (error: unknown, what: 'listen' | 'check' | 'notify') => void;
}

/**
 * Knowledge changes between instances on one PostgreSQL database: `published` sends
 * `pg_notify('trolyxa_knowledge', version)` after the change's commit; a dedicated connection LISTENs and,
 * on each notification, reads the version (the payload is only a hint: another schema of the same database
 * may have sent it). A version check every few seconds covers notifications lost with a connection, and
 * a lost listener reconnects by itself.
 */
export class PgKnowledgeChanges extends InProcessKnowledgeChanges {
  private client: pg.Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failures = 0;

  private constructor(
    private readonly db: PgDatabase,
    private readonly options: PgKnowledgeChangesOptions,
  ) {
    const check: VersionCheck = {
      version: options.version,
      intervalMs: options.checkEveryMs ?? 3000,
      onError: (error) => options.onError?.(error, 'check'),
    };
    super(check);
  }

  /** Starts listening (when asked to); resolves once the listener is connected, or has failed and will retry. */
  static async start(db: PgDatabase, options: PgKnowledgeChangesOptions): Promise<PgKnowledgeChanges> {
    const changes = new PgKnowledgeChanges(db, options);
    if (options.listen !== false) await changes.connect();
    return changes;
  }

  /** The listener's server process id (tests end it to play a lost connection), or undefined while it is down. */
  get listenerPid(): number | undefined {
    return (this.client as (pg.Client & { processID?: number }) | undefined)?.processID;
  }

  override async published(version: number): Promise<void> {
    await super.published(version);
    try {
      await this.db.run('SELECT pg_notify(?, ?)', [KNOWLEDGE_CHANNEL, String(version)]);
    } catch (error) {
      // The other instances' version check still sees the change, a few seconds later.
      this.options.onError?.(error, 'notify');
    }
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.options.url, application_name: 'trolyxa knowledge listener' });
    client.on('notification', (message) => {
      if (message.channel === KNOWLEDGE_CHANNEL) void this.checkNow();
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('the knowledge listener connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${KNOWLEDGE_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.failures = 0;
    // What changed while nobody listened.
    void this.checkNow();
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== undefined && this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.closed || this.reconnectTimer) return;
    this.options.onError?.(error, 'listen');
    const delay = RECONNECT_DELAYS_MS[Math.min(this.failures, RECONNECT_DELAYS_MS.length - 1)]!;
    this.failures += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }

  override async close(): Promise<void> {
    await super.close();
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners('end');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
