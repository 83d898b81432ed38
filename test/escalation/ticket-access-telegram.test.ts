import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { User } from '../../src/escalation/types.js';
import {
  buttonsOf,
  callbackUpdate,
  person,
  privateChat,
  startTelegramHarness,
  textUpdate,
  type TelegramHarness,
} from '../helpers/telegram-emulator.js';

/*
 * Issue 15, points 6 and 12 through the emulated Telegram Bot API: the chat commands, the claim button and
 * a reply to a notification keep an expert to their topics and off a ticket another expert holds; a
 * question no expert covers is told so, and goes to the admins.
 */

let h: TelegramHarness;
const lan = person(424242, 'Lan', { last_name: 'Nguyễn' }); // an official asking
const binh = person(7001, 'Bình'); // expert of mai-tang
const cuong = person(7002, 'Cường'); // expert of tro-cap
const dung = person(7003, 'Dung'); // expert of tro-cap too
const ha = person(9001, 'Hà'); // admin
let users: Record<'binh' | 'cuong' | 'dung' | 'ha', User>;

const TRUTH = 'hiện chưa có chuyên gia phụ trách chủ đề này, quản trị viên sẽ xem và trả lời.';

function register(app: App, who: typeof lan, role: 'expert' | 'admin', displayName: string, topics: string[] = []): Promise<User> {
  return app.stores.users.add({ channel: 'telegram', channelUserId: String(who.id), chatId: String(who.id), displayName, role, topics }, new Date().toISOString());
}

async function escalationState() {
  return {
    tickets: await h.app.db.all('SELECT * FROM tickets ORDER BY id'),
    events: await h.app.db.all('SELECT * FROM ticket_events ORDER BY id'),
    outbox: await h.app.db.all('SELECT id, kind, chat_id, status FROM outbox ORDER BY id'),
  };
}

const lastTextTo = (chatId: number) => h.emulator.messagesTo(chatId).at(-1)?.plain;
const lastCallbackAnswer = () => h.emulator.callsOf('answerCallbackQuery').at(-1)!.payload;

beforeAll(async () => {
  h = await startTelegramHarness({ adapter: { throttle: false } });
  users = {
    binh: await register(h.app, binh, 'expert', 'Bình', ['mai-tang']),
    cuong: await register(h.app, cuong, 'expert', 'Cường', ['tro-cap']),
    dung: await register(h.app, dung, 'expert', 'Dung', ['tro-cap']),
    ha: await register(h.app, ha, 'admin', 'Hà'),
  };
});

afterAll(async () => {
  await h?.close();
});

describe('a question no expert covers (Telegram)', () => {
  it('tells the asker the truth, notifies the admin (not the experts) and lets the admin answer by replying', async () => {
    // A neighbouring field's question: the search gives it no topic, so no expert covers it.
    const question = 'Hồ sơ hưởng trợ cấp thất nghiệp nộp ở đâu, khi nào được nhận tiền?';
    await h.deliverAndSettle(textUpdate({ chat: privateChat(lan), from: lan, text: `/chuyengia ${question}` }));
    const ticket = (await h.app.escalation.listTickets()).at(-1)!;
    expect(ticket.topic).toBeUndefined();
    const told = lastTextTo(lan.id)!;
    expect(told).toContain(`Câu hỏi đã được ghi lại (phiếu số #${ticket.id}); ${TRUTH}`);
    expect(told).not.toContain('chuyển đến chuyên gia');
    expect(told).toBe(told.normalize('NFC'));

    await h.app.escalation.processOutbox(h.router);
    const notification = h.emulator.messagesTo(ha.id).at(-1)!;
    expect(notification.plain.split('\n')[0]).toBe(`Câu hỏi mới #${ticket.id} chưa có chuyên gia phụ trách`);
    expect(notification.plain).toContain(`Câu hỏi: ${question}`);
    expect(buttonsOf(notification)).toEqual([`claim:${ticket.id}`]);
    for (const expert of [binh, cuong, dung]) expect(h.emulator.messagesTo(expert.id)).toEqual([]);
    const events = (await h.app.escalation.getTicket(ticket.id))!.events;
    expect(events.map((e) => e.action)).toEqual(['created', 'notified_admins']);
    expect(events[1]!.detail).toEqual({ cause: 'no_topic', admins: [users.ha.id], recipients: ['Hà (Telegram)'] });

    // An expert replying to the (forwarded) notification is refused; the admin's reply answers.
    await h.deliverAndSettle(textUpdate({ chat: privateChat(binh), from: binh, text: 'Tôi trả lời thay.', replyTo: notification.message }));
    expect(lastTextTo(binh.id)).toBe(`Câu hỏi #${ticket.id} không thuộc lĩnh vực bạn phụ trách.`);
    await h.deliverAndSettle(textUpdate({ chat: privateChat(ha), from: ha, text: 'Thân nhân nộp hồ sơ tại UBND xã nơi cư trú.', replyTo: notification.message }));
    await h.app.escalation.processOutbox(h.router);
    expect(lastTextTo(lan.id)).toContain('Chuyên gia Hà trả lời câu hỏi');
    expect(lastTextTo(lan.id)).toContain('Thân nhân nộp hồ sơ tại UBND xã nơi cư trú.');
  });
});

