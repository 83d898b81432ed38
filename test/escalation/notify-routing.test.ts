import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ASKER, CONTEXT, disposeEnv, FakePort, openEnv, seedStaff, type Env, type Staff } from './harness.js';

let env: Env;
let staff: Staff;

beforeEach(async () => {
  env = await openEnv();
  staff = await seedStaff(env.stores, env.clock.iso());
});

afterEach(() => disposeEnv(env));

const notified = async (ticketId: number) =>
  (await env.stores.outbox.list({ ticketId, kind: 'notify' })).map((m) => `${m.channel}/${m.chatId}`).sort();

describe('notifying the experts of a new ticket', () => {
  it('notifies only the experts of its topic (topics compared case-insensitively)', async () => {
    const ticket = await env.service.createTicket({
      asker: ASKER,
      question: 'Mai táng phí cho thân nhân liệt sĩ?',
      topic: 'Mai-Tang',
      reason: 'low_confidence',
      context: CONTEXT,
      confidence: 0.41,
    });
    expect(ticket.topic).toBe('mai-tang');
    expect(ticket.routing).toBe('experts');
    expect(await notified(ticket.id)).toEqual(['telegram/chat-2', 'telegram/chat-4']);
    const event = (await env.service.getTicket(ticket.id))!.events.find((e) => e.action === 'notified');
    expect(event!.detail).toEqual({
      experts: [staff.maiTang.id, staff.both.id],
      recipients: ['Trần Thị Bình (Telegram)', 'Hoàng Thị Dung (Telegram)'],
    });
  });

  it('sends a ticket no expert covers (or without a topic) to the admins reachable in a chat, never to other experts', async () => {
    const uncovered = await env.service.createTicket({ asker: ASKER, question: 'Kết luận 195?', topic: 'chinh-quyen', reason: 'out_of_domain' });
    expect(uncovered.routing).toBe('admins');
    expect(await notified(uncovered.id)).toEqual(['telegram/chat-1']);
    const none = await env.service.createTicket({ asker: ASKER, question: 'Ai trả lời?', reason: 'user_request' });
    expect(none.routing).toBe('admins');
    expect(await notified(none.id)).toEqual(['telegram/chat-1']);
    // Never an expert of another topic, nor the official.
    for (const chat of ['chat-2', 'chat-4', 'zchat-3', 'chat-100']) expect(await env.stores.outbox.list({ chatId: chat })).toEqual([]);
    const events = (await env.service.getTicket(uncovered.id))!.events;
    expect(events.map((e) => e.action)).toEqual(['created', 'notified_admins']);
    expect(events[1]!.detail).toEqual({ cause: 'no_expert', admins: [staff.admin.id], recipients: ['Lê Quản Trị (Telegram)'] });
    expect((await env.service.getTicket(none.id))!.events[1]!.detail).toMatchObject({ cause: 'no_topic' });
  });

  it("routes to an expert who covers every topic ('*'), tickets without a topic included", async () => {
    const generalist = await env.stores.users.add(
      { channel: 'zalo', channelUserId: 'zl-9', chatId: 'zchat-9', displayName: 'Đỗ Văn Chung', role: 'expert', topics: ['*'] },
      env.clock.iso(),
    );
    const uncovered = await env.service.createTicket({ asker: ASKER, question: 'Kết luận 195?', topic: 'chinh-quyen', reason: 'out_of_domain' });
    const none = await env.service.createTicket({ asker: ASKER, question: 'Ai trả lời?', reason: 'user_request' });
    const maiTang = await env.service.createTicket({ asker: ASKER, question: 'Mai táng phí?', topic: 'mai-tang', reason: 'ambiguous' });
    expect([uncovered.routing, none.routing, maiTang.routing]).toEqual(['experts', 'experts', 'experts']);
    expect(await notified(uncovered.id)).toEqual(['zalo/zchat-9']);
    expect(await notified(none.id)).toEqual(['zalo/zchat-9']);
    expect(await notified(maiTang.id)).toEqual(['telegram/chat-2', 'telegram/chat-4', 'zalo/zchat-9']);
    expect(generalist.topics).toEqual(['*']);
  });

  it('skips inactive and unapproved experts', async () => {
    await env.stores.users.update(staff.maiTang.id, { active: false }, env.clock.iso());
    const one = await env.service.createTicket({ asker: ASKER, question: 'Mai táng phí?', topic: 'mai-tang', reason: 'ambiguous' });
    expect(await notified(one.id)).toEqual(['telegram/chat-4']);
    await env.stores.users.update(staff.both.id, { approved: false }, env.clock.iso());
    // No active expert of mai-tang remains: the admins are told instead.
    const two = await env.service.createTicket({ asker: ASKER, question: 'Mai táng phí?', topic: 'mai-tang', reason: 'ambiguous' });
    expect(two.routing).toBe('admins');
    expect(await notified(two.id)).toEqual(['telegram/chat-1']);
  });

  it('writes a Vietnamese notification with the ticket number, asker, question, reason and how to answer', async () => {
    const ticket = await env.service.createTicket({
      asker: ASKER,
      question: 'Hồ sơ hưởng trợ cấp mai táng gồm những gì?',
      topic: 'mai-tang',
      reason: 'low_confidence',
      context: CONTEXT,
      confidence: 0.41,
    });
    const port = new FakePort();
    await env.service.processOutbox(port);
    expect(port.delivered).toHaveLength(2);
    const text = port.delivered[0]!.text;
    expect(text).toContain(`Câu hỏi mới #${ticket.id} cần chuyên gia trả lời`);
    expect(text).toContain('Người hỏi: Nguyễn Văn An · Xã Tân Phú · qua Telegram');
    expect(text).toContain('Câu hỏi: Hồ sơ hưởng trợ cấp mai táng gồm những gì?');
    expect(text).toContain('Lý do chuyển: độ tin cậy của câu trả lời tự động thấp (độ tin cậy 0,41)');
    expect(text).toContain('- Nghị định 131/2021/NĐ-CP, Điều 121 (điểm 0,41)');
    expect(text).toContain(`/traloi ${ticket.id} <nội dung trả lời>`);
    expect(text).toBe(text.normalize('NFC'));
    expect(port.delivered[0]).toMatchObject({ kind: 'notify', ticketId: ticket.id });
  });

  it('creates nothing when the transaction fails half-way', async () => {
    // A ticket whose notification cannot be written must not exist either.
    await env.db.exec(
      "CREATE TRIGGER break_outbox BEFORE INSERT ON outbox WHEN NEW.kind = 'notify' BEGIN SELECT RAISE(ABORT, 'outbox down'); END;",
    );
    await expect(
      env.service.createTicket({ asker: ASKER, question: 'Mai táng phí?', topic: 'mai-tang', reason: 'ambiguous' }),
    ).rejects.toThrow(/outbox down/);
    expect(await env.service.listTickets()).toEqual([]);
    expect(await env.db.all('SELECT * FROM ticket_events')).toEqual([]);
  });
});

