import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoggedQuestion, QuestionLogStore } from '../../src/assistant/question-log.js';
import type { EscalationStores, NewTicket, TicketOpeningEffects } from '../../src/escalation/stores.js';
import type { Ticket } from '../../src/escalation/types.js';
import { Database } from '../../src/storage/database.js';
import type { PassageSource } from '../../src/storage/provenance.js';
import { createPostgresEscalationStores } from '../../src/storage/postgres/escalation-stores.js';
import { PgDatabase } from '../../src/storage/postgres/pg-database.js';
import { PgQuestionLog } from '../../src/storage/postgres/question-log-repository.js';
import { createSqliteEscalationStores } from '../../src/storage/sqlite/escalation-stores.js';
import { SqliteQuestionLog } from '../../src/storage/sqlite/question-log-repository.js';
import { describePostgres, openMigratedPg, usePostgresDatabase } from '../helpers/postgres.js';
import { useTempDir } from '../helpers/temp-dir.js';

/*
 * What every engine's escalation stores and question log must do (issue 16): one suite, run against SQLite
 * always and against PostgreSQL where a server is available (always on CI). Each test gets an empty
 * database; `connect` opens a second connection to the same one, as a second instance would.
 */

interface Connection {
  stores: EscalationStores;
  log: QuestionLogStore;
  close(): Promise<void>;
}

interface Engine extends Connection {
  /** A second connection to the same database; its outbox claims for `instanceId` with 60 s leases. */
  connect(instanceId?: string): Promise<Connection>;
  /** SQLite: one process uses the file, so a starting instance takes back every message in flight. */
  oneProcess: boolean;
}

/** Seconds after T(0). */
const S = (seconds: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds)).toISOString();
const claimant = (instanceId?: string) => (instanceId ? { instanceId, leaseMs: 60_000 } : undefined);

const T = (minute: number): string => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
const asker = { channel: 'telegram', chatId: 'c1', userId: 'u1', displayName: 'Chị Lan', commune: 'Xã A' };
/** A passage an answer rests on, as provenance records it. */
const SOURCE: PassageSource = { passageId: 'nd-131#5', docId: 'nd-131', citation: 'Nghị định 131/2021/NĐ-CP, Điều 5', passageHash: 'h1', docHash: 'd1', docInForce: true };

function newTicket(over: Partial<NewTicket> = {}): NewTicket {
  return { asker, question: 'Hồ sơ mai táng phí gồm gì?', reason: 'low_confidence', context: [], status: 'open', createdAt: T(0), ...over };
}

/** Opening effects as the service builds them: one notification, two events, both naming the number. */
function effectsNaming(seen: Ticket[]): (ticket: Ticket) => TicketOpeningEffects {
  return (ticket) => {
    seen.push(ticket);
    return {
      notifications: [{ channel: 'telegram', chatId: 'expert-1', kind: 'notify', text: `Phiếu #${ticket.id}`, dedupKey: `notify:${ticket.id}:1`, createdAt: ticket.createdAt }],
      events: [
        { actor: 'asker:telegram:u1', action: 'created', detail: { ticket: ticket.id }, at: ticket.createdAt },
        { actor: 'system', action: 'notified', detail: { experts: [1] }, at: ticket.createdAt },
      ],
    };
  };
}

