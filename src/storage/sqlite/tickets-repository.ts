/* Tickets and their events (tables `tickets`, `ticket_events`), SQLite. */
import type { Database, SqlValue } from '../database.js';
import type { NewTicket, TicketOpeningEffects, TicketFilter, TicketScope, TicketPatch, TicketStore } from '../../escalation/stores.js';
import { normalizeTopic } from '../../escalation/topics.js';
import type { EscalationReason, RetrievedContextItem, Ticket, TicketEvent, TicketStatus } from '../../escalation/types.js';
import type { SqliteUnitOfWork } from './unit-of-work.js';

interface TicketRow {
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

export class SqliteTicketStore implements TicketStore {
  constructor(
    private readonly db: Database,
    private readonly uow: SqliteUnitOfWork,
  ) {}

  /**
   * One statement (migration 8's trigger does the writing), so no transaction holds up the server's
   * other statements. The ticket's number is only known inside that statement: the effects are built
   * with a placeholder number, random and 15 digits long so that no text can contain it by chance, which
   * SQLite replaces with the number.
   */
  async open(ticket: NewTicket, effects: (ticket: Ticket) => TicketOpeningEffects): Promise<Ticket> {
    const placeholder = -Math.floor(1e14 + Math.random() * 8e14);
    const topic = normalizeTopic(ticket.topic);
    const provisional: Ticket = {
      id: placeholder,
      asker: ticket.asker,
      question: ticket.question,
      ...(topic !== undefined && { topic }),
      reason: ticket.reason,
      context: [...ticket.context],
      ...(ticket.confidence !== undefined && { confidence: ticket.confidence }),
      status: ticket.status,
      createdAt: ticket.createdAt,
      updatedAt: ticket.createdAt,
    };
    const { notifications, events } = effects(provisional);
    const payload = JSON.stringify({
      ticket: {
        asker_channel: ticket.asker.channel,
        asker_chat_id: ticket.asker.chatId,
        asker_user_id: ticket.asker.userId,
        asker_name: ticket.asker.displayName ?? null,
        asker_commune: ticket.asker.commune ?? null,
        question: ticket.question,
        topic: topic ?? null,
        reason: ticket.reason,
        context_json: JSON.stringify(ticket.context),
        confidence: ticket.confidence ?? null,
        status: ticket.status,
        created_at: ticket.createdAt,
        source_key: ticket.sourceKey ?? null,
      },
      notifications: notifications.map((n) => ({ ...n, dedupKey: n.dedupKey ?? null })),
      events,
    });
    const row = await this.db.get<{ ticket_id: number }>(
      `INSERT INTO ticket_openings (ticket_id, payload_json)
       SELECT next_id, replace(?, ?, next_id) FROM (SELECT coalesce(max(id), 0) + 1 AS next_id FROM tickets)
       RETURNING ticket_id`,
      [payload, String(placeholder)],
    );
    const opened = row && (await this.get(row.ticket_id));
    if (!opened) throw new Error('opening a ticket returned no row');
    return opened;
  }

  async get(id: number): Promise<Ticket | undefined> {
    const row = await this.db.get<TicketRow>('SELECT * FROM tickets WHERE id = ?', [id]);
    return row && toTicket(row);
  }

  async findBySource(sourceKey: string): Promise<Ticket | undefined> {
    const row = await this.db.get<TicketRow>('SELECT * FROM tickets WHERE source_key = ?', [sourceKey]);
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
    return (await this.db.all<TicketRow>(sql, params)).map(toTicket);
  }

  async topics(scope?: TicketScope): Promise<string[]> {
    const where = ['topic IS NOT NULL'];
    const params: SqlValue[] = [];
    scopeWhere(scope, where, params);
    const rows = await this.db.all<{ topic: string }>(`SELECT DISTINCT topic FROM tickets WHERE ${where.join(' AND ')} ORDER BY topic`, params);
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
    return this.uow.run(async () => {
      const { changes } = await this.db.run(
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
    return this.uow.run(async () => {
      const rows = await this.db.all<{ id: number }>(
        `INSERT INTO ticket_events (ticket_id, actor, action, detail_json, at) VALUES ${events.map(() => '(?, ?, ?, ?, ?)').join(', ')} RETURNING id`,
        events.flatMap((e) => [e.ticketId, e.actor, e.action, JSON.stringify(e.detail), e.at]),
      );
      const ids = rows.map((r) => r.id).sort((a, b) => a - b);
      return events.map((e, i) => ({ id: ids[i]!, ...e }));
    });
  }

  async events(ticketId: number): Promise<TicketEvent[]> {
    const rows = await this.db.all<EventRow>('SELECT * FROM ticket_events WHERE ticket_id = ? ORDER BY id', [ticketId]);
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

/** Adds the condition of a ticket scope (nothing for 'all'). */
function scopeWhere(scope: TicketScope | undefined, where: string[], params: SqlValue[]): void {
  if (!scope || scope.kind === 'all') return;
  if (scope.kind === 'none') {
    where.push('0');
    return;
  }
  const topics = scope.topics.map((t) => normalizeTopic(t)).filter((t): t is string => t !== undefined);
  where.push(`(expert_id = ?${topics.length ? ` OR topic IN (${topics.map(() => '?').join(', ')})` : ''})`);
  params.push(scope.holderId, ...topics);
}

function toTicket(r: TicketRow): Ticket {
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
