/* Outgoing messages waiting for delivery (table `outbox`), PostgreSQL. */
import type { NewOutboxMessage, OutboxFilter } from '../../escalation/stores.js';
import type { OutboxRecord } from '../../escalation/types.js';
import { CLAIM_ORDER, newOutboxValues, OUTBOX_INSERT, outboxWhere, REQUEUEABLE, SqlOutboxStore, toOutboxRecord, type OutboxRow } from '../shared/outbox.js';
import { directWrite } from '../shared/sql.js';
import type { InboxClaimant } from '../update-inbox.js';
import type { PgDatabase } from './pg-database.js';

export class PgOutboxStore extends SqlOutboxStore {
  constructor(
    private readonly db: PgDatabase,
    claimant?: InboxClaimant,
  ) {
    super(db, directWrite, claimant);
  }

  async enqueue(message: NewOutboxMessage): Promise<OutboxRecord | undefined> {
    const [row] = await this.db.all<OutboxRow>(`${OUTBOX_INSERT} ON CONFLICT (dedup_key) DO NOTHING RETURNING *`, newOutboxValues(message));
    return row && toOutboxRecord(row);
  }

  /**
   * Several instances claim from the same table: the due rows are locked with `FOR UPDATE SKIP LOCKED`
   * and moved to 'sending' in the same transaction, so a row another claimer holds is passed over rather
   * than waited for, and a row it has claimed no longer matches `status = 'pending'` once it commits.
   */
  claimDue(now: string, limit: number, exclude: readonly number[] = []): Promise<OutboxRecord[]> {
    const skip = exclude.length ? ` AND id NOT IN (${exclude.map(() => '?').join(', ')})` : '';
    return this.db.transaction(async () => {
      const rows = await this.db.all<OutboxRow & { priority: number }>(
        `WITH due AS (
           SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?${skip}
           ORDER BY ${CLAIM_ORDER} LIMIT ? FOR UPDATE SKIP LOCKED
         )
         UPDATE outbox SET status = 'sending', claimed_by = ?, lease_until = ? FROM due WHERE outbox.id = due.id RETURNING outbox.*`,
        [now, ...exclude, limit, this.instanceId, this.leaseEnd(now)],
      );
      // RETURNING keeps no order: put the claimed rows back in claiming order.
      rows.sort((a, b) => b.priority - a.priority || compare(a.next_attempt_at, b.next_attempt_at) || a.id - b.id);
      return rows.map(toOutboxRecord);
    });
  }

  /** One statement: of two instances requeueing at once, the second finds the rows already due. */
  async requeue(filter: Omit<OutboxFilter, 'status'>, now: string): Promise<OutboxRecord[]> {
    const { where, params } = outboxWhere(filter);
    where.push(REQUEUEABLE);
    const rows = await this.db.all<OutboxRow>(
      `UPDATE outbox SET status = 'pending', next_attempt_at = ?, attempts = CASE WHEN status = 'failed' THEN 0 ELSE attempts END
       WHERE ${where.join(' AND ')} RETURNING *`,
      [now, ...params, now],
    );
    return rows.sort((a, b) => a.id - b.id).map(toOutboxRecord);
  }
}

/** Byte-wise, as SQLite compares text (ISO times sort as instants). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

