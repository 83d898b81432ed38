import { UnstorableUpdateError, type PrunableUpdateInbox, type UnfinishedUpdate } from '../update-inbox.js';
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

/** The durable inbox of platform updates (table `processed_updates`), SQLite. */
export class SqliteUpdateInbox implements PrunableUpdateInbox {
  private readonly accepts = new Batcher<boolean>((batch) => this.acceptBatch(batch));
  private readonly dones = new Batcher<void>((batch) => this.doneBatch(batch));

  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

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
    const rows = await this.db.all<{ channel: string; update_id: string }>(
      `INSERT OR IGNORE INTO processed_updates (channel, update_id, received_at, payload_json)
       SELECT value ->> 'c', value ->> 'u', ?, value ->> 'p' FROM json_each(?)
       WHERE NOT EXISTS (SELECT 1 FROM question_log WHERE source_key = (value ->> 'c') || ':' || (value ->> 'u'))
         AND NOT EXISTS (SELECT 1 FROM tickets WHERE source_key = (value ->> 'c') || ':' || (value ->> 'u'))
       ORDER BY key
       RETURNING channel, update_id`,
      [this.now().toISOString(), JSON.stringify(batch.map((p) => p.row))],
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

  async unfinished(channel: string): Promise<UnfinishedUpdate[]> {
    const rows = await this.db.all<{ update_id: string; payload_json: string | null; received_at: string }>(
      'SELECT update_id, payload_json, received_at FROM processed_updates WHERE channel = ? AND done_at IS NULL ORDER BY received_at, rowid',
      [channel],
    );
    return rows.map((r) => ({ updateId: r.update_id, payload: r.payload_json === null ? null : (JSON.parse(r.payload_json) as unknown), receivedAt: r.received_at }));
  }

  /** Forgets handled updates older than `maxAgeMs` (platforms stop re-delivering long before). */
  async prune(maxAgeMs: number): Promise<number> {
    const cutoff = new Date(this.now().getTime() - maxAgeMs).toISOString();
    const { changes } = await this.db.run('DELETE FROM processed_updates WHERE received_at < ? AND done_at IS NOT NULL', [cutoff]);
    return changes;
  }
}
