/* Outgoing messages (table `outbox`): rows, records and the statements both engines write alike. */
import type { SqlValue } from '../database.js';
import type { NewOutboxMessage, OutboxFilter, OutboxStore } from '../../escalation/stores.js';
import { OUTBOUND_PRIORITY, type OutboundKind, type OutboxRecord, type OutboxStatus } from '../../escalation/types.js';
import type { SqlRunner, WriteScope } from './sql.js';

export interface OutboxRow {
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

/** The columns of a new message, pending and due at `nextAttemptAt`, and the values of `newOutboxValues`. */
export const OUTBOX_INSERT = `INSERT INTO outbox (ticket_id, channel, chat_id, kind, text, status, attempts, next_attempt_at, created_at, dedup_key, priority)
  VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)`;

export function newOutboxValues(message: NewOutboxMessage): SqlValue[] {
  return [
    message.ticketId ?? null,
    message.channel,
    message.chatId,
    message.kind,
    message.text,
    message.nextAttemptAt ?? message.createdAt,
    message.createdAt,
    message.dedupKey ?? null,
    OUTBOUND_PRIORITY[message.kind] ?? 0,
  ];
}

/** Messages to askers first (migration 9's priority), then by due time. */
export const CLAIM_ORDER = 'priority DESC, next_attempt_at, id';

/** Every OutboxStore method whose SQL is the same on both engines; the engine writes the rest. */
export abstract class SqlOutboxStore implements OutboxStore {
  constructor(
    protected readonly sql: SqlRunner,
    protected readonly write: WriteScope,
  ) {}

  abstract enqueue(message: NewOutboxMessage): Promise<OutboxRecord | undefined>;
  abstract claimDue(now: string, limit: number, exclude?: readonly number[]): Promise<OutboxRecord[]>;
  abstract requeue(filter: Omit<OutboxFilter, 'status'>, now: string): Promise<OutboxRecord[]>;

  async get(id: number): Promise<OutboxRecord | undefined> {
    const row = await this.sql.get<OutboxRow>('SELECT * FROM outbox WHERE id = ?', [id]);
    return row && toOutboxRecord(row);
  }

  async list(filter: OutboxFilter = {}): Promise<OutboxRecord[]> {
    const { where, params } = outboxWhere(filter);
    if (filter.status) {
      where.push('status = ?');
      params.push(filter.status);
    }
    const sql = `SELECT * FROM outbox${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
    return (await this.sql.all<OutboxRow>(sql, params)).map(toOutboxRecord);
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
    return this.change("UPDATE outbox SET status = 'failed', attempts = ?, last_error = ? WHERE id = ? AND status = 'sending'", [
      attempts,
      error,
      id,
    ]);
  }

  recoverInFlight(now: string): Promise<number> {
    return this.write(async () => {
      const { changes } = await this.sql.run("UPDATE outbox SET status = 'pending', next_attempt_at = ? WHERE status = 'sending'", [now]);
      return changes;
    });
  }

  private change(sql: string, params: SqlValue[]): Promise<boolean> {
    return this.write(async () => (await this.sql.run(sql, params)).changes === 1);
  }
}

/** The conditions of a filter (its status aside), `?` placeholders. */
export function outboxWhere(filter: Omit<OutboxFilter, 'status'>): { where: string[]; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (typeof filter.kind === 'string') {
    where.push('kind = ?');
    params.push(filter.kind);
  } else if (filter.kind) {
    where.push(filter.kind.length ? `kind IN (${filter.kind.map(() => '?').join(', ')})` : '1 = 0');
    params.push(...filter.kind);
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

export function toOutboxRecord(r: OutboxRow): OutboxRecord {
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