function contract(open: () => Promise<Engine>): void {
  let engine: Engine;
  let stores: EscalationStores;
  beforeEach(async () => {
    engine = await open();
    stores = engine.stores;
  });
  afterEach(async () => {
    await engine.close();
  });

  describe('users', () => {
    it('adds, finds by channel account, refuses a second with the same account, lists by role', async () => {
      const expert = await stores.users.add(
        { channel: 'telegram', channelUserId: '42', chatId: '42', displayName: 'Anh Minh', role: 'expert', topics: [' Ho-Tich ', 'ho-tich', 'bao-tro'] },
        T(0),
      );
      expect(expert).toEqual({
        id: expect.any(Number),
        channel: 'telegram',
        channelUserId: '42',
        chatId: '42',
        displayName: 'Anh Minh',
        role: 'expert',
        topics: ['ho-tich', 'bao-tro'],
        approved: true,
        active: true,
        createdAt: T(0),
        updatedAt: T(0),
      });
      const official = await stores.users.add({ channel: 'zalo-oa', channelUserId: '42', chatId: 'z', displayName: 'Cô Hoa', commune: 'Xã B', role: 'official', approved: false }, T(1));
      expect(await stores.users.findByChannelUser('telegram', '42')).toEqual(expert);
      expect(await stores.users.findByChannelUser('telegram', '43')).toBeUndefined();
      await expect(stores.users.add({ channel: 'telegram', channelUserId: '42', chatId: '1', displayName: 'X', role: 'admin' }, T(2))).rejects.toMatchObject({
        name: 'EscalationError',
        code: 'duplicate',
      });
      expect((await stores.users.list()).map((u) => u.id)).toEqual([expert.id, official.id]);
      expect(await stores.users.list({ role: 'official' })).toEqual([{ ...official, commune: 'Xã B', approved: false }]);
      expect(await stores.users.get(official.id)).toEqual(official);
    });

    it('patches role, topics and flags; routes to active approved experts and to every admin', async () => {
      const a = await stores.users.add({ channel: 'telegram', channelUserId: '1', chatId: '1', displayName: 'A', commune: 'Xã A', role: 'official' }, T(0));
      const b = await stores.users.add({ channel: 'telegram', channelUserId: '2', chatId: '2', displayName: 'B', role: 'expert', topics: ['*'] }, T(0));
      await stores.users.add({ channel: 'telegram', channelUserId: '3', chatId: '3', displayName: 'C', role: 'expert', active: false }, T(0));
      const patched = await stores.users.update(a.id, { role: 'expert', topics: ['Ho-Tich'], commune: undefined }, T(5));
      expect(patched).toEqual({ ...a, role: 'expert', topics: ['ho-tich'], commune: undefined, updatedAt: T(5) });
      expect(patched).not.toHaveProperty('commune');
      const admin = await stores.users.add({ channel: 'telegram', channelUserId: '4', chatId: '4', displayName: 'D', role: 'admin', active: false }, T(0));
      const ids = async () => {
        const { experts, admins } = await stores.users.listRoutable();
        return { experts: experts.map((u) => u.id), admins: admins.map((u) => u.id) };
      };
      expect(await ids()).toEqual({ experts: [a.id, b.id], admins: [admin.id] });
      await stores.users.update(b.id, { approved: false }, T(6));
      expect(await ids()).toEqual({ experts: [a.id], admins: [admin.id] });
      expect(await stores.users.update(999, { displayName: 'Z' }, T(7))).toBeUndefined();
    });
  });

  describe('tickets', () => {
    it('opens a ticket with its notifications and events, the effects seeing its number', async () => {
      const seen: Ticket[] = [];
      const ticket = await stores.tickets.open(
        newTicket({ topic: ' Mai-Tang ', confidence: 0.31, context: [{ id: 'p1', citation: 'Điều 5', score: 0.3, lexicalScore: 0.2, vectorSimilarity: 0.4 }], sourceKey: 'telegram:7' }),
        effectsNaming(seen),
      );
      // SQLite hands its effects a placeholder number it rewrites in what they return: compare the rest.
      expect(seen.map((t) => ({ ...t, id: ticket.id }))).toEqual([ticket]);
      expect(ticket).toMatchObject({ id: expect.any(Number), topic: 'mai-tang', confidence: 0.31, status: 'open', asker, createdAt: T(0), updatedAt: T(0) });
      expect(ticket.context).toEqual([{ id: 'p1', citation: 'Điều 5', score: 0.3, lexicalScore: 0.2, vectorSimilarity: 0.4 }]);
      expect(await stores.tickets.get(ticket.id)).toEqual(ticket);
      expect(await stores.outbox.list({ ticketId: ticket.id })).toEqual([
        expect.objectContaining({ kind: 'notify', chatId: 'expert-1', text: `Phiếu #${ticket.id}`, dedupKey: `notify:${ticket.id}:1`, status: 'pending', nextAttemptAt: T(0) }),
      ]);
      const events = await stores.tickets.events(ticket.id);
      expect(events.map((e) => [e.ticketId, e.action, e.detail])).toEqual([
        [ticket.id, 'created', { ticket: ticket.id }],
        [ticket.id, 'notified', { experts: [1] }],
      ]);
      const second = await stores.tickets.open(newTicket(), effectsNaming([]));
      expect(second.id).toBeGreaterThan(ticket.id);
    });

    it('opens all or nothing: a notification that cannot be written leaves no ticket, event or message', async () => {
      await stores.outbox.enqueue({ channel: 'telegram', chatId: 'x', kind: 'notify', text: 'cũ', dedupKey: 'taken', createdAt: T(0) });
      const failing = (ticket: Ticket): TicketOpeningEffects => ({
        notifications: [
          { channel: 'telegram', chatId: 'e1', kind: 'notify', text: 'một', dedupKey: `notify:${ticket.id}:1`, createdAt: T(0) },
          { channel: 'telegram', chatId: 'e2', kind: 'notify', text: 'hai', dedupKey: 'taken', createdAt: T(0) },
        ],
        events: [{ actor: 'system', action: 'created', detail: {}, at: T(0) }],
      });
      await expect(stores.tickets.open(newTicket({ sourceKey: 'telegram:1' }), failing)).rejects.toThrow();
      expect(await stores.tickets.list()).toEqual([]);
      expect(await stores.tickets.findBySource('telegram:1')).toBeUndefined();
      expect((await stores.outbox.list()).map((m) => m.dedupKey)).toEqual(['taken']);
      const ticket = await stores.tickets.open(newTicket({ sourceKey: 'telegram:1' }), effectsNaming([]));
      expect(await stores.tickets.events(ticket.id)).toHaveLength(2);
    });

    it('finds a ticket by its source update, which opens one ticket at most', async () => {
      const ticket = await stores.tickets.open(newTicket({ sourceKey: 'zalo-oa:m1' }), effectsNaming([]));
      expect(await stores.tickets.findBySource('zalo-oa:m1')).toEqual(ticket);
      expect(await stores.tickets.findBySource('zalo-oa:m2')).toBeUndefined();
      await expect(stores.tickets.open(newTicket({ sourceKey: 'zalo-oa:m1' }), effectsNaming([]))).rejects.toThrow();
      expect(await stores.tickets.list()).toHaveLength(1);
    });

    const addExpert = (id: string) => stores.users.add({ channel: 'telegram', channelUserId: id, chatId: id, displayName: id, role: 'expert' }, T(0));

    it('lists oldest first with filters and scopes, and the topics within a scope', async () => {
      const none = () => ({ notifications: [], events: [] });
      const [holder, other] = [await addExpert('7'), await addExpert('8')];
      const a = await stores.tickets.open(newTicket({ topic: 'ho-tich', createdAt: T(3) }), none);
      const b = await stores.tickets.open(newTicket({ topic: 'bao-tro', createdAt: T(1) }), none);
      const c = await stores.tickets.open(newTicket({ createdAt: T(2) }), none);
      const d = await stores.tickets.open(newTicket({ topic: 'Ho-Tich', createdAt: T(1) }), none);
      await stores.tickets.update(c.id, ['open'], { status: 'assigned', expertId: holder.id });
      await stores.tickets.update(b.id, ['open'], { lastRemindedAt: T(10) });
      const ids = (tickets: Ticket[]) => tickets.map((t) => t.id);
      expect(ids(await stores.tickets.list())).toEqual([b.id, d.id, c.id, a.id]);
      expect(ids(await stores.tickets.list({ status: 'assigned' }))).toEqual([c.id]);
      expect(ids(await stores.tickets.list({ status: ['open', 'assigned'], limit: 2 }))).toEqual([b.id, d.id]);
      expect(ids(await stores.tickets.list({ topic: ' HO-TICH' }))).toEqual([d.id, a.id]);
      expect(ids(await stores.tickets.list({ createdBefore: T(2) }))).toEqual([b.id, d.id, c.id]);
      expect(ids(await stores.tickets.list({ remindedBefore: T(9) }))).toEqual([d.id, c.id, a.id]);
      expect(ids(await stores.tickets.list({ scope: { kind: 'none' } }))).toEqual([]);
      expect(ids(await stores.tickets.list({ scope: { kind: 'all' } }))).toHaveLength(4);
      expect(ids(await stores.tickets.list({ scope: { kind: 'topics', topics: ['Bao-Tro'], holderId: holder.id } }))).toEqual([b.id, c.id]);
      expect(ids(await stores.tickets.list({ scope: { kind: 'topics', topics: [], holderId: other.id } }))).toEqual([]);
      expect(await stores.tickets.topics()).toEqual(['bao-tro', 'ho-tich']);
      expect(await stores.tickets.topics({ kind: 'topics', topics: ['ho-tich'], holderId: holder.id })).toEqual(['ho-tich']);
      expect(await stores.tickets.topics({ kind: 'none' })).toEqual([]);
    });

    it('patches only from the given states; null clears a field; events append in order', async () => {
      const ticket = await stores.tickets.open(newTicket(), () => ({ notifications: [], events: [] }));
      const [e3, e4] = [await addExpert('3'), await addExpert('4')];
      expect(await stores.tickets.update(ticket.id, ['assigned'], { status: 'answered' })).toBe(false);
      expect(await stores.tickets.update(ticket.id, ['open'], { status: 'assigned', expertId: e3.id, updatedAt: T(1) })).toBe(true);
      expect(await stores.tickets.update(ticket.id, ['open'], { status: 'assigned', expertId: e4.id })).toBe(false);
      expect(await stores.tickets.update(ticket.id, ['assigned'], { status: 'answered', answer: 'Trả lời', answeredAt: T(2), updatedAt: T(2) })).toBe(true);
      expect(await stores.tickets.update(ticket.id, ['answered'], { status: 'open', expertId: null, answer: null, answeredAt: null })).toBe(true);
      expect(await stores.tickets.update(ticket.id, ['open'], {})).toBe(false);
      expect(await stores.tickets.update(ticket.id, [], { status: 'closed' })).toBe(false);
      const saved = await stores.tickets.get(ticket.id);
      expect(saved).toEqual({ ...ticket, status: 'open', updatedAt: T(2) });
      const appended = await stores.tickets.appendEvents([
        { ticketId: ticket.id, actor: 'user:3', action: 'assigned', detail: {}, at: T(1) },
        { ticketId: ticket.id, actor: 'user:3', action: 'answered', detail: { length: 8 }, at: T(2) },
      ]);
      const one = await stores.tickets.appendEvent({ ticketId: ticket.id, actor: 'system', action: 'relayed', detail: {}, at: T(3) });
      expect(await stores.tickets.events(ticket.id)).toEqual([...appended, one]);
      expect(appended[0]!.id).toBeLessThan(appended[1]!.id);
      expect(await stores.tickets.appendEvents([])).toEqual([]);
    });

    it('lets reminders of two connections at once remind each due ticket once', async () => {
      const none = () => ({ notifications: [], events: [] });
      for (let i = 0; i < 6; i += 1) await stores.tickets.open(newTicket({ createdAt: T(i) }), none);
      const other = await engine.connect();
      try {
        const remind = (s: EscalationStores, at: string) =>
          s.transaction(async () => {
            const due = await s.tickets.list({ status: ['open', 'assigned'], createdBefore: T(30), remindedBefore: T(30) });
            for (const t of due) await s.tickets.update(t.id, ['open', 'assigned'], { lastRemindedAt: at });
            return due.map((t) => t.id);
          });
        const [first, second] = await Promise.all([remind(stores, T(60)), remind(other.stores, T(61))]);
        expect([...first, ...second].sort((x, y) => x - y)).toEqual((await stores.tickets.list()).map((t) => t.id));
      } finally {
        await other.close();
      }
    });
  });

  describe('outbox', () => {
    it('enqueues once per dedup key, defaulting to due at once', async () => {
      const ticket = await stores.tickets.open(newTicket(), () => ({ notifications: [], events: [] }));
      const relay = await stores.outbox.enqueue({ ticketId: ticket.id, channel: 'telegram', chatId: 'c1', kind: 'relay', text: 'Trả lời', dedupKey: `relay:${ticket.id}`, createdAt: T(1) });
      expect(relay).toEqual({
        id: expect.any(Number),
        ticketId: ticket.id,
        channel: 'telegram',
        chatId: 'c1',
        kind: 'relay',
        text: 'Trả lời',
        status: 'pending',
        attempts: 0,
        nextAttemptAt: T(1),
        createdAt: T(1),
        dedupKey: `relay:${ticket.id}`,
      });
      expect(await stores.outbox.enqueue({ channel: 'telegram', chatId: 'c1', kind: 'relay', text: 'lần hai', dedupKey: `relay:${ticket.id}`, createdAt: T(2) })).toBeUndefined();
      const later = await stores.outbox.enqueue({ channel: 'zalo-oa', chatId: 'c2', kind: 'answer', text: 'x', createdAt: T(1), nextAttemptAt: T(9) });
      expect(later).not.toHaveProperty('dedupKey');
      expect(later).not.toHaveProperty('ticketId');
      expect(await stores.outbox.get(relay!.id)).toEqual(relay);
      expect((await stores.outbox.list({ channel: 'zalo-oa' })).map((m) => m.id)).toEqual([later!.id]);
      expect((await stores.outbox.list({ kind: 'relay', ticketId: ticket.id, status: 'pending' })).map((m) => m.id)).toEqual([relay!.id]);
    });

    it('claims due messages, asker-bound first then by due time, skipping excluded ones', async () => {
      const put = (kind: 'notify' | 'relay' | 'answer' | 'reminder', due: number) =>
        stores.outbox.enqueue({ channel: 'telegram', chatId: 'c', kind, text: `${kind}@${due}`, createdAt: T(0), nextAttemptAt: T(due) });
      const n1 = await put('notify', 1);
      const r3 = await put('relay', 3);
      const a2 = await put('answer', 2);
      await put('reminder', 50);
      const n0 = await put('notify', 0);
      const claimed = await stores.outbox.claimDue(T(10), 3, [a2!.id]);
      expect(claimed.map((m) => [m.text, m.status])).toEqual([
        ['relay@3', 'sending'],
        ['notify@0', 'sending'],
        ['notify@1', 'sending'],
      ]);
      expect((await stores.outbox.get(n0!.id))?.status).toBe('sending');
      expect((await stores.outbox.claimDue(T(10), 10)).map((m) => m.id)).toEqual([a2!.id]);
      expect(await stores.outbox.claimDue(T(10), 10)).toEqual([]);
      void n1;
      void r3;
    });

    it('never gives the same message to two connections claiming at once', async () => {
      for (let i = 0; i < 30; i += 1) await stores.outbox.enqueue({ channel: 'telegram', chatId: `c${i}`, kind: i % 3 ? 'notify' : 'relay', text: `tin ${i}`, createdAt: T(0) });
      const other = await engine.connect();
      try {
        const drain = async (s: EscalationStores) => {
          const ids: number[] = [];
          for (;;) {
            const batch = await s.outbox.claimDue(T(1), 2);
            if (batch.length === 0) return ids;
            ids.push(...batch.map((m) => m.id));
          }
        };
        const [mine, theirs] = await Promise.all([drain(stores), drain(other.stores)]);
        const all = [...mine, ...theirs];
        expect(new Set(all).size).toBe(all.length);
        expect(all.sort((x, y) => x - y)).toEqual((await stores.outbox.list()).map((m) => m.id));
        expect(await stores.outbox.list({ status: 'sending' })).toHaveLength(30);
      } finally {
        await other.close();
      }
    });

    it('marks sent, retry and failed only from sending; recovers in-flight; requeues failed and waiting ones', async () => {
      const put = (text: string) => stores.outbox.enqueue({ channel: 'web', chatId: 'w', kind: 'relay', text, createdAt: T(0) });
      const [a, b, c, d] = [await put('a'), await put('b'), await put('c'), await put('d')];
      expect(await stores.outbox.markSent(a!.id, T(1))).toBe(false);
      await stores.outbox.claimDue(T(0), 4);
      expect(await stores.outbox.markSent(a!.id, T(1))).toBe(true);
      expect(await stores.outbox.markSent(a!.id, T(2))).toBe(false);
      expect(await stores.outbox.markRetry(b!.id, 1, T(30), 'mạng lỗi')).toBe(true);
      expect(await stores.outbox.markFailed(c!.id, 5, 'bị chặn')).toBe(true);
      expect(await stores.outbox.get(a!.id)).toMatchObject({ status: 'sent', sentAt: T(1), attempts: 1 });
      expect(await stores.outbox.get(a!.id)).not.toHaveProperty('lastError');
      expect(await stores.outbox.get(b!.id)).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: T(30), lastError: 'mạng lỗi' });
      expect(await stores.outbox.get(c!.id)).toMatchObject({ status: 'failed', attempts: 5, lastError: 'bị chặn' });
      expect(await stores.outbox.recoverInFlight(T(3))).toBe(1);
      expect(await stores.outbox.get(d!.id)).toMatchObject({ status: 'pending', nextAttemptAt: T(3) });
      const requeued = await stores.outbox.requeue({ channel: 'web', chatId: 'w', kind: 'relay' }, T(4));
      expect(requeued.map((m) => [m.text, m.status, m.attempts, m.nextAttemptAt])).toEqual([
        ['b', 'pending', 1, T(4)],
        ['c', 'pending', 0, T(4)],
      ]);
      expect(await stores.outbox.requeue({ channel: 'web' }, T(4))).toEqual([]);
    });

    it('tells whether a chat has a message to requeue, for chats asked about one by one or at once', async () => {
      const put = (chatId: string, kind: 'relay' | 'notify', text: string) => stores.outbox.enqueue({ channel: 'web', chatId, kind, text, createdAt: T(0) });
      const failed = await put('f', 'relay', 'bị chặn');
      const later = await put('l', 'relay', 'chờ');
      const sent = await put('p', 'relay', 'đã gửi');
      const notify = await put('n', 'notify', 'cho chuyên gia');
      expect(await stores.outbox.claimDue(T(0), 4)).toHaveLength(4);
      expect(await stores.outbox.markFailed(failed!.id, 5, 'bị chặn')).toBe(true);
      expect(await stores.outbox.markRetry(later!.id, 1, T(30), 'mạng lỗi')).toBe(true);
      expect(await stores.outbox.markSent(sent!.id, T(1))).toBe(true);
      expect(await stores.outbox.markFailed(notify!.id, 5, 'bị chặn')).toBe(true);
      const waits = (chatId: string, now = T(2)) => stores.outbox.hasRequeueable({ channel: 'web', chatId, kind: ['relay'] }, now);
      expect(await waits('f')).toBe(true);
      expect(await waits('l')).toBe(true);
      expect(await waits('l', T(31))).toBe(false);
      expect(await waits('p')).toBe(false);
      expect(await waits('n')).toBe(false);
      expect(await stores.outbox.hasRequeueable({ channel: 'zalo-oa', chatId: 'f', kind: ['relay'] }, T(2))).toBe(false);
      expect(await stores.outbox.hasRequeueable({ channel: 'web', chatId: 'n', kind: ['relay', 'notify'] }, T(2))).toBe(true);
      expect(await Promise.all(['p', 'f', 'x', 'l', 'n', 'f'].map((chatId) => waits(chatId)))).toEqual([false, true, false, true, false, true]);
    });

    it('claims for an instance with a lease: recovery takes back only claims that ran out (at start, also its own), renewing keeps one', async () => {
      const [a, b] = [await engine.connect('a'), await engine.connect('b')];
      try {
        for (const text of ['m1', 'm2', 'm3']) await stores.outbox.enqueue({ channel: 'web', chatId: 'w', kind: 'relay', text, createdAt: T(0) });
        const [m1, m2] = await a.stores.outbox.claimDue(S(0), 2);
        const [m3] = await b.stores.outbox.claimDue(S(0), 1);
        expect([m1?.text, m2?.text, m3?.text]).toEqual(['m1', 'm2', 'm3']);
        // A running instance takes back nothing another is still sending.
        expect(await b.stores.outbox.recoverInFlight(S(30))).toBe(0);
        // Only the claimer renews; m1's lease now runs to S(110), the others' to S(60).
        expect(await a.stores.outbox.renewClaims([m1!.id, m3!.id], S(50))).toBe(1);
        expect(await b.stores.outbox.renewClaims([m1!.id], S(50))).toBe(0);
        expect(await b.stores.outbox.recoverInFlight(S(70))).toBe(2);
        expect((await stores.outbox.list({ status: 'sending' })).map((m) => m.text)).toEqual(['m1']);
        expect(await stores.outbox.get(m2!.id)).toMatchObject({ status: 'pending', nextAttemptAt: S(70) });
        expect((await b.stores.outbox.claimDue(S(70), 5)).map((m) => m.text)).toEqual(['m2', 'm3']);
        // A restarting: its own claim, unexpired, comes back; b's (until S(130)) only where one process uses the file.
        expect(await a.stores.outbox.recoverInFlight(S(80), { atStart: true })).toBe(engine.oneProcess ? 3 : 1);
        expect((await stores.outbox.list({ status: 'sending' })).map((m) => m.text)).toEqual(engine.oneProcess ? [] : ['m2', 'm3']);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });

  describe('curated answers', () => {
    it('adds, replaces per ticket (reactivated, hits kept), finds, lists, edits and retires', async () => {
      const ticket = await stores.tickets.open(newTicket(), () => ({ notifications: [], events: [] }));
      const expert = await stores.users.add({ channel: 'telegram', channelUserId: 'e', chatId: 'e', displayName: 'E', role: 'expert' }, T(0));
      const r0 = stores.curated.revision;
      const first = await stores.curated.upsert({ question: 'Hỏi', answer: 'Đáp', sourceTicketId: ticket.id, expertId: expert.id, answeredAt: T(1), approvedBy: expert.id, approvedAt: T(2), topic: 'Mai-Tang' });
      expect(first).toEqual({ id: expect.any(Number), question: 'Hỏi', answer: 'Đáp', sourceTicketId: ticket.id, expertId: expert.id, answeredAt: T(1), approvedBy: expert.id, approvedAt: T(2), topic: 'mai-tang', hits: 0, active: true, updatedAt: T(2) });
      expect(stores.curated.revision).not.toBe(r0);
      const loose = await stores.curated.upsert({ question: 'Tự soạn', answer: 'Đáp 2', approvedAt: T(3) });
      expect(loose).toEqual({ id: expect.any(Number), question: 'Tự soạn', answer: 'Đáp 2', approvedAt: T(3), hits: 0, active: true, updatedAt: T(3) });
      await stores.curated.recordHit(first.id);
      await stores.curated.recordHit(first.id);
      expect(await stores.curated.setActive(first.id, false, T(4))).toBe(true);
      expect((await stores.curated.listActive()).map((c) => c.id)).toEqual([loose.id]);
      expect((await stores.curated.listAll()).map((c) => c.id)).toEqual([loose.id, first.id]);
      const again = await stores.curated.upsert({ question: 'Hỏi', answer: 'Đáp mới', sourceTicketId: ticket.id, approvedAt: T(5) });
      expect(again).toEqual({ id: first.id, question: 'Hỏi', answer: 'Đáp mới', sourceTicketId: ticket.id, approvedAt: T(5), hits: 2, active: true, updatedAt: T(5) });
      expect((await stores.curated.listAll()).map((c) => c.id)).toEqual([first.id, loose.id]);
      expect(await stores.curated.getBySourceTicket(ticket.id)).toEqual(again);
      expect(await stores.curated.edit(loose.id, { question: 'Q', answer: 'A' }, T(6))).toBe(true);
      expect(await stores.curated.get(loose.id)).toEqual({ ...loose, question: 'Q', answer: 'A', updatedAt: T(6) });
      expect(await stores.curated.edit(999, { question: 'Q', answer: 'A' }, T(6))).toBe(false);
      expect(await stores.curated.get(999)).toBeUndefined();
    });

    it('keeps the passages an answer rests on; an edit or a re-approval replaces them', async () => {
      const withSources = await stores.curated.upsert({ question: 'Hỏi', answer: 'Đáp', approvedAt: T(1), sources: [SOURCE] });
      expect(withSources.sources).toEqual([SOURCE]);
      expect((await stores.curated.listActive())[0]!.sources).toEqual([SOURCE]);
      const moved = { ...SOURCE, passageHash: 'h2', docHash: 'd2', docInForce: false };
      const admin = await stores.users.add({ channel: 'telegram', channelUserId: 'a', chatId: 'a', displayName: 'A', role: 'admin' }, T(0));
      expect(await stores.curated.reapprove(withSources.id, { approvedBy: admin.id, at: T(2), sources: [moved] })).toBe(true);
      expect(await stores.curated.get(withSources.id)).toEqual({ ...withSources, approvedBy: admin.id, approvedAt: T(2), updatedAt: T(2), sources: [moved] });
      expect(await stores.curated.edit(withSources.id, { question: 'Hỏi', answer: 'Đáp sửa' }, T(3))).toBe(true);
      expect((await stores.curated.get(withSources.id))!.sources).toEqual([moved]);
      expect(await stores.curated.edit(withSources.id, { question: 'Hỏi', answer: 'Đáp sửa', sources: [] }, T(4))).toBe(true);
      expect((await stores.curated.get(withSources.id))!.sources).toBeUndefined();
      expect(await stores.curated.reapprove(999, { approvedBy: admin.id, at: T(5), sources: [] })).toBe(false);
    });
  });

  describe('transactions', () => {
    it('rolls back every store written inside a failed transaction', async () => {
      await expect(
        stores.transaction(async () => {
          await stores.users.add({ channel: 'telegram', channelUserId: '1', chatId: '1', displayName: 'A', role: 'admin' }, T(0));
          await stores.outbox.enqueue({ channel: 'telegram', chatId: '1', kind: 'notify', text: 'x', createdAt: T(0) });
          await stores.transaction(() => stores.tickets.open(newTicket(), effectsNaming([])));
          throw new Error('thôi');
        }),
      ).rejects.toThrow('thôi');
      expect([await stores.users.list(), await stores.outbox.list(), await stores.tickets.list()]).toEqual([[], [], []]);
    });
  });

  describe('question log', () => {
    const entry: Omit<LoggedQuestion, 'id'> = {
      asker,
      question: 'Mức trợ cấp?',
      query: 'muc tro cap',
      stage: 'retrieval',
      confidence: 0.82,
      citations: [{ citation: 'Nghị định 131/2021, Điều 5', docId: 'nd-131' } as never],
      latencyMs: 12.5,
      createdAt: T(0),
    };

    it('adds and reads back an entry, finds it by source update, attaches a ticket', async () => {
      const { log } = engine;
      const id = await log.add({ ...entry, reason: 'ok', docId: 'nd-131', topic: 'tro-cap', curatedId: 4, sourceKey: 'telegram:9', replyText: 'Căn cứ: …' });
      const bare = await log.add({ ...entry, asker: { channel: 'web', chatId: 'w', userId: 'w' }, stage: 'escalated' });
      expect(bare).toBeGreaterThan(id);
      expect(await log.get(id)).toEqual({ ...entry, id, reason: 'ok', docId: 'nd-131', topic: 'tro-cap', curatedId: 4, sourceKey: 'telegram:9', replyText: 'Căn cứ: …' });
      expect(await log.get(bare)).toEqual({ ...entry, id: bare, asker: { channel: 'web', chatId: 'w', userId: 'w' }, stage: 'escalated' });
      expect(await log.findBySource('telegram:9')).toMatchObject({ id });
      expect(await log.findBySource('telegram:10')).toBeUndefined();
      await expect(log.add({ ...entry, sourceKey: 'telegram:9' })).rejects.toThrow();
      await log.attachTicket(bare, 17);
      expect((await log.get(bare))?.ticketId).toBe(17);
      expect(await log.get(999)).toBeUndefined();
    });

    it('gives entries added at once their own ids in order; a repeated source key fails only its own entry', async () => {
      const { log } = engine;
      await log.add({ ...entry, sourceKey: 'telegram:1' });
      const added = await Promise.allSettled(
        ['a', 'b', 'c', 'd'].map((q, i) => log.add({ ...entry, question: q, sourceKey: i === 2 ? 'telegram:1' : `telegram:${q}` })),
      );
      expect(added.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      const ids = added.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      expect(new Set(ids).size).toBe(3);
      for (const [i, q] of ['a', 'b', 'd'].entries()) expect((await log.get(ids[i]!))?.question).toBe(q);
      const batch = await Promise.all(['e', 'f', 'g'].map((q) => log.add({ ...entry, question: q })));
      expect(batch).toEqual([...batch].sort((a, b) => a - b));
      for (const [i, q] of ['e', 'f', 'g'].entries()) expect((await log.get(batch[i]!))?.question).toBe(q);
    });

    it('keeps the passages an answer rests on and lists sourced answers since a time, oldest first', async () => {
      const { log } = engine;
      const old = await log.add({ ...entry, sources: [SOURCE], createdAt: T(0) });
      await log.add({ ...entry, stage: 'escalated', createdAt: T(2) });
      const curated = await log.add({ ...entry, stage: 'curated', curatedId: 3, asker: { ...asker, displayName: 'Lan', commune: 'Xã Tịnh Sơn' }, sources: [SOURCE, { ...SOURCE, passageId: 'nd-131#6' }], createdAt: T(3) });
      const plain = await log.add({ ...entry, sources: [SOURCE], createdAt: T(1) });
      expect((await log.get(old))!.sources).toEqual([SOURCE]);
      expect((await log.get(old + 1))!.sources).toBeUndefined();
      expect(await log.sourcedSince(T(1))).toEqual([
        { id: plain, question: entry.question, channel: asker.channel, chatId: asker.chatId, userId: asker.userId, displayName: 'Chị Lan', commune: 'Xã A', stage: 'retrieval', askedAt: T(1), sources: [SOURCE] },
        {
          id: curated, question: entry.question, channel: asker.channel, chatId: asker.chatId, userId: asker.userId, displayName: 'Lan', commune: 'Xã Tịnh Sơn',
          stage: 'curated', curatedId: 3, askedAt: T(3), sources: [SOURCE, { ...SOURCE, passageId: 'nd-131#6' }],
        },
      ]);
      expect(await log.sourcedSince(T(4))).toEqual([]);
    });

    it('keeps one feedback per user, the last one, in the order first given', async () => {
      const { log } = engine;
      const id = await log.add(entry);
      await log.addFeedback(id, 'helpful', { channel: 'telegram', userId: 'u1' }, T(1));
      await log.addFeedback(id, 'unhelpful', { channel: 'telegram', userId: 'u2' }, T(2));
      await log.addFeedback(id, 'expert', { channel: 'telegram', userId: 'u1' }, T(3));
      expect(await log.feedbackFor(id)).toEqual([
        { value: 'expert', userId: 'u1' },
        { value: 'unhelpful', userId: 'u2' },
      ]);
      expect(await log.feedbackFor(id + 1)).toEqual([]);
    });
  });

  describe('ticket attachments', () => {
    it('keeps a ticket’s files byte for byte, lists them per ticket, deletes them per ticket and by age', async () => {
      const first = await stores.tickets.open(newTicket(), effectsNaming([]));
      const second = await stores.tickets.open(newTicket({ question: 'Giấy báo tử này nộp ở đâu?' }), effectsNaming([]));
      const bytes = new Uint8Array(256).map((_, i) => i);
      const photo = await stores.attachments.add(first.id, { bytes, mimeType: 'image/png', fileName: 'bản-khai.png' }, T(1));
      await stores.attachments.add(first.id, { bytes: new Uint8Array([37, 80, 68, 70]), mimeType: 'application/pdf', fileName: 'a.pdf' }, T(5));
      await stores.attachments.add(second.id, { bytes: new Uint8Array([1]), mimeType: 'image/jpeg', fileName: 'b.jpg' }, T(2));
      const files = await stores.attachments.list(first.id);
      expect(files.map((f) => [f.ticketId, f.mimeType, f.fileName, f.createdAt])).toEqual([
        [first.id, 'image/png', 'bản-khai.png', T(1)],
        [first.id, 'application/pdf', 'a.pdf', T(5)],
      ]);
      expect([...files[0]!.bytes]).toEqual([...bytes]);
      expect((await stores.attachments.get(photo))?.fileName).toBe('bản-khai.png');
      expect(await stores.attachments.deleteBefore(T(3))).toBe(2);
      expect((await stores.attachments.list(first.id)).map((f) => f.fileName)).toEqual(['a.pdf']);
      expect(await stores.attachments.deleteOf(first.id)).toBe(1);
      expect(await stores.attachments.list(first.id)).toEqual([]);
      expect(await stores.attachments.get(photo)).toBeUndefined();
    });
  });
}

describe('escalation stores on SQLite', () => {
  const dir = useTempDir();
  let n = 0;
  const connect = async (file: string, instanceId?: string): Promise<Connection> => {
    const db = await Database.open(file);
    return { stores: createSqliteEscalationStores(db, claimant(instanceId)), log: new SqliteQuestionLog(db), close: () => db.close() };
  };
  contract(async () => {
    n += 1;
    const file = dir.file(`escalation-${n}.sqlite`);
    return { ...(await connect(file)), connect: (id) => connect(file, id), oneProcess: true };
  });
});

describePostgres('escalation stores on PostgreSQL', () => {
  const database = usePostgresDatabase();
  const wrap = (db: PgDatabase, instanceId?: string): Connection => ({
    stores: createPostgresEscalationStores(db, claimant(instanceId)),
    log: new PgQuestionLog(db),
    close: () => db.close(),
  });
  contract(async () => {
    const db = await openMigratedPg(database.url);
    return {
      ...wrap(db),
      connect: async (id) => wrap(await PgDatabase.open(database.url, { schema: db.schema, maxConnections: 4 }), id),
      oneProcess: false,
    };
  });
});
