/* Tickets and their events: rows, records and everything but opening, shared by every engine's ticket store. */
import type { SqlValue } from '../database.js';
import type { NewTicket, TicketFilter, TicketOpeningEffects, TicketPatch, TicketScope, TicketStore } from '../../escalation/stores.js';
import { normalizeTopic } from '../../escalation/topics.js';
import type { EscalationReason, RetrievedContextItem, Ticket, TicketEvent, TicketStatus } from '../../escalation/types.js';
import { newOutboxValues, OUTBOX_INSERT } from './outbox.js';
import { askerValues, type SqlRunner, type TransactionScope, type WriteScope } from './sql.js';

export interface TicketRow {
  id: number;
  asker_channel: string;
  asker_chat_id: string;
  asker_user_id: string;
  asker_name: string | null;
  asker_commune: string | null;
  question: string;
  topic: string | null;
  reason: string;
  context_json: string;
  confidence: number | null;
  status: string;
  expert_id: number | null;
  answer: string | null;
  created_at: string;
  updated_at: string;
  answered_at: string | null;
  relayed_at: string | null;
  last_reminded_at: string | null;
}

interface EventRow {
  id: number;
  ticket_id: number;
  actor: string;
  action: string;
  detail_json: string;
  at: string;
}

const TICKET_COLUMNS: Record<Exclude<keyof TicketPatch, 'status'>, string> = {
  expertId: 'expert_id',
  answer: 'answer',
  answeredAt: 'answered_at',
  relayedAt: 'relayed_at',
  lastRemindedAt: 'last_reminded_at',
  updatedAt: 'updated_at',
};

/**
 * The ticket store in portable SQL. `write` scopes the single writes (SQLite runs them in its unit of
 * work), `transaction` the writes that must happen together; `textOrder` collates a text column sorted
 * on, so both engines sort byte-wise as SQLite does.
 */
export class SqlTicketStore implements TicketStore {
  constructor(
    protected readonly sql: SqlRunner,
    protected readonly write: WriteScope,
    private readonly transaction: TransactionScope,
    private readonly textOrder = '',
  ) {}

