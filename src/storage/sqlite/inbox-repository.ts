import {
  DEFAULT_LEASE_MS,
  UnstorableUpdateError,
  type ClaimOptions,
  type InboxClaimant,
  type PrunableUpdateInbox,
  type UnfinishedUpdate,
} from '../update-inbox.js';
import type { Database } from '../database.js';

/** Rows per statement at most (a burst beyond it takes several). */
const MAX_BATCH = 200;

interface Pending<T> {
  row: { c: string; u: string; p?: string | null };
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * Rows written in the same event-loop turn go to SQLite in one statement (the batch as one JSON
 * parameter). In a burst of webhooks, one statement per update made each acknowledgement wait for
 * its own round trip behind the answering work of the updates before it; now they are stored, and
 * acknowledged, together.
 */
class Batcher<T> {
  private queue: Pending<T>[] = [];
  private scheduled = false;

  constructor(private readonly write: (batch: Pending<T>[]) => Promise<void>) {}

  add(row: Pending<T>['row']): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        const queue = this.queue;
        this.queue = [];
        for (let i = 0; i < queue.length; i += MAX_BATCH) {
          const batch = queue.slice(i, i + MAX_BATCH);
          this.write(batch).catch((error: unknown) => batch.forEach((p) => p.reject(error)));
        }
      });
    });
  }
}

const keyOf = (channel: string, updateId: string) => `${channel}\u0000${updateId}`;

/**
 * The durable inbox of platform updates (table `processed_updates`), SQLite. One process uses the file, so
 * at a channel's start every unfinished update is its own to take again (see ClaimOptions.atStart); the
 * leases otherwise work as on PostgreSQL (each statement runs alone on the single connection).
 */
export class SqliteUpdateInbox implements PrunableUpdateInbox {
  private readonly accepts = new Batcher<boolean>((batch) => this.acceptBatch(batch));
  private readonly dones = new Batcher<void>((batch) => this.doneBatch(batch));
  private readonly instanceId: string;
  private readonly leaseMs: number;

  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
    claimant: InboxClaimant = { instanceId: 'local' },
  ) {
    this.instanceId = claimant.instanceId;
    this.leaseMs = claimant.leaseMs ?? DEFAULT_LEASE_MS;
  }

  accept(channel: string, updateId: string, payload: unknown): Promise<boolean> {
    let json: string | null;
    try {
      json = JSON.stringify(payload) ?? null;
    } catch (error) {
      return Promise.reject(new UnstorableUpdateError(error));
    }
    return this.accepts.add({ c: channel, u: updateId, p: json });
  }

  /** The payload is only needed until then. */
  done(channel: string, updateId: string): Promise<void> {
    return this.dones.add({ c: channel, u: updateId });
  }

  private async acceptBatch(batch: Pending<boolean>[]): Promise<void> {
    // The source-key checks use the unique partial indexes question_log_source and tickets_source.
    const now = this.now();
    const rows = await this.db.all<{ channel: string; update_id: string }>(
      `INSERT OR IGNORE INTO processed_updates (channel, update_id, received_at, payload_json, claimed_by, lease_until, attempts)
       SELECT value ->> 'c', value ->> 'u', ?, value ->> 'p', ?, ?, 1 FROM json_each(?)
       WHERE NOT EXISTS (SELECT 1 FROM question_log WHERE source_key = (value ->> 'c') || ':' || (value ->> 'u'))
         AND NOT EXISTS (SELECT 1 FROM tickets WHERE source_key = (value ->> 'c') || ':' || (value ->> 'u'))
       ORDER BY key
       RETURNING channel, update_id`,
      [now.toISOString(), this.instanceId, this.leaseEnd(now), JSON.stringify(batch.map((p) => p.row))],
    );
    const inserted = new Set(rows.map((r) => keyOf(r.channel, r.update_id)));
    // The same update twice in one batch: only the first is new.
    for (const pending of batch) pending.resolve(inserted.delete(keyOf(pending.row.c, pending.row.u)));
  }

  private async doneBatch(batch: Pending<void>[]): Promise<void> {
    await this.db.run(
      `UPDATE processed_updates SET done_at = ?, payload_json = NULL
       WHERE (channel, update_id) IN (SELECT value ->> 'c', value ->> 'u' FROM json_each(?))`,
      [this.now().toISOString(), JSON.stringify(batch.map((p) => p.row))],
    );
    for (const pending of batch) pending.resolve();
  }

  async claimAbandoned(channel: string, options: ClaimOptions = {}): Promise<UnfinishedUpdate[]> {
    const now = this.now();
    const rows = await this.db.all<{ update_id: string; payload_json: string | null; received_at: string; attempts: number; rowid: number }>(
      `UPDATE processed_updates SET claimed_by = ?, lease_until = ?, attempts = attempts + 1
       WHERE rowid IN (
         SELECT rowid FROM processed_updates
         WHERE channel = ? AND done_at IS NULL AND (? OR lease_until IS NULL OR lease_until <= ?)
         ORDER BY received_at, rowid LIMIT ?)
       RETURNING update_id, payload_json, received_at, attempts, rowid`,
      [this.instanceId, this.leaseEnd(now), channel, options.atStart ? 1 : 0, now.toISOString(), options.limit ?? -1],
    );
    rows.sort((a, b) => a.received_at.localeCompare(b.received_at) || a.rowid - b.rowid);
    return rows.map((r) => ({
      updateId: r.update_id,
      payload: r.payload_json === null ? null : (JSON.parse(r.payload_json) as unknown),
      receivedAt: r.received_at,
      attempts: r.attempts,
    }));
  }

  async renew(channel: string, updateIds: readonly string[]): Promise<string[]> {
    if (updateIds.length === 0) return [];
    const rows = await this.db.all<{ update_id: string }>(
      `UPDATE processed_updates SET lease_until = ?
       WHERE channel = ? AND update_id IN (SELECT value FROM json_each(?)) AND claimed_by = ? AND done_at IS NULL
       RETURNING update_id`,
      [this.leaseEnd(this.now()), channel, JSON.stringify(updateIds), this.instanceId],
    );
    return rows.map((r) => r.update_id);
  }

  private leaseEnd(now: Date): string {
    return new Date(now.getTime() + this.leaseMs).toISOString();
  }

  /** Forgets handled updates older than `maxAgeMs` (platforms stop re-delivering long before). */
  async prune(maxAgeMs: number): Promise<number> {
    const cutoff = new Date(this.now().getTime() - maxAgeMs).toISOString();
    const { changes } = await this.db.run('DELETE FROM processed_updates WHERE received_at < ? AND done_at IS NOT NULL', [cutoff]);
    return changes;
  }
}
