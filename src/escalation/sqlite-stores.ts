import type { Database, SqlValue } from '../storage/database.js';
import { EscalationError } from './errors.js';
import type {
  CuratedAnswerStore,
  EscalationStores,
  NewCuratedAnswer,
  NewOutboxMessage,
  NewTicket,
  NewUser,
  OutboxFilter,
  TicketOpeningEffects,
  OutboxStore,
  TicketFilter,
  TicketScope,
  TicketPatch,
  TicketStore,
  UserPatch,
  UserStore,
} from './stores.js';
import { normalizeTopic, normalizeTopics } from './topics.js';
import {
  OUTBOUND_PRIORITY,
  type CuratedAnswer,
  type EscalationReason,
  type OutboundKind,
  type OutboxRecord,
  type OutboxStatus,
  type RetrievedContextItem,
  type Role,
  type Ticket,
  type TicketEvent,
  type TicketStatus,
  type User,
} from './types.js';

/**
 * Runs work in one SQLite transaction; a call made inside a transaction joins it (`Database.transaction`
 * is re-entrant). Every write of these stores goes through it, so a write can never slip into another
 * caller's open transaction.
 */
export class SqliteUnitOfWork {
  constructor(readonly db: Database) {}

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}

/**
 * The SQLite implementation of all four stores over one `Database` (migration 2).
 *
 * @example
 * const db = await Database.open(config.databaseFile);
 * const stores = createSqliteEscalationStores(db);
 * const service = new EscalationService(stores, { reminderAfterMs: 4 * 3600_000 });
 */
export function createSqliteEscalationStores(db: Database): EscalationStores {
  const uow = new SqliteUnitOfWork(db);
  return {
    tickets: new SqliteTicketStore(db, uow),
    users: new SqliteUserStore(db, uow),
    outbox: new SqliteOutboxStore(db, uow),
    curated: new SqliteCuratedAnswerStore(db, uow),
    transaction: (work) => uow.run(work),
  };
}

// ── tickets ───────────────────────────────────────────────────────────────────────────────────────────

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

// ── users ─────────────────────────────────────────────────────────────────────────────────────────────

interface UserRow {
  id: number;
  channel: string;
  channel_user_id: string;
  chat_id: string;
  display_name: string;
  commune: string | null;
  role: string;
  topics_json: string;
  approved: number;
  active: number;
  created_at: string;
  updated_at: string;
}

export class SqliteUserStore implements UserStore {
  constructor(
    private readonly db: Database,
    private readonly uow: SqliteUnitOfWork,
  ) {}