  /**
   * In one transaction: the ticket is inserted, its number read back, and its notifications and events
   * written with that number.
   */
  open(ticket: NewTicket, effects: (ticket: Ticket) => TicketOpeningEffects): Promise<Ticket> {
    return this.transaction(async (tx) => {
      const [row] = await tx.all<TicketRow>(
        `INSERT INTO tickets (asker_channel, asker_chat_id, asker_user_id, asker_name, asker_commune, question, topic, reason,
           context_json, confidence, status, created_at, updated_at, source_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        [
          ...askerValues(ticket.asker),
          ticket.question,
          normalizeTopic(ticket.topic) ?? null,
          ticket.reason,
          JSON.stringify(ticket.context),
          ticket.confidence ?? null,
          ticket.status,
          ticket.createdAt,
          ticket.createdAt,
          ticket.sourceKey ?? null,
        ],
      );
      if (!row) throw new Error('opening a ticket returned no row');
      const opened = toTicket(row);
      const { notifications, events } = effects(opened);
      for (const notification of notifications) {
        await tx.run(OUTBOX_INSERT, newOutboxValues({ ...notification, ticketId: opened.id }));
      }
      await insertEvents(
        tx,
        events.map((event) => ({ ...event, ticketId: opened.id })),
      );
      return opened;
    });
  }

  async get(id: number): Promise<Ticket | undefined> {
    const row = await this.sql.get<TicketRow>('SELECT * FROM tickets WHERE id = ?', [id]);
    return row && toTicket(row);
  }

  async findBySource(sourceKey: string): Promise<Ticket | undefined> {
    const row = await this.sql.get<TicketRow>('SELECT * FROM tickets WHERE source_key = ?', [sourceKey]);
    return row && toTicket(row);
  }

  async list(filter: TicketFilter = {}): Promise<Ticket[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    const statuses = filter.status === undefined ? [] : typeof filter.status === 'string' ? [filter.status] : filter.status;
    if (statuses.length) {
      where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      params.push(...statuses);
    }
    const topic = normalizeTopic(filter.topic);
    if (topic) {
      where.push('topic = ?');
      params.push(topic);
    }
    if (filter.createdBefore) {
      where.push('created_at <= ?');
      params.push(filter.createdBefore);
    }
    if (filter.remindedBefore) {
      where.push('(last_reminded_at IS NULL OR last_reminded_at <= ?)');
      params.push(filter.remindedBefore);
    }
    scopeWhere(filter.scope, where, params);
    let sql = 'SELECT * FROM tickets';
    if (where.length) sql += ` WHERE ${where.join(' AND ')}`;
    sql += ' ORDER BY created_at, id';
    if (filter.limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(filter.limit);
    }
    return (await this.sql.all<TicketRow>(sql + this.listLock(filter), params)).map(toTicket);
  }

  /** A locking clause for `list` (none by default). */
  protected listLock(_filter: TicketFilter): string {
    return '';
  }

  async topics(scope?: TicketScope): Promise<string[]> {
    const where = ['topic IS NOT NULL'];
    const params: SqlValue[] = [];
    scopeWhere(scope, where, params);
    const rows = await this.sql.all<{ topic: string }>(
      `SELECT DISTINCT topic${this.textOrder} AS topic FROM tickets WHERE ${where.join(' AND ')} ORDER BY 1`,
      params,
    );
    return rows.map((r) => r.topic);
  }

  update(id: number, from: readonly TicketStatus[], patch: TicketPatch): Promise<boolean> {
    const sets: string[] = [];
    const params: SqlValue[] = [];
    if (patch.status !== undefined) {
      sets.push('status = ?');
      params.push(patch.status);
    }
    for (const [key, column] of Object.entries(TICKET_COLUMNS) as [keyof typeof TICKET_COLUMNS, string][]) {
      const value = patch[key];
      if (value === undefined) continue;
      sets.push(`${column} = ?`);
      params.push(value);
    }
    if (sets.length === 0 || from.length === 0) return Promise.resolve(false);
    params.push(id, ...from);
    return this.write(async () => {
      const { changes } = await this.sql.run(
        `UPDATE tickets SET ${sets.join(', ')} WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`,
        params,
      );
      return changes === 1;
    });
  }

  async appendEvent(event: Omit<TicketEvent, 'id'>): Promise<TicketEvent> {
    const [appended] = await this.appendEvents([event]);
    return appended!;
  }

  appendEvents(events: readonly Omit<TicketEvent, 'id'>[]): Promise<TicketEvent[]> {
    if (events.length === 0) return Promise.resolve([]);
    return this.write(() => insertEvents(this.sql, events));
  }

  async events(ticketId: number): Promise<TicketEvent[]> {
    const rows = await this.sql.all<EventRow>('SELECT * FROM ticket_events WHERE ticket_id = ? ORDER BY id', [ticketId]);
    return rows.map((r) => ({
      id: r.id,
      ticketId: r.ticket_id,
      actor: r.actor,
      action: r.action,
      detail: JSON.parse(r.detail_json) as Record<string, unknown>,
      at: r.at,
    }));
  }
}

async function insertEvents(sql: SqlRunner, events: readonly Omit<TicketEvent, 'id'>[]): Promise<TicketEvent[]> {
  if (events.length === 0) return [];
  const rows = await sql.all<{ id: number }>(
    `INSERT INTO ticket_events (ticket_id, actor, action, detail_json, at) VALUES ${events.map(() => '(?, ?, ?, ?, ?)').join(', ')} RETURNING id`,
    events.flatMap((e) => [e.ticketId, e.actor, e.action, JSON.stringify(e.detail), e.at]),
  );
  const ids = rows.map((r) => r.id).sort((a, b) => a - b);
  return events.map((e, i) => ({ id: ids[i]!, ...e }));
}

/** Adds the condition of a ticket scope (nothing for 'all'). */
function scopeWhere(scope: TicketScope | undefined, where: string[], params: SqlValue[]): void {
  if (!scope || scope.kind === 'all') return;
  if (scope.kind === 'none') {
    where.push('1 = 0');
    return;
  }
  const topics = scope.topics.map((t) => normalizeTopic(t)).filter((t): t is string => t !== undefined);
  where.push(`(expert_id = ?${topics.length ? ` OR topic IN (${topics.map(() => '?').join(', ')})` : ''})`);
  params.push(scope.holderId, ...topics);
}

export function toTicket(r: TicketRow): Ticket {
  return {
    id: r.id,
    asker: {
      channel: r.asker_channel,
      chatId: r.asker_chat_id,
      userId: r.asker_user_id,
      ...(r.asker_name !== null && { displayName: r.asker_name }),
      ...(r.asker_commune !== null && { commune: r.asker_commune }),
    },
    question: r.question,
    ...(r.topic !== null && { topic: r.topic }),
    reason: r.reason as EscalationReason,
    context: JSON.parse(r.context_json) as RetrievedContextItem[],
    ...(r.confidence !== null && { confidence: r.confidence }),
    status: r.status as TicketStatus,
    ...(r.expert_id !== null && { expertId: r.expert_id }),
    ...(r.answer !== null && { answer: r.answer }),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.answered_at !== null && { answeredAt: r.answered_at }),
    ...(r.relayed_at !== null && { relayedAt: r.relayed_at }),
    ...(r.last_reminded_at !== null && { lastRemindedAt: r.last_reminded_at }),
  };
}
