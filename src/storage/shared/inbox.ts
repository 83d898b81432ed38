/* The durable inbox of platform updates (table `processed_updates`): what both engines write alike. */
import {
  DEFAULT_LEASE_MS,
  UnstorableUpdateError,
  type ClaimOptions,
  type InboxClaimant,
  type PrunableUpdateInbox,
  type UnfinishedUpdate,
} from '../update-inbox.js';
import type { SqlRunner } from './sql.js';

/** Rows per statement at most (a burst beyond it takes several). */
const MAX_BATCH = 200;

interface BatchRow {
  c: string;
  u: string;
  p?: string | null;
}

interface Pending<T> {
  row: BatchRow;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * Rows written in the same event-loop turn go to the database in one statement (the batch as one JSON
 * parameter). In a burst of webhooks, one statement per update made each acknowledgement wait for its own
 * round trip behind the answering work of the updates before it (SQLite), and cost PostgreSQL a round
 * trip and a statement per update; now they are stored, and acknowledged, together.
 */
class Batcher<T> {
  private queue: Pending<T>[] = [];
  private scheduled = false;

  constructor(private readonly write: (batch: Pending<T>[]) => Promise<void>) {}

  add(row: BatchRow): Promise<T> {
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

/** A claimed row, as `claimAbandoned` statements return it (`seq`: the order received, ties broken). */
export interface ClaimedRow {
  update_id: string;
  payload_json: string | null;
  received_at: string;
  attempts: number;
  seq: number;
}

/**
 * Every UpdateInbox method whose SQL is the same on both engines. An update is new once per (channel,
 * id), whichever instance stores it first; one the inbox forgot whose source key the question log or a
 * ticket bears is a repeat. The engine says how a JSON array parameter becomes rows (`value`, `key`) and
 * claims abandoned updates its own way.
 */
export abstract class SqlUpdateInbox implements PrunableUpdateInbox {
  private readonly accepts = new Batcher<boolean>((batch) => this.acceptBatch(batch));
  private readonly dones = new Batcher<void>((batch) => this.doneBatch(batch));
  protected readonly instanceId: string;
  private readonly leaseMs: number;

  constructor(
    protected readonly sql: SqlRunner,
    protected readonly now: () => Date = () => new Date(),
    claimant: InboxClaimant = { instanceId: 'local' },
  ) {
    this.instanceId = claimant.instanceId;
    this.leaseMs = claimant.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** A FROM item giving the elements of the JSON array parameter `?` as rows of `value` (an object) and `key` (its position). */
  protected abstract readonly jsonRows: string;

  abstract claimAbandoned(channel: string, options?: ClaimOptions): Promise<UnfinishedUpdate[]>;

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

  async renew(channel: string, updateIds: readonly string[]): Promise<string[]> {
    if (updateIds.length === 0) return [];
    const rows = await this.sql.all<{ update_id: string }>(
      `UPDATE processed_updates SET lease_until = ?
       WHERE channel = ? AND update_id IN (SELECT value ->> 'u' FROM ${this.jsonRows}) AND claimed_by = ? AND done_at IS NULL
       RETURNING update_id`,
      [this.leaseEnd(this.now()), channel, JSON.stringify(updateIds.map((u) => ({ u }))), this.instanceId],
    );
    return rows.map((r) => r.update_id);
  }

  /** Forgets handled updates older than `maxAgeMs` (platforms stop re-delivering long before). */
  async prune(maxAgeMs: number): Promise<number> {
    const cutoff = new Date(this.now().getTime() - maxAgeMs).toISOString();
    const { changes } = await this.sql.run('DELETE FROM processed_updates WHERE received_at < ? AND done_at IS NOT NULL', [cutoff]);
    return changes;
  }

  protected leaseEnd(now: Date): string {
    return new Date(now.getTime() + this.leaseMs).toISOString();
  }

  private async acceptBatch(batch: Pending<boolean>[]): Promise<void> {
    // The source-key checks use the unique partial indexes question_log_source and tickets_source.
    const now = this.now();
    const rows = await this.sql.all<{ channel: string; update_id: string }>(
      `INSERT INTO processed_updates (channel, update_id, received_at, payload_json, claimed_by, lease_until, attempts)
       SELECT value ->> 'c', value ->> 'u', CAST(? AS TEXT), value ->> 'p', CAST(? AS TEXT), CAST(? AS TEXT), 1 FROM ${this.jsonRows}
       WHERE NOT EXISTS (SELECT 1 FROM question_log WHERE source_key = (value ->> 'c') || ':' || (value ->> 'u'))
         AND NOT EXISTS (SELECT 1 FROM tickets WHERE source_key = (value ->> 'c') || ':' || (value ->> 'u'))
       ORDER BY key
       ON CONFLICT (channel, update_id) DO NOTHING
       RETURNING channel, update_id`,
      [now.toISOString(), this.instanceId, this.leaseEnd(now), JSON.stringify(batch.map((p) => p.row))],
    );
    const inserted = new Set(rows.map((r) => keyOf(r.channel, r.update_id)));
    // The same update twice in one batch: only the first is new.
    for (const pending of batch) pending.resolve(inserted.delete(keyOf(pending.row.c, pending.row.u)));
  }

  private async doneBatch(batch: Pending<void>[]): Promise<void> {
    await this.sql.run(
      `UPDATE processed_updates SET done_at = ?, payload_json = NULL
       WHERE (channel, update_id) IN (SELECT value ->> 'c', value ->> 'u' FROM ${this.jsonRows})`,
      [this.now().toISOString(), JSON.stringify(batch.map((p) => p.row))],
    );
    for (const pending of batch) pending.resolve();
  }
}

/** Claimed rows as updates, oldest first (RETURNING keeps no order). */
export function toUnfinishedUpdates(rows: ClaimedRow[]): UnfinishedUpdate[] {
  rows.sort((a, b) => a.received_at.localeCompare(b.received_at) || a.seq - b.seq);
  return rows.map((r) => ({
    updateId: r.update_id,
    payload: r.payload_json === null ? null : (JSON.parse(r.payload_json) as unknown),
    receivedAt: r.received_at,
    attempts: r.attempts,
  }));
}
