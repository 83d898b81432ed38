/* Outgoing messages (table `outbox`): rows, records and the statements both engines write alike. */
import type { SqlValue } from '../database.js';
import type { NewOutboxMessage, OutboxFilter, OutboxStore } from '../../escalation/stores.js';
import { OUTBOUND_PRIORITY, type OutboundKind, type OutboxRecord, type OutboxStatus } from '../../escalation/types.js';
import { DEFAULT_LEASE_MS, type InboxClaimant } from '../update-inbox.js';
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
  claimed_by?: string | null;
  lease_until?: string | null;
  attachment?: string | null;
}

/** The columns of a new message, pending and due at `nextAttemptAt`, and the values of `newOutboxValues`. */
export const OUTBOX_INSERT = `INSERT INTO outbox (ticket_id, channel, chat_id, kind, text, status, attempts, next_attempt_at, created_at, dedup_key, priority, attachment)
  VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?)`;

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
    message.attachment ?? null,
  ];
}

/** What `requeue` re-enables (the `?` is its `now`): failed messages, and pending ones waiting for a later retry. */
export const REQUEUEABLE = "(status = 'failed' OR (status = 'pending' AND next_attempt_at > ?))";

/** Messages to askers first (migration 9's priority), then by due time. */
export const CLAIM_ORDER = 'priority DESC, next_attempt_at, id';

/** Every OutboxStore method whose SQL is the same on both engines; the engine writes the rest. */
export abstract class SqlOutboxStore implements OutboxStore {
  /** Who claims messages here (INSTANCE_ID) and for how long (INBOX_LEASE_SECONDS). */
  protected readonly instanceId: string;
  private readonly leaseMs: number;

  constructor(
    protected readonly sql: SqlRunner,
    protected readonly write: WriteScope,
    claimant: InboxClaimant = { instanceId: 'local' },
  ) {
    this.instanceId = claimant.instanceId;
    this.leaseMs = claimant.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** When a claim made (or renewed) at `now` runs out. */
  protected leaseEnd(now: string): string {
    return new Date(Date.parse(now) + this.leaseMs).toISOString();
  }

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

  async hasRequeueable(filter: Omit<OutboxFilter, 'status'>, now: string): Promise<boolean> {
    const { where, params } = outboxWhere(filter);
    where.push(REQUEUEABLE);
    return (await this.sql.get(`SELECT 1 AS found FROM outbox WHERE ${where.join(' AND ')} LIMIT 1`, [...params, now])) !== undefined;
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

  renewClaims(ids: readonly number[], now: string): Promise<number> {
    if (ids.length === 0) return Promise.resolve(0);
    return this.write(async () => {
      const { changes } = await this.sql.run(
        `UPDATE outbox SET lease_until = ? WHERE status = 'sending' AND claimed_by = ? AND id IN (${ids.map(() => '?').join(', ')})`,
        [this.leaseEnd(now), this.instanceId, ...ids],
      );
      return changes;
    });
  }

  recoverInFlight(now: string, options: { atStart?: boolean } = {}): Promise<number> {
    const mine = options.atStart ? ' OR claimed_by = ?' : '';
    return this.write(async () => {
      const { changes } = await this.sql.run(
        `UPDATE outbox SET status = 'pending', next_attempt_at = ?, claimed_by = NULL, lease_until = NULL
         WHERE status = 'sending' AND (lease_until IS NULL OR lease_until <= ?${mine})`,
        options.atStart ? [now, now, this.instanceId] : [now, now],
      );
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
    ...(typeof r.attachment === 'string' && { attachment: r.attachment }),
  };
}
