import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Asker } from '../../src/escalation/types.js';
import { routingOfEvents } from '../../src/escalation/routing.js';
import { createTestApp } from '../helpers/app-fixture.js';
import { ASKER, disposeEnv, HOUR, openEnv, type Env } from './harness.js';

/*
 * Issue 15, point 12: with no expert for a ticket's topic (no expert at all is the default), the asker is
 * told the truth, the admins who have a chat are notified, and the ticket's log and the app log say who
 * was notified — or that nobody could be.
 */

const TRUTH = 'hiện chưa có chuyên gia phụ trách chủ đề này, quản trị viên sẽ xem và trả lời.';

/** A real pino logger writing into an array. */
function capturingLogger() {
  const lines: { level: number; msg: string; [key: string]: unknown }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('a ticket no expert covers (the escalation service)', () => {
  let env: Env | undefined;
  afterEach(() => disposeEnv(env));

  async function withStaff(options: { chatAdmin: boolean }) {
    const { logger, lines } = capturingLogger();
    env = await openEnv({ logger });
    const at = env.clock.iso();
    const consoleAdmin = await env.stores.users.add(
      { channel: 'web', channelUserId: 'console:quantri@sonv.gov.vn', chatId: 'console:quantri@sonv.gov.vn', displayName: 'Quản trị viên', role: 'admin' },
      at,
    );
    const chatAdmin = options.chatAdmin
      ? await env.stores.users.add({ channel: 'zalo-bot', channelUserId: 'zl-1', chatId: 'zchat-1', displayName: 'Lê Quản Trị', role: 'admin' }, at)
      : undefined;
    // An admin who left: never notified.
    await env.stores.users.add({ channel: 'telegram', channelUserId: 'tg-9', chatId: 'chat-9', displayName: 'Cựu Quản Trị', role: 'admin', active: false }, at);
    return { env, lines, consoleAdmin, chatAdmin };
  }

  it('notifies the admins who have a chat (not a console-only one), and the ticket log and app log name them', async () => {
    const { env, lines, chatAdmin } = await withStaff({ chatAdmin: true });
    const ticket = await env.service.createTicket({ asker: ASKER, question: 'Mai táng phí bao nhiêu?', topic: 'mai-tang', reason: 'low_confidence' });
    expect(ticket.routing).toBe('admins');
    const outbox = await env.stores.outbox.list({ ticketId: ticket.id });
    expect(outbox.map((m) => [m.kind, m.channel, m.chatId])).toEqual([['notify', 'zalo-bot', 'zchat-1']]);
    expect(outbox[0]!.text.split('\n').slice(0, 2)).toEqual([
      `Câu hỏi mới #${ticket.id} chưa có chuyên gia phụ trách`,
      'Chưa có chuyên gia nào được giao lĩnh vực “Mai táng”, nên câu hỏi được chuyển đến quản trị viên. Quản trị viên có thể tự trả lời, hoặc giao lĩnh vực này cho một chuyên gia trong trang quản trị (mục Người dùng).',
    ]);
    expect(outbox[0]!.text).toBe(outbox[0]!.text.normalize('NFC'));
    const events = (await env.service.getTicket(ticket.id))!.events;
    expect(events.map((e) => [e.action, e.detail])).toEqual([
      ['created', { reason: 'low_confidence', topic: 'mai-tang', confidence: null }],
      ['notified_admins', { cause: 'no_expert', admins: [chatAdmin!.id], recipients: ['Lê Quản Trị (Zalo Bot)'] }],
    ]);
    expect(events.some((e) => e.action === 'notified')).toBe(false);
    const log = lines.find((l) => l['ticket'] === ticket.id)!;
    expect(log).toMatchObject({ level: 40, topic: 'mai-tang', notified: [{ id: chatAdmin!.id, name: 'Lê Quản Trị (Zalo Bot)' }] });
    expect(log.msg).toMatch(/no expert covers its topic, admins notified/);
  });

  it('records that nobody could be notified when no admin has a chat; the ticket waits in the admins’ console', async () => {
    const { env, lines, consoleAdmin } = await withStaff({ chatAdmin: false });
    const ticket = await env.service.createTicket({ asker: ASKER, question: 'Ai trả lời?', reason: 'user_request' });
    expect(ticket.routing).toBe('nobody');
    expect(await env.stores.outbox.list({ ticketId: ticket.id })).toEqual([]);
    const events = (await env.service.getTicket(ticket.id))!.events;
    expect(events.map((e) => [e.action, e.detail])).toEqual([
      ['created', { reason: 'user_request', topic: null, confidence: null }],
      ['not_notified', { cause: 'no_topic' }],
    ]);
    const log = lines.find((l) => l['ticket'] === ticket.id)!;
    expect(log).toMatchObject({ level: 40, notified: [] });
    expect(log.msg).toMatch(/no admin has a chat to be notified in; it waits in the console/);
    expect((await env.service.listTicketsFor(consoleAdmin.id)).map((t) => t.id)).toEqual([ticket.id]);
    expect(await env.service.routingOf(ticket.id)).toBe('nobody');
  });

  it('reminds the admins about an overdue ticket no expert covers', async () => {
    const { env, chatAdmin } = await withStaff({ chatAdmin: true });
    const ticket = await env.service.createTicket({ asker: ASKER, question: 'Ai trả lời?', reason: 'user_request' });
    env.clock.advance(4 * HOUR);
    expect((await env.service.remindOverdue()).tickets).toEqual([ticket.id]);
    expect((await env.stores.outbox.list({ ticketId: ticket.id, kind: 'reminder' })).map((m) => m.chatId)).toEqual([chatAdmin!.chatId]);
  });

  it('reads the routing of tickets opened before it was recorded', () => {
    expect(routingOfEvents([{ action: 'created', detail: {} }, { action: 'notified', detail: { experts: [2, 3], topicMatched: false } }])).toBe('experts');
    expect(routingOfEvents([{ action: 'notified', detail: { experts: [], topicMatched: false } }])).toBe('nobody');
  });
});

describe('what the asker is told (the assistant)', () => {
  let app: App | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    app = undefined;
  });
  const official: Asker = { channel: 'test', chatId: 'chat-1', userId: 'u-1', displayName: 'Chị Lan', commune: 'Xã Tịnh Sơn' };

  it('says the question was recorded and an admin will answer, when no expert is registered (the default)', async () => {
    ({ app, cleanup } = await createTestApp());
    await app.stores.users.add({ channel: 'test', channelUserId: 'a-1', chatId: 'admin-chat', displayName: 'Quản trị', role: 'admin' }, new Date().toISOString());
    const reply = await app.assistant.handle({ asker: official, text: 'hỏi chuyên gia: Người có công mất ở nước ngoài thì thân nhân làm mai táng phí ở đâu?' });
    expect(reply.stage).toBe('escalated');
    expect(reply.text).toBe(
      `Tôi đã ghi nhận yêu cầu hỏi chuyên gia của bạn. Câu hỏi đã được ghi lại (phiếu số #${reply.ticket}); ${TRUTH} Khi có trả lời, tôi sẽ gửi lại ngay trong cuộc trò chuyện này.`,
    );
    expect(reply.text).not.toContain('chuyển đến chuyên gia');
    expect(reply.text).toBe(reply.text.normalize('NFC'));
    expect((await app.stores.outbox.list({ ticketId: reply.ticket! })).map((m) => m.chatId)).toEqual(['admin-chat']);

    // Asking again for an expert about an answer that already has a ticket says the same.
    const answered = await app.assistant.handle({ asker: official, text: 'Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?' });
    const unhelpful = await app.assistant.feedback(answered.answerId!, 'unhelpful', official);
    expect(unhelpful.text).toContain(TRUTH);
    const twice = await app.assistant.feedback(answered.answerId!, 'expert', official);
    expect(twice.text).toBe(`Câu hỏi này đã được ghi lại (phiếu số #${unhelpful.ticket}); ${TRUTH} Tôi sẽ gửi câu trả lời ngay khi có.`);
  });

  it('still says "chuyển đến chuyên gia" when an expert covers the question', async () => {
    ({ app, cleanup } = await createTestApp());
    await app.stores.users.add({ channel: 'test', channelUserId: 'e-1', chatId: 'expert-chat', displayName: 'Chuyên gia', role: 'expert', topics: ['*'] }, new Date().toISOString());
    const reply = await app.assistant.handle({ asker: official, text: 'hỏi chuyên gia: Người có công mất ở nước ngoài thì thân nhân làm mai táng phí ở đâu?' });
    expect(reply.text).toContain(`Câu hỏi đã được chuyển đến chuyên gia (phiếu số #${reply.ticket}).`);
    expect((await app.stores.outbox.list({ ticketId: reply.ticket! })).map((m) => m.chatId)).toEqual(['expert-chat']);
  });
});