describe('opening tickets at the same time', () => {
  it('gives each its own number, named in its own notifications and events, and leaves no staging row', async () => {
    const questions = Array.from({ length: 30 }, (_, n) => `Câu hỏi số ${n} về mai táng phí?`);
    const tickets = await Promise.all(
      questions.map((question, n) =>
        env.service.createTicket({ asker: { ...ASKER, userId: `u-${n}` }, question, topic: 'mai-tang', reason: 'low_confidence', sourceKey: `test:${n}` }),
      ),
    );
    expect(new Set(tickets.map((t) => t.id)).size).toBe(30);
    for (const [n, ticket] of tickets.entries()) {
      expect(ticket).toMatchObject({ question: questions[n], status: 'open', topic: 'mai-tang', asker: { userId: `u-${n}` } });
      const messages = await env.stores.outbox.list({ ticketId: ticket.id, kind: 'notify' });
      expect(messages.map((m) => m.chatId).sort()).toEqual(['chat-2', 'chat-4']);
      for (const message of messages) {
        expect(message.text).toContain(`Câu hỏi mới #${ticket.id} cần chuyên gia`);
        expect(message.text).toContain(questions[n]);
        expect(message.text).not.toMatch(/-\d{15}/);
      }
      const events = (await env.service.getTicket(ticket.id))!.events;
      expect(events.map((e) => [e.ticketId, e.action])).toEqual([
        [ticket.id, 'created'],
        [ticket.id, 'notified'],
      ]);
      expect(events[0]!.detail).toEqual({ reason: 'low_confidence', topic: 'mai-tang', confidence: null });
    }
  });

  it('refuses a second ticket for the same update, and writes nothing for it', async () => {
    const first = await env.service.createTicket({ asker: ASKER, question: 'Mai táng phí?', reason: 'user_request', sourceKey: 'telegram:7' });
    await expect(env.service.createTicket({ asker: ASKER, question: 'Mai táng phí?', reason: 'user_request', sourceKey: 'telegram:7' })).rejects.toThrow(/UNIQUE/);
    expect((await env.stores.tickets.list()).map((t) => t.id)).toEqual([first.id]);
    expect(await env.db.all('SELECT DISTINCT ticket_id FROM outbox')).toEqual([{ ticket_id: first.id }]);
  });
});
