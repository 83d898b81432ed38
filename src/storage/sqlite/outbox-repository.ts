/* Outgoing messages waiting for delivery (table `outbox`), SQLite. */
import type { Database } from '../database.js';
import type { NewOutboxMessage, OutboxFilter } from '../../escalation/stores.js';
import type { OutboxRecord } from '../../escalation/types.js';
import { CLAIM_ORDER, newOutboxValues, OUTBOX_INSERT, outboxWhere, REQUEUEABLE, SqlOutboxStore, toOutboxRecord, type OutboxRow } from '../shared/outbox.js';
import type { InboxClaimant } from '../update-inbox.js';
import type { SqliteUnitOfWork } from './unit-of-work.js';

export class SqliteOutboxStore extends SqlOutboxStore {
  constructor(
    private readonly db: Database,
    uow: SqliteUnitOfWork,
    claimant?: InboxClaimant,
  ) {
    super(db, (work) => uow.run(work), claimant);
  }

  /** At start, every message in flight: one process uses a SQLite file, so none is being sent by another. */
  override recoverInFlight(now: string, options: { atStart?: boolean } = {}): Promise<number> {
    if (!options.atStart) return super.recoverInFlight(now);
    return this.write(async () => {
      const { changes } = await this.db.run(
        "UPDATE outbox SET status = 'pending', next_attempt_at = ?, claimed_by = NULL, lease_until = NULL WHERE status = 'sending'",
        [now],
      );
      return changes;
    });
  }

  enqueue(message: NewOutboxMessage): Promise<OutboxRecord | undefined> {
    return this.write(async () => {
      const { changes, lastID } = await this.db.run(`${OUTBOX_INSERT} ON CONFLICT (dedup_key) DO NOTHING`, newOutboxValues(message));
      return changes === 1 ? this.get(lastID) : undefined;
    });
  }

  /** In one IMMEDIATE transaction: another connection to the file waits for it, then finds the rows taken. */
  claimDue(now: string, limit: number, exclude: readonly number[] = []): Promise<OutboxRecord[]> {
    return this.write(async () => {
      const skip = exclude.length ? ` AND id NOT IN (${exclude.map(() => '?').join(', ')})` : '';
      const rows = await this.db.all<OutboxRow>(
        `SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?${skip} ORDER BY ${CLAIM_ORDER} LIMIT ?`,
        [now, ...exclude, limit],
      );
      const claimed: OutboxRecord[] = [];
      for (const row of rows) {
        const { changes } = await this.db.run(
          "UPDATE outbox SET status = 'sending', claimed_by = ?, lease_until = ? WHERE id = ? AND status = 'pending'",
          [this.instanceId, this.leaseEnd(now), row.id],
        );
        if (changes === 1) claimed.push({ ...toOutboxRecord(row), status: 'sending' });
      }
      return claimed;
    });
  }

  requeue(filter: Omit<OutboxFilter, 'status'>, now: string): Promise<OutboxRecord[]> {
    return this.write(async () => {
      const { where, params } = outboxWhere(filter);
      where.push(REQUEUEABLE);
      params.push(now);
      const rows = await this.db.all<{ id: number }>(`SELECT id FROM outbox WHERE ${where.join(' AND ')} ORDER BY id`, params);
      const requeued: OutboxRecord[] = [];
      for (const { id } of rows) {
        await this.db.run(
          `UPDATE outbox SET status = 'pending', next_attempt_at = ?,
             attempts = CASE WHEN status = 'failed' THEN 0 ELSE attempts END
           WHERE id = ?`,
          [now, id],
        );
        const record = await this.get(id);
        if (record) requeued.push(record);
      }
      return requeued;
    });
  }
}