  add(user: NewUser, now: string): Promise<User> {
    return this.uow.run(async () => {
      const existing = await this.findByChannelUser(user.channel, user.channelUserId);
      if (existing) {
        throw new EscalationError(
          'duplicate',
          `Người dùng ${user.channel}:${user.channelUserId} đã có (mã #${existing.id}, ${existing.displayName}).`,
        );
      }
      const { lastID } = await this.db.run(
        `INSERT INTO users (channel, channel_user_id, chat_id, display_name, commune, role, topics_json, approved, active,
           created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          user.channel,
          user.channelUserId,
          user.chatId,
          user.displayName,
          user.commune ?? null,
          user.role,
          JSON.stringify(normalizeTopics(user.topics)),
          user.approved === false ? 0 : 1,
          user.active === false ? 0 : 1,
          now,
          now,
        ],
      );
      const created = await this.get(lastID);
      if (!created) throw new Error(`user ${lastID} vanished after insert`);
      return created;
    });
  }

  async get(id: number): Promise<User | undefined> {
    const row = await this.db.get<UserRow>('SELECT * FROM users WHERE id = ?', [id]);
    return row && toUser(row);
  }

  async findByChannelUser(channel: string, channelUserId: string): Promise<User | undefined> {
    const row = await this.db.get<UserRow>('SELECT * FROM users WHERE channel = ? AND channel_user_id = ?', [
      channel,
      channelUserId,
    ]);
    return row && toUser(row);
  }

  async list(filter: { role?: Role } = {}): Promise<User[]> {
    const rows = filter.role
      ? await this.db.all<UserRow>('SELECT * FROM users WHERE role = ? ORDER BY id', [filter.role])
      : await this.db.all<UserRow>('SELECT * FROM users ORDER BY id');
    return rows.map(toUser);
  }

  async listActiveExperts(): Promise<User[]> {
    const rows = await this.db.all<UserRow>(
      "SELECT * FROM users WHERE role = 'expert' AND active = 1 AND approved = 1 ORDER BY id",
    );
    return rows.map(toUser);
  }

  update(id: number, patch: UserPatch, now: string): Promise<User | undefined> {
    const sets: string[] = [];
    const params: SqlValue[] = [];
    const set = (column: string, value: SqlValue) => {
      sets.push(`${column} = ?`);
      params.push(value);
    };
    if (patch.chatId !== undefined) set('chat_id', patch.chatId);
    if (patch.displayName !== undefined) set('display_name', patch.displayName);
    if ('commune' in patch) set('commune', patch.commune ?? null);
    if (patch.role !== undefined) set('role', patch.role);
    if (patch.topics !== undefined) set('topics_json', JSON.stringify(normalizeTopics(patch.topics)));
    if (patch.approved !== undefined) set('approved', patch.approved ? 1 : 0);
    if (patch.active !== undefined) set('active', patch.active ? 1 : 0);
    set('updated_at', now);
    return this.uow.run(async () => {
      await this.db.run(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
      return this.get(id);
    });
  }
}

function toUser(r: UserRow): User {
  return {
    id: r.id,
    channel: r.channel,
    channelUserId: r.channel_user_id,
    chatId: r.chat_id,
    displayName: r.display_name,
    ...(r.commune !== null && { commune: r.commune }),
    role: r.role as Role,
    topics: JSON.parse(r.topics_json) as string[],
    approved: r.approved === 1,
    active: r.active === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

// ── outbox ────────────────────────────────────────────────────────────────────────────────────────────

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

// ── curated answers ───────────────────────────────────────────────────────────────────────────────────

interface CuratedRow {
  id: number;
  question: string;
  answer: string;
  source_ticket_id: number | null;
  expert_id: number | null;
  answered_at: string | null;
  approved_by: number | null;
  approved_at: string;
  topic: string | null;
  hits: number;
  active: number;
  updated_at: string;
}

export class SqliteCuratedAnswerStore implements CuratedAnswerStore {
  revision = 0;

  constructor(
    private readonly db: Database,
    private readonly uow: SqliteUnitOfWork,
  ) {}

  /** Runs a write and moves `revision` on (after it, so a reader that saw the old revision reloads). */
  private write<T>(work: () => Promise<T>): Promise<T> {
    return this.uow.run(work).finally(() => (this.revision += 1));
  }

  upsert(answer: NewCuratedAnswer): Promise<CuratedAnswer> {
    return this.write(async () => {
      const existing = answer.sourceTicketId === undefined ? undefined : await this.getBySourceTicket(answer.sourceTicketId);
      const values: SqlValue[] = [
        answer.question,
        answer.answer,
        answer.expertId ?? null,
        answer.answeredAt ?? null,
        answer.approvedBy ?? null,
        answer.approvedAt,
        normalizeTopic(answer.topic) ?? null,
        answer.approvedAt,
      ];
      let id: number;
      if (existing) {
        await this.db.run(
          `UPDATE curated_answers SET question = ?, answer = ?, expert_id = ?, answered_at = ?, approved_by = ?, approved_at = ?,
             topic = ?, updated_at = ?, active = 1
           WHERE id = ?`,
          [...values, existing.id],
        );
        id = existing.id;
      } else {
        ({ lastID: id } = await this.db.run(
          `INSERT INTO curated_answers (question, answer, expert_id, answered_at, approved_by, approved_at, topic, updated_at,
             source_ticket_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [...values, answer.sourceTicketId ?? null],
        ));
      }
      const saved = await this.get(id);
      if (!saved) throw new Error(`curated answer ${id} vanished after write`);
      return saved;
    });
  }

  async get(id: number): Promise<CuratedAnswer | undefined> {
    const row = await this.db.get<CuratedRow>('SELECT * FROM curated_answers WHERE id = ?', [id]);
    return row && toCurated(row);
  }

  async getBySourceTicket(ticketId: number): Promise<CuratedAnswer | undefined> {
    const row = await this.db.get<CuratedRow>('SELECT * FROM curated_answers WHERE source_ticket_id = ?', [ticketId]);
    return row && toCurated(row);
  }

  async listActive(): Promise<CuratedAnswer[]> {
    return (await this.db.all<CuratedRow>('SELECT * FROM curated_answers WHERE active = 1 ORDER BY id')).map(toCurated);
  }

  async listAll(): Promise<CuratedAnswer[]> {
    return (await this.db.all<CuratedRow>('SELECT * FROM curated_answers ORDER BY active DESC, hits DESC, id')).map(toCurated);
  }

  edit(id: number, patch: { question: string; answer: string; topic?: string }, now: string): Promise<boolean> {
    return this.write(
      async () =>
        (
          await this.db.run('UPDATE curated_answers SET question = ?, answer = ?, topic = ?, updated_at = ? WHERE id = ?', [
            patch.question,
            patch.answer,
            normalizeTopic(patch.topic) ?? null,
            now,
            id,
          ])
        ).changes === 1,
    );
  }

  recordHit(id: number): Promise<void> {
    return this.uow.run(async () => {
      await this.db.run('UPDATE curated_answers SET hits = hits + 1 WHERE id = ?', [id]);
    });
  }

  setActive(id: number, active: boolean, now: string): Promise<boolean> {
    return this.write(
      async () =>
        (await this.db.run('UPDATE curated_answers SET active = ?, updated_at = ? WHERE id = ?', [active ? 1 : 0, now, id]))
          .changes === 1,
    );
  }
}

function toCurated(r: CuratedRow): CuratedAnswer {
  return {
    id: r.id,
    question: r.question,
    answer: r.answer,
    ...(r.source_ticket_id !== null && { sourceTicketId: r.source_ticket_id }),
    ...(r.expert_id !== null && { expertId: r.expert_id }),
    ...(r.answered_at !== null && { answeredAt: r.answered_at }),
    ...(r.approved_by !== null && { approvedBy: r.approved_by }),
    approvedAt: r.approved_at,
    ...(r.topic !== null && { topic: r.topic }),
    hits: r.hits,
    active: r.active === 1,
    updatedAt: r.updated_at,
  };
}
