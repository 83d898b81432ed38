/* Outgoing messages waiting for delivery (table `outbox`), SQLite. */
import type { Database, SqlValue } from '../database.js';
import type { NewOutboxMessage, OutboxFilter, OutboxStore } from '../../escalation/stores.js';
import { OUTBOUND_PRIORITY, type OutboundKind, type OutboxRecord, type OutboxStatus } from '../../escalation/types.js';
import type { SqliteUnitOfWork } from './unit-of-work.js';

interface OutboxRow {
  id: number;
  ticket_id: number | null;
  channel: string;
  chat_id: string;
  kind: string;
  text: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  dedup_key: string | null;
}

export class SqliteOutboxStore implements OutboxStore {
  constructor(
    private readonly db: Database,
    private readonly uow: SqliteUnitOfWork,
  ) {}

  enqueue(message: NewOutboxMessage): Promise<OutboxRecord | undefined> {
    return this.uow.run(async () => {
      const { changes, lastID } = await this.db.run(
        `INSERT INTO outbox (ticket_id, channel, chat_id, kind, text, status, attempts, next_attempt_at, created_at, dedup_key, priority)
         VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)
         ON CONFLICT (dedup_key) DO NOTHING`,
        [
          message.ticketId ?? null,
          message.channel,
          message.chatId,
          message.kind,
          message.text,
          message.nextAttemptAt ?? message.createdAt,
          message.createdAt,
          message.dedupKey ?? null,
          OUTBOUND_PRIORITY[message.kind] ?? 0,
        ],
      );
      return changes === 1 ? this.get(lastID) : undefined;
    });
  }

  async get(id: number): Promise<OutboxRecord | undefined> {
    const row = await this.db.get<OutboxRow>('SELECT * FROM outbox WHERE id = ?', [id]);
    return row && toOutboxRecord(row);
  }

  async list(filter: OutboxFilter = {}): Promise<OutboxRecord[]> {
    const { where, params } = outboxWhere(filter);
    if (filter.status) {
      where.push('status = ?');
      params.push(filter.status);
    }
    const sql = `SELECT * FROM outbox${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
    return (await this.db.all<OutboxRow>(sql, params)).map(toOutboxRecord);
  }

  claimDue(now: string, limit: number, exclude: readonly number[] = []): Promise<OutboxRecord[]> {
    return this.uow.run(async () => {
      const skip = exclude.length ? ` AND id NOT IN (${exclude.map(() => '?').join(', ')})` : '';
      const rows = await this.db.all<OutboxRow>(
        // Messages to askers first (migration 9's priority), then by due time.
        `SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?${skip} ORDER BY priority DESC, next_attempt_at, id LIMIT ?`,
        [now, ...exclude, limit],
      );
      const claimed: OutboxRecord[] = [];
      for (const row of rows) {
        const { changes } = await this.db.run("UPDATE outbox SET status = 'sending' WHERE id = ? AND status = 'pending'", [
          row.id,
        ]);
        if (changes === 1) claimed.push({ ...toOutboxRecord(row), status: 'sending' });
      }
      return claimed;
    });
  }

  markSent(id: number, now: string): Promise<boolean> {
    return this.change(
      "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ? AND status = 'sending'",
      [now, id],
    );
  }

  markRetry(id: number, attempts: number, nextAttemptAt: string, error: string): Promise<boolean> {
    return this.change(
      "UPDATE outbox SET status = 'pending', attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'sending'",
      [attempts, nextAttemptAt, error, id],
    );
  }

  markFailed(id: number, attempts: number, error: string): Promise<boolean> {
    return this.change(
      "UPDATE outbox SET status = 'failed', attempts = ?, last_error = ? WHERE id = ? AND status = 'sending'",
      [attempts, error, id],
    );
  }

  recoverInFlight(now: string): Promise<number> {
    return this.uow.run(async () => {
      const { changes } = await this.db.run(
        "UPDATE outbox SET status = 'pending', next_attempt_at = ? WHERE status = 'sending'",
        [now],
      );
      return changes;
    });
  }

  requeue(filter: Omit<OutboxFilter, 'status'>, now: string): Promise<OutboxRecord[]> {
    return this.uow.run(async () => {
      const { where, params } = outboxWhere(filter);
      where.push("(status = 'failed' OR (status = 'pending' AND next_attempt_at > ?))");
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

  private change(sql: string, params: SqlValue[]): Promise<boolean> {
    return this.uow.run(async () => (await this.db.run(sql, params)).changes === 1);
  }
}

function outboxWhere(filter: Omit<OutboxFilter, 'status'>): { where: string[]; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (filter.kind) {
    where.push('kind = ?');
    params.push(filter.kind);
  }
  if (filter.ticketId !== undefined) {
    where.push('ticket_id = ?');
    params.push(filter.ticketId);
  }
  if (filter.channel !== undefined) {
    where.push('channel = ?');
    params.push(filter.channel);
  }
  if (filter.chatId !== undefined) {
    where.push('chat_id = ?');
    params.push(filter.chatId);
  }
  return { where, params };
}

function toOutboxRecord(r: OutboxRow): OutboxRecord {
  return {
    id: r.id,
    channel: r.channel,
    chatId: r.chat_id,
    kind: r.kind as OutboundKind,
    text: r.text,
    ...(r.ticket_id !== null && { ticketId: r.ticket_id }),
    status: r.status as OutboxStatus,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    ...(r.last_error !== null && { lastError: r.last_error }),
    createdAt: r.created_at,
    ...(r.sent_at !== null && { sentAt: r.sent_at }),
    ...(r.dedup_key !== null && { dedupKey: r.dedup_key }),
  };
}
