import type { Logger } from '../logger.js';
import { AccessPolicy } from './access-policy.js';
import { EscalationError } from './errors.js';
import { notifyText, recipientLabel, relayText, reminderText } from './messages.js';
import type { OutboundPort, SendResult } from './outbound-port.js';
import { routeTicket, routingOfEvents, type Route } from './routing.js';
import type { CuratedSourcing, EscalationStores, TicketFilter, TicketPatch } from './stores.js';
import { normalizeTopic } from './topics.js';
import {
  ESCALATION_REASONS,
  type Asker,
  type CuratedAnswer,
  type EscalationReason,
  type OpenedTicket,
  type OutboundMessage,
  type OutboxRecord,
  type RetrievedContextItem,
  type Ticket,
  type TicketRouting,
  type TicketStatus,
  type TicketAttachment,
  type TicketAttachmentInput,
  type TicketWithEvents,
  type User,
  WAITS_FOR_RECIPIENT,
} from './types.js';

export interface EscalationServiceOptions {
  /** The clock (injected so tests can move time). Default: `() => new Date()`. */
  now?: () => Date;
  /** An open or assigned ticket older than this is overdue; reminders repeat at most once per period. Default 4 h. */
  reminderAfterMs?: number;
  /** Delivery attempts before a message is marked failed. Default 6. */
  maxAttempts?: number;
  /** Wait before the next attempt, given the number of attempts made so far (1, 2, …). Default: 30 s doubling, at most 1 h. */
  backoff?: (attempt: number) => number;
  /** Who may ask, answer and approve. Default: an 'open' policy over the stores' users. */
  access?: AccessPolicy;
  /** While a message is being sent, its claim's lease is renewed this often (a third of the lease). Default 10 s. */
  claimRenewMs?: number;
  /** Finds the passages an approved answer rests on. Without it, curated answers keep no sources. */
  sourcing?: CuratedSourcing;
  logger?: Logger;
}

/** Under the notification of a ticket whose question came with a photo or PDF. */
export const ATTACHMENT_NOTE = '📎 Người hỏi gửi kèm ảnh/tệp giấy tờ: xem trong trang quản trị, mục Phiếu hỏi.';

export interface CreateTicketInput {
  asker: Asker;
  question: string;
  /** The knowledge base topic the question belongs to, if the assistant could tell; routes the notification. */
  topic?: string;
  reason: EscalationReason;
  /** What the assistant retrieved before giving up (shown to the expert). */
  context?: readonly RetrievedContextItem[];
  confidence?: number;
  /** The platform update the question came in (unique per ticket). */
  sourceKey?: string;
  /** The update is handled again after a crash: if it already has a ticket, that one is returned. */
  resumed?: boolean;
  /** A photo or PDF that came with the question: stored with the ticket for the expert until it closes. */
  attachment?: TicketAttachmentInput;
}

/** What one `processOutbox` run did. */
export interface OutboxRunReport {
  claimed: number;
  sent: number;
  /** Failed this time, will be tried again. */
  retried: number;
  /** Failed for good (a relay's ticket is now relay_pending). */
  failed: number;
}

export interface ReminderReport {
  /** The tickets reminded about. */
  tickets: number[];
  /** Reminder messages enqueued. */
  messages: number;
}