describe('chat actions on another topic, or on a ticket another expert holds (Telegram)', () => {
  it('refuses /traloi, /nhan, the claim button and a reply from an expert of another topic', async () => {
    const ticket = await h.app.escalation.createTicket({
      asker: { channel: 'telegram', chatId: String(lan.id), userId: String(lan.id), displayName: 'Lan Nguyễn' },
      question: 'Trợ cấp hằng tháng của thương binh 61% là bao nhiêu?',
      topic: 'tro-cap',
      reason: 'low_confidence',
    });
    await h.app.escalation.processOutbox(h.router);
    const notification = h.emulator.messagesTo(cuong.id).find((m) => m.plain.startsWith(`Câu hỏi mới #${ticket.id} `))!;
    expect(h.emulator.messagesTo(binh.id).some((m) => m.plain.includes(`#${ticket.id}`))).toBe(false);
    const before = await escalationState();

    const refusal = `Câu hỏi #${ticket.id} không thuộc lĩnh vực bạn phụ trách.`;
    await h.deliverAndSettle(textUpdate({ chat: privateChat(binh), from: binh, text: `/traloi ${ticket.id} Trả lời lấn sân` }));
    expect(lastTextTo(binh.id)).toBe(refusal);
    await h.deliverAndSettle(textUpdate({ chat: privateChat(binh), from: binh, text: `/nhan ${ticket.id}` }));
    expect(lastTextTo(binh.id)).toBe(refusal);
    await h.deliverAndSettle(textUpdate({ chat: privateChat(binh), from: binh, text: 'Trả lời qua reply', replyTo: notification.message }));
    expect(lastTextTo(binh.id)).toBe(refusal);
    await h.deliverAndSettle(callbackUpdate({ from: binh, message: notification.message, data: `claim:${ticket.id}` }));
    expect(lastCallbackAnswer()).toMatchObject({ show_alert: true, text: refusal });
    expect(await escalationState()).toEqual(before);
  });

  it('refuses an expert answering a ticket another expert claimed; the admin may, and the asker gets that answer', async () => {
    const ticket = await h.app.escalation.createTicket({
      asker: { channel: 'telegram', chatId: String(lan.id), userId: String(lan.id), displayName: 'Lan Nguyễn' },
      question: 'Trợ cấp ưu đãi giáo dục cho con thương binh?',
      topic: 'tro-cap',
      reason: 'low_confidence',
    });
    await h.app.escalation.processOutbox(h.router);
    const notification = h.emulator.messagesTo(cuong.id).find((m) => m.plain.startsWith(`Câu hỏi mới #${ticket.id} `))!;
    await h.deliverAndSettle(callbackUpdate({ from: cuong, message: notification.message, data: `claim:${ticket.id}` }));
    expect(await h.app.escalation.getTicket(ticket.id)).toMatchObject({ status: 'assigned', expertId: users.cuong.id });
    const before = await escalationState();

    await h.deliverAndSettle(textUpdate({ chat: privateChat(dung), from: dung, text: `/traloi ${ticket.id} Câu trả lời chen ngang` }));
    expect(lastTextTo(dung.id)).toBe(`Câu hỏi #${ticket.id} đang do chuyên gia Cường phụ trách; chỉ người đó hoặc quản trị viên mới được trả lời.`);
    await h.deliverAndSettle(textUpdate({ chat: privateChat(dung), from: dung, text: 'Chen ngang qua reply', replyTo: notification.message }));
    expect(lastTextTo(dung.id)).toBe(`Câu hỏi #${ticket.id} đang do chuyên gia Cường phụ trách; chỉ người đó hoặc quản trị viên mới được trả lời.`);
    expect(await escalationState()).toEqual(before);

    await h.deliverAndSettle(textUpdate({ chat: privateChat(ha), from: ha, text: `/traloi ${ticket.id} Con thương binh được hỗ trợ học phí theo Nghị định 131.` }));
    expect(await h.app.escalation.getTicket(ticket.id)).toMatchObject({ status: 'answered', expertId: users.ha.id });
    await h.app.escalation.processOutbox(h.router);
    const relayed = h.emulator.messagesTo(lan.id).filter((m) => m.plain.includes(`câu hỏi #${ticket.id} của bạn`));
    expect(relayed).toHaveLength(1);
    expect(relayed[0]!.plain).toContain('Con thương binh được hỗ trợ học phí');
    expect(relayed[0]!.plain).not.toContain('chen ngang');
  });
});