/** Default backoff: `baseMs × 2^(attempt−1)`, capped at `maxMs`. Deterministic (no jitter). */
export function exponentialBackoff(baseMs = 30_000, maxMs = 3_600_000): (attempt: number) => number {
  return (attempt) => Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

const ACTIVE: readonly TicketStatus[] = ['open', 'assigned'];
const HAS_ANSWER: readonly TicketStatus[] = ['answered', 'relay_pending', 'relayed', 'closed'];
const NOT_CLOSED: readonly TicketStatus[] = ['open', 'assigned', 'answered', 'relay_pending', 'relayed'];
const SYSTEM = 'system';

/**
 * The escalation loop: tickets for the questions the assistant could not answer, notifications to the
 * experts of the topic, the expert's answer relayed to the asker in the same chat, reminders for tickets
 * nobody answered, and the admin's approval of an answer as a curated answer.
 *
 * Every change of a ticket is one transaction that also writes its event and the messages it causes
 * (transactional outbox). Messages are delivered by `processOutbox` through an `OutboundPort`, at least
 * once: a message is marked 'sending' before the port is called and 'sent' right after it returns, so a
 * crash between the platform accepting a message and that mark makes `recoverInFlight` send it again.
 * The window is one database write; a port may use `message.id` (stable across retries) to de-duplicate.
 * Several instances may run outbox workers on one database: a claim is the instance's, with a lease
 * renewed while the platform call lasts, and only a message whose claim ran out (its instance died
 * mid-send) is taken back — at start-up (`recoverInFlight`) and then periodically (`recoverAbandonedSends`).
 *
 * @example
 * const service = new EscalationService(createSqliteEscalationStores(db), { reminderAfterMs: 4 * 3600_000 });
 * await service.recoverInFlight(); // at start-up
 * const ticket = await service.createTicket({ asker, question, topic: 'mai-tang', reason: 'low_confidence', context });
 * await service.answer(ticket.id, expertId, 'Hồ sơ gồm …');
 * await service.processOutbox(router); // the relay reaches the asker's chat
 */
export class EscalationService {
  private readonly now: () => Date;
  private readonly reminderAfterMs: number;
  private readonly maxAttempts: number;
  private readonly backoff: (attempt: number) => number;
  private readonly claimRenewMs: number;
  readonly access: AccessPolicy;
  private readonly logger?: Logger;
  private readonly sourcing?: CuratedSourcing;

  constructor(
    private readonly stores: EscalationStores,
    options: EscalationServiceOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.reminderAfterMs = options.reminderAfterMs ?? 4 * 3_600_000;
    this.maxAttempts = options.maxAttempts ?? 6;
    this.backoff = options.backoff ?? exponentialBackoff();
    this.claimRenewMs = options.claimRenewMs ?? 10_000;
    this.access = options.access ?? new AccessPolicy(stores.users, 'open');
    this.logger = options.logger;
    this.sourcing = options.sourcing;
    if (!(this.reminderAfterMs > 0)) throw new Error('reminderAfterMs must be positive');
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) throw new Error('maxAttempts must be a whole number ≥ 1');
  }

  // ── tickets ─────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Opens a ticket and, in the same statement, enqueues a notification to every active expert who covers
   * the ticket's topic. When none does (or the ticket has no topic) the active admins reachable in a chat
   * are notified instead; when there is none either, nobody is, and the ticket waits in the console. The
   * ticket's events and the log say which, and `routing` tells the caller (so the asker is told the truth).
   */
  async createTicket(input: CreateTicketInput): Promise<OpenedTicket> {
    const question = input.question?.trim();
    const { asker } = input;
    if (!question) throw new EscalationError('invalid_input', 'Câu hỏi đang trống.');
    if (!asker?.channel || !asker.chatId || !asker.userId) {
      throw new EscalationError('invalid_input', 'Thiếu thông tin người hỏi (kênh, cuộc trò chuyện, tài khoản).');
    }
    if (!ESCALATION_REASONS.includes(input.reason)) {
      throw new EscalationError('invalid_input', `Lý do chuyển không hợp lệ: ${String(input.reason)}.`);
    }
    if (!(await this.access.mayAsk(asker))) {
      throw new EscalationError('forbidden', 'Tài khoản của bạn chưa được đăng ký sử dụng Trợ lý Xã.');
    }
    if (input.sourceKey && input.resumed) {
      const existing = await this.stores.tickets.findBySource(input.sourceKey);
      if (existing) return { ...existing, routing: routingOfEvents(await this.stores.tickets.events(existing.id)) };
    }
    const at = this.iso();
    // Read before the transaction: every statement inside it holds up all other writes meanwhile.
    const topic = normalizeTopic(input.topic);
    const route = await this.routeFor(topic);
    const ticket = await this.stores.tickets.open(
      {
        asker,
        question,
        topic,
        reason: input.reason,
        context: input.context ?? [],
        confidence: input.confidence,
        status: 'open',
        createdAt: at,
        ...(input.sourceKey && { sourceKey: input.sourceKey }),
      },
      (opened) => {
        const text = notifyText(opened, route.routing === 'experts' ? 'experts' : 'admins') + (input.attachment ? `\n${ATTACHMENT_NOTE}` : '');
        return {
          notifications: route.recipients.map((recipient) => ({
            channel: recipient.channel,
            chatId: recipient.chatId,
            kind: 'notify' as const,
            text,
            dedupKey: `notify:${opened.id}:${recipient.id}`,
            createdAt: at,
          })),
          events: [
            {
              actor: askerActor(asker),
              action: 'created',
              detail: { reason: opened.reason, topic: opened.topic ?? null, confidence: opened.confidence ?? null },
              at,
            },
            { actor: SYSTEM, ...routeEvent(route), at },
          ],
        };
      },
    );
    if (input.attachment) await this.stores.attachments.add(ticket.id, input.attachment, at);
    this.logRoute(ticket, route);
    return { ...ticket, routing: route.routing };
  }

  /** The files that came with a ticket's question (a photo or PDF of a paper), oldest first. */
  attachmentsOf(ticketId: number): Promise<TicketAttachment[]> {
    return this.stores.attachments.list(ticketId);
  }

  /** Deletes the tickets' files stored longer ago than `retentionMs`, closed or not; returns how many. */
  pruneAttachments(retentionMs: number): Promise<number> {
    return this.stores.attachments.deleteBefore(new Date(this.now().getTime() - retentionMs).toISOString());
  }

  /** Whom a ticket was sent to when it was opened (undefined for an unknown ticket). */
  async routingOf(ticketId: number): Promise<TicketRouting | undefined> {
    if (!(await this.stores.tickets.get(ticketId))) return undefined;
    return routingOfEvents(await this.stores.tickets.events(ticketId));
  }

  /**
   * Hands an answer that could not be sent at once (the platform unreachable, a 5xx, a long 429) to the
   * outbox, which retries it with backoff. `key` names the update it answers: queued once per update.
   */
  async queueAnswer(input: { channel: string; chatId: string; text: string; key: string }): Promise<void> {
    await this.stores.outbox.enqueue({
      channel: input.channel,
      chatId: input.chatId,
      kind: 'answer',
      text: input.text,
      dedupKey: `answer:${input.key}`,
      createdAt: this.iso(),
    });
  }

  /**
   * Queues a file for a chat (a form the user asked for): the outbox sends it, retrying like any message.
   * `key` names the request (the update it came in): queued once per request.
   */
  async queueDocument(input: { channel: string; chatId: string; caption: string; attachment: string; key: string }): Promise<void> {
    await this.stores.outbox.enqueue({
      channel: input.channel,
      chatId: input.chatId,
      kind: 'document',
      text: input.caption,
      attachment: input.attachment,
      dedupKey: `document:${input.key}`,
      createdAt: this.iso(),
    });
  }

  /** An expert (or admin) takes the ticket: open → assigned. Claiming one's own ticket again changes nothing. */
  claim(ticketId: number, expertId: number): Promise<Ticket> {
    return this.stores.transaction(async () => {
      const expert = await this.requireAnswerer(expertId);
      const ticket = await this.requireVisible(expert, ticketId);
      if (ticket.status === 'assigned' && ticket.expertId === expertId) return ticket;
      if (ticket.status === 'assigned' && !this.access.isAdmin(expert)) {
        const holder = ticket.expertId === undefined ? undefined : await this.stores.users.get(ticket.expertId);
        throw new EscalationError(
          'invalid_state',
          `Câu hỏi #${ticketId} đã được ${holder ? `chuyên gia ${holder.displayName}` : 'chuyên gia khác'} nhận xử lý.`,
        );
      }
      this.requireStatus(ticket, ACTIVE);
      await this.transition(ticket, ACTIVE, { status: 'assigned', expertId });
      await this.event(ticketId, userActor(expertId), 'assigned', {
        expertId,
        ...(ticket.expertId !== undefined && { previousExpertId: ticket.expertId }),
      });
      return this.requireTicket(ticketId);
    });
  }

  /**
   * Records the expert's answer (open/assigned → answered) and enqueues its relay to the asker's chat, in
   * one transaction. Refuses an empty answer, an unknown or closed ticket, a ticket already answered,
   * anyone but an expert or admin, an expert of other topics, and an expert when another one holds the
   * ticket (that expert or an admin may). The relay's dedup key `relay:<ticket>` makes a second relay impossible.
   */
  answer(ticketId: number, expertId: number, text: string): Promise<Ticket> {
    const body = text?.trim();
    if (!body) return Promise.reject(new EscalationError('invalid_input', 'Nội dung trả lời đang trống.'));
    return this.stores.transaction(async () => {
      const expert = await this.requireAnswerer(expertId);
      const ticket = await this.requireVisible(expert, ticketId);
      this.requireStatus(ticket, ACTIVE);
      await this.requireNotHeldByOther(expert, ticket, 'trả lời');
      const at = this.iso();
      await this.transition(ticket, ACTIVE, { status: 'answered', expertId, answer: body, answeredAt: at });
      await this.event(ticketId, userActor(expertId), 'answered', {
        expertId,
        chars: body.length,
        ...(ticket.expertId !== undefined && ticket.expertId !== expertId && { previousExpertId: ticket.expertId }),
      });
      const relay = await this.stores.outbox.enqueue({
        ticketId,
        channel: ticket.asker.channel,
        chatId: ticket.asker.chatId,
        kind: 'relay',
        text: relayText(ticket, expert, body),
        dedupKey: `relay:${ticketId}`,
        createdAt: at,
      });
      if (!relay) throw new EscalationError('duplicate', `Câu trả lời cho câu hỏi #${ticketId} đã được gửi đi trước đó.`);
      return this.requireTicket(ticketId);
    });
  }

  /**
   * Closes a ticket from any other state. `actor` is an expert's or admin's user id, or 'system'. An
   * expert may close only a ticket of their topics that no other expert holds (claimed or answered).
   */
  close(ticketId: number, actor: number | 'system', note?: string): Promise<Ticket> {
    return this.stores.transaction(async () => {
      const user = actor === SYSTEM ? undefined : await this.requireAnswerer(actor);
      const ticket = user ? await this.requireVisible(user, ticketId) : await this.requireTicket(ticketId);
      if (ticket.status === 'closed') throw new EscalationError('invalid_state', `Câu hỏi #${ticketId} đã đóng.`);
      if (user) await this.requireNotHeldByOther(user, ticket, 'đóng');
      await this.transition(ticket, NOT_CLOSED, { status: 'closed' });
      // The asker's file served the expert's answer: it is not kept once the ticket is closed.
      await this.stores.attachments.deleteOf(ticketId);
      await this.event(ticketId, actor === SYSTEM ? SYSTEM : userActor(actor), 'closed', {
        previousStatus: ticket.status,
        ...(note?.trim() && { note: note.trim() }),
      });
      return this.requireTicket(ticketId);
    });
  }

  /** Every ticket matching, oldest first (for the system and the command line: no access check). */
  listTickets(filter: TicketListFilter = {}): Promise<Ticket[]> {
    return this.stores.tickets.list(filter);
  }

  async getTicket(id: number): Promise<TicketWithEvents | undefined> {
    const ticket = await this.stores.tickets.get(id);
    return ticket && { ...ticket, events: await this.stores.tickets.events(id) };
  }

  /** The tickets `userId` may see (see `AccessPolicy`), oldest first; none for an unknown or inactive user. */
  async listTicketsFor(userId: number, filter: TicketListFilter = {}): Promise<Ticket[]> {
    const scope = this.access.ticketScope(await this.stores.users.get(userId));
    return this.stores.tickets.list({ ...filter, scope });
  }

  /** The topics of the tickets `userId` may see, sorted. */
  async ticketTopicsFor(userId: number): Promise<string[]> {
    return this.stores.tickets.topics(this.access.ticketScope(await this.stores.users.get(userId)));
  }

  /** A ticket with its events, if `userId` may see it; undefined otherwise (as for an unknown ticket). */
  async getTicketFor(userId: number, id: number): Promise<TicketWithEvents | undefined> {
    const [user, ticket] = await Promise.all([this.stores.users.get(userId), this.stores.tickets.get(id)]);
    if (!ticket || !this.access.maySee(user, ticket)) return undefined;
    return { ...ticket, events: await this.stores.tickets.events(id) };
  }

  /**
   * What `userId` may do with a ticket they can see: answer or close it (false when another expert holds
   * it), and the holder's name then. For pages that offer only the actions that would succeed.
   */
  async permissionsFor(userId: number, ticket: Ticket): Promise<{ mayAct: boolean; holder?: User }> {
    const user = await this.stores.users.get(userId);
    if (!user || !this.access.maySee(user, ticket)) return { mayAct: false };
    const other = this.access.heldByOther(user, ticket);
    if (other === undefined) return { mayAct: true };
    const holder = await this.stores.users.get(other);
    return { mayAct: false, ...(holder && { holder }) };
  }

  // ── delivery ────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Delivers up to `limit` due outbox messages through `port`, one at a time: messages to askers first,
   * then in due order, each at most once per run. Each is claimed just before it is sent, so a relay
   * written while a backlog of notifications drains is the next message sent. A success marks the message
   * sent (a relay's ticket becomes relayed). A retryable failure schedules the next attempt after
   * `retryAfterMs` when the port gives one, else after `backoff(attempts)`; a non-retryable failure, or the
   * last allowed attempt, marks it failed — a relay's ticket becomes relay_pending, to be re-enabled by
   * `deliverPendingFor` or `requeueRelay`.
   */
  async processOutbox(port: OutboundPort, options: { limit?: number } = {}): Promise<OutboxRunReport> {
    const report: OutboxRunReport = { claimed: 0, sent: 0, retried: 0, failed: 0 };
    const limit = options.limit ?? 20;
    // One attempt per message and run, even when a failure makes it due again at once.
    const tried: number[] = [];
    while (report.claimed < limit) {
      // Claiming commits before any network call: no transaction is ever held across a send.
      const [record] = await this.stores.outbox.claimDue(this.iso(), 1, tried);
      if (!record) break;
      tried.push(record.id);
      report.claimed += 1;
      let result: SendResult;
      // A slow platform call keeps the claim: no other instance takes the message back meanwhile.
      const renewal = setInterval(() => {
        this.stores.outbox.renewClaims([record.id], this.iso()).catch((error: unknown) => this.logger?.warn({ err: error, outboxId: record.id }, 'outbox: could not renew a claim'));
      }, this.claimRenewMs);
      renewal.unref();
      try {
        result = await port.send(toOutbound(record));
      } catch (error) {
        result = { ok: false, retryable: true, error: error instanceof Error ? error.message : String(error) };
      } finally {
        clearInterval(renewal);
      }
      // Marked sent immediately: this write is the whole at-least-once window.
      if (result.ok) {
        await this.onSent(record);
        report.sent += 1;
      } else if (await this.onFailed(record, result)) {
        report.retried += 1;
      } else {
        report.failed += 1;
      }
    }
    return report;
  }

  /**
   * Returns messages left 'sending' by a crashed process to 'pending': this instance's earlier runs' and
   * those of any instance whose claim ran out (on SQLite, every one in flight). Call once at start-up,
   * before the first `processOutbox`. A message the platform had accepted just before the crash is sent again.
   */
  async recoverInFlight(): Promise<number> {
    const recovered = await this.stores.outbox.recoverInFlight(this.iso(), { atStart: true });
    if (recovered) this.logger?.warn({ recovered }, 'outbox: messages left in flight by a previous run will be sent again');
    return recovered;
  }

  /**
   * Returns to 'pending' the messages whose sender's claim ran out mid-send (another instance died while
   * sending them); a message still being sent anywhere is left alone. The server calls it every few seconds.
   */
  async recoverAbandonedSends(): Promise<number> {
    const recovered = await this.stores.outbox.recoverInFlight(this.iso());
    if (recovered) this.logger?.warn({ recovered }, 'outbox: messages another instance left in flight will be sent again');
    return recovered;
  }

  /** Re-enables the failed (or waiting) relay of a ticket, due now. Returns how many messages were re-enabled. */
  requeueRelay(ticketId: number, actor = SYSTEM): Promise<number> {
    return this.stores.transaction(async () => {
      await this.requireTicket(ticketId);
      const records = await this.stores.outbox.requeue({ ticketId, kind: 'relay' }, this.iso());
      for (const record of records) {
        await this.event(ticketId, actor, 'relay_requeued', { outboxId: record.id, trigger: 'manual' });
      }
      return records.length;
    });
  }

  /**
   * The asker wrote again, so their chat is reachable: every failed or back-off-delayed relay, notice or
   * follow-up to that chat (`WAITS_FOR_RECIPIENT`) becomes due now. Call it on each incoming message, then
   * let the outbox worker run.
   */
  async deliverPendingFor(channel: string, chatId: string): Promise<number> {
    // Called for every incoming message: a plain read first, and a write transaction only when a message waits.
    const now = this.iso();
    if (!(await this.stores.outbox.hasRequeueable({ channel, chatId, kind: WAITS_FOR_RECIPIENT }, now))) return 0;
    return this.stores.transaction(async () => {
      const records = await this.stores.outbox.requeue({ channel, chatId, kind: WAITS_FOR_RECIPIENT }, this.iso());
      for (const record of records) {
        if (record.ticketId === undefined || record.kind !== 'relay') continue;
        await this.event(record.ticketId, SYSTEM, 'relay_requeued', { outboxId: record.id, trigger: 'asker_message' });
      }
      return records.length;
    });
  }

  // ── reminders ───────────────────────────────────────────────────────────────────────────────────────

  /**
   * Reminds the experts of every ticket open or assigned for at least `reminderAfterMs` and not reminded
   * within that period: the assigned expert, else the experts of its topic, else the admins reachable in a chat.
   */
  remindOverdue(): Promise<ReminderReport> {
    const now = this.now();
    const at = now.toISOString();
    const cutoff = new Date(now.getTime() - this.reminderAfterMs).toISOString();
    return this.stores.transaction(async () => {
      const report: ReminderReport = { tickets: [], messages: 0 };
      const due = await this.stores.tickets.list({ status: ACTIVE, createdBefore: cutoff, remindedBefore: cutoff });
      for (const ticket of due) {
        const assigned = ticket.expertId === undefined ? undefined : await this.stores.users.get(ticket.expertId);
        const experts = assigned && this.access.mayAnswer(assigned) ? [assigned] : (await this.routeFor(ticket.topic)).recipients;
        const waitedMs = now.getTime() - Date.parse(ticket.createdAt);
        const text = reminderText(ticket, waitedMs);
        for (const expert of experts) {
          const queued = await this.stores.outbox.enqueue({
            ticketId: ticket.id,
            channel: expert.channel,
            chatId: expert.chatId,
            kind: 'reminder',
            text,
            dedupKey: `reminder:${ticket.id}:${expert.id}:${at}`,
            createdAt: at,
          });
          if (queued) report.messages += 1;
        }
        await this.stores.tickets.update(ticket.id, ACTIVE, { lastRemindedAt: at });
        await this.event(ticket.id, SYSTEM, 'reminded', { experts: experts.map((e) => e.id), waitedMs });
        report.tickets.push(ticket.id);
      }
      return report;
    });
  }

  /** Open or assigned tickets waiting at least `reminderAfterMs`, oldest first (reminded or not). */
  listOverdue(): Promise<Ticket[]> {
    const cutoff = new Date(this.now().getTime() - this.reminderAfterMs).toISOString();
    return this.stores.tickets.list({ status: ACTIVE, createdBefore: cutoff });
  }

  // ── curation ────────────────────────────────────────────────────────────────────────────────────────

  /**
   * An admin approves the expert's answer of a ticket (answered, relay_pending, relayed or closed with an
   * answer), optionally edited, as a curated answer. Approving the same ticket again replaces it.
   * The answer rests on the passages `sourceIds` (chosen among the ticket's retrieved passages), or, without
   * a choice, on those the sourcing links from the ticket's retrieval.
   */
  approve(ticketId: number, adminId: number, editedAnswer?: string, options: { sourceIds?: readonly string[] } = {}): Promise<CuratedAnswer> {
    const edited = editedAnswer?.trim();
    if (editedAnswer !== undefined && !edited) {
      return Promise.reject(new EscalationError('invalid_input', 'Nội dung đã sửa đang trống.'));
    }
    return this.stores.transaction(async () => {
      const admin = await this.stores.users.get(adminId);
      if (!this.access.isAdmin(admin)) {
        throw new EscalationError('forbidden', 'Chỉ quản trị viên mới được duyệt câu trả lời.');
      }
      const ticket = await this.requireTicket(ticketId);
      if (!HAS_ANSWER.includes(ticket.status) || ticket.answer === undefined) {
        throw new EscalationError('invalid_state', `Câu hỏi #${ticketId} chưa có câu trả lời của chuyên gia để duyệt.`);
      }
      const sources = await this.sourcing?.sourcesFor(ticket, options.sourceIds);
      const curated = await this.stores.curated.upsert({
        question: ticket.question,
        answer: edited ?? ticket.answer,
        sourceTicketId: ticket.id,
        expertId: ticket.expertId,
        answeredAt: ticket.answeredAt,
        approvedBy: adminId,
        approvedAt: this.iso(),
        topic: ticket.topic,
        ...(sources && { sources }),
      });
      await this.event(ticketId, userActor(adminId), 'approved', {
        curatedAnswerId: curated.id,
        edited: edited !== undefined && edited !== ticket.answer,
        ...(sources && { sources: sources.map((s) => s.passageId) }),
      });
      return curated;
    });
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────────────

  private async onSent(record: OutboxRecord): Promise<void> {
    const at = this.iso();
    await this.stores.transaction(async () => {
      await this.stores.outbox.markSent(record.id, at);
      if (record.kind !== 'relay' || record.ticketId === undefined) return;
      const relayed = await this.stores.tickets.update(record.ticketId, ['answered', 'relay_pending'], {
        status: 'relayed',
        relayedAt: at,
        updatedAt: at,
      });
      // A ticket closed meanwhile stays closed, but records the delivery.
      if (!relayed) await this.stores.tickets.update(record.ticketId, ['closed'], { relayedAt: at });
      await this.event(record.ticketId, SYSTEM, 'relayed', { outboxId: record.id, attempts: record.attempts + 1 });
    });
  }

  /** Returns true when the message will be tried again. */
  private async onFailed(record: OutboxRecord, result: Extract<SendResult, { ok: false }>): Promise<boolean> {
    const attempts = record.attempts + 1;
    const now = this.now();
    if (result.retryable && attempts < this.maxAttempts) {
      const delay = result.retryAfterMs ?? this.backoff(attempts);
      await this.stores.outbox.markRetry(record.id, attempts, new Date(now.getTime() + delay).toISOString(), result.error);
      this.logger?.info({ outbox: record.id, attempts, delay, error: result.error }, 'outbox: send failed, will retry');
      return true;
    }
    const at = now.toISOString();
    await this.stores.transaction(async () => {
      await this.stores.outbox.markFailed(record.id, attempts, result.error);
      if (record.ticketId === undefined) return;
      if (record.kind === 'relay') {
        await this.stores.tickets.update(record.ticketId, ['answered'], { status: 'relay_pending', updatedAt: at });
        await this.event(record.ticketId, SYSTEM, 'relay_failed', {
          outboxId: record.id,
          attempts,
          retryable: result.retryable,
          error: result.error,
        });
      } else {
        await this.event(record.ticketId, SYSTEM, 'notify_failed', {
          outboxId: record.id,
          kind: record.kind,
          channel: record.channel,
          chatId: record.chatId,
          error: result.error,
        });
      }
    });
    this.logger?.warn({ outbox: record.id, kind: record.kind, attempts, error: result.error }, 'outbox: message failed');
    return false;
  }

  private async routeFor(topic: string | undefined): Promise<Route> {
    const { experts, admins } = await this.stores.users.listRoutable();
    return routeTicket(topic, experts, admins.filter((a) => this.access.isAdmin(a)));
  }

  private logRoute(ticket: Ticket, route: Route): void {
    const who = route.recipients.map((u) => ({ id: u.id, name: recipientLabel(u) }));
    if (route.routing === 'experts') {
      this.logger?.info({ ticket: ticket.id, topic: ticket.topic ?? null, notified: who }, 'new ticket: experts of its topic notified');
    } else if (route.routing === 'admins') {
      this.logger?.warn({ ticket: ticket.id, topic: ticket.topic ?? null, notified: who }, 'new ticket: no expert covers its topic, admins notified');
    } else {
      this.logger?.warn(
        { ticket: ticket.id, topic: ticket.topic ?? null, notified: [] },
        'new ticket: no expert covers its topic and no admin has a chat to be notified in; it waits in the console',
      );
    }
  }

  private async requireTicket(id: number): Promise<Ticket> {
    const ticket = await this.stores.tickets.get(id);
    if (!ticket) throw new EscalationError('not_found', `Không tìm thấy câu hỏi #${id}.`);
    return ticket;
  }

  /** The ticket, if `user` may see it (an expert: one of their topics, or one they hold). */
  private async requireVisible(user: User, id: number): Promise<Ticket> {
    const ticket = await this.requireTicket(id);
    if (!this.access.maySee(user, ticket)) {
      throw new EscalationError('forbidden', `Câu hỏi #${id} không thuộc lĩnh vực bạn phụ trách.`);
    }
    return ticket;
  }

  /** Refuses `user` when another expert holds the ticket (claimed or answered it) and `user` is not an admin. */
  private async requireNotHeldByOther(user: User, ticket: Ticket, verb: string): Promise<void> {
    const other = this.access.heldByOther(user, ticket);
    if (other === undefined) return;
    const holder = await this.stores.users.get(other);
    throw new EscalationError(
      'forbidden',
      `Câu hỏi #${ticket.id} đang do ${holder ? `chuyên gia ${holder.displayName}` : 'chuyên gia khác'} phụ trách; chỉ người đó hoặc quản trị viên mới được ${verb}.`,
    );
  }

  private async requireAnswerer(userId: number): Promise<User> {
    const user = await this.stores.users.get(userId);
    if (!user) throw new EscalationError('forbidden', `Không tìm thấy người dùng #${userId}.`);
    if (!this.access.mayAnswer(user)) {
      throw new EscalationError('forbidden', `${user.displayName} (#${userId}) không phải chuyên gia đang hoạt động.`);
    }
    return user;
  }

  private requireStatus(ticket: Ticket, allowed: readonly TicketStatus[]): void {
    if (allowed.includes(ticket.status)) return;
    if (ticket.status === 'closed') throw new EscalationError('invalid_state', `Câu hỏi #${ticket.id} đã đóng.`);
    if (HAS_ANSWER.includes(ticket.status)) {
      throw new EscalationError('duplicate', `Câu hỏi #${ticket.id} đã được trả lời.`);
    }
    throw new EscalationError('invalid_state', `Câu hỏi #${ticket.id} đang ở trạng thái ${ticket.status}.`);
  }

  private async transition(
    ticket: Ticket,
    from: readonly TicketStatus[],
    patch: TicketPatch,
  ): Promise<void> {
    const changed = await this.stores.tickets.update(ticket.id, from, { ...patch, updatedAt: this.iso() });
    if (!changed) throw new EscalationError('invalid_state', `Câu hỏi #${ticket.id} vừa được người khác cập nhật, hãy thử lại.`);
  }

  private event(ticketId: number, actor: string, action: string, detail: Record<string, unknown>) {
    return this.stores.tickets.appendEvent({ ticketId, actor, action, detail, at: this.iso() });
  }

  private iso(): string {
    return this.now().toISOString();
  }
}

/** Filters of the ticket lists (the access scope is added by `listTicketsFor`). */
export type TicketListFilter = Pick<TicketFilter, 'status' | 'topic' | 'limit'>;

/** The opening event that says whom a new ticket was sent to. */
function routeEvent(route: Route): { action: string; detail: Record<string, unknown> } {
  const recipients = route.recipients.map(recipientLabel);
  if (route.routing === 'experts') return { action: 'notified', detail: { experts: route.recipients.map((u) => u.id), recipients } };
  if (route.routing === 'admins') return { action: 'notified_admins', detail: { cause: route.cause, admins: route.recipients.map((u) => u.id), recipients } };
  return { action: 'not_notified', detail: { cause: route.cause } };
}

function userActor(id: number): string {
  return `user:${id}`;
}

function askerActor(asker: Asker): string {
  return `asker:${asker.channel}:${asker.userId}`;
}

function toOutbound(record: OutboxRecord): OutboundMessage {
  return {
    id: record.id,
    channel: record.channel,
    chatId: record.chatId,
    kind: record.kind,
    text: record.text,
    ...(record.ticketId !== undefined && { ticketId: record.ticketId }),
    ...(record.attachment !== undefined && { attachment: record.attachment }),
  };
}
