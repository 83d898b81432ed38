import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EscalationService } from '../../src/escalation/escalation-service.js';
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

let h: TelegramHarness;

beforeEach(async () => {
  h = await startTelegramHarness();
});

afterEach(async () => {
  await h.close();
});

const lan = person(424242, 'Lan', { last_name: 'Nguyễn' });
const minh = person(7001, 'Minh', { last_name: 'Trần' });
const ha = person(9001, 'Hà');
const tuan = person(5555, 'Tuấn');
const OUT_OF_SCOPE = 'Người có công mất ở nước ngoài thì thân nhân làm mai táng phí ở đâu?';

async function register(who: typeof minh, role: 'expert' | 'admin', displayName: string): Promise<User> {
  return h.app.stores.users.add(
    { channel: 'telegram', channelUserId: String(who.id), chatId: String(who.id), displayName, role, topics: ['*'] },
    new Date().toISOString(),
  );
}

/** The official asks for an expert; returns the ticket number. */
async function escalate(question = OUT_OF_SCOPE): Promise<number> {
  await h.deliverAndSettle(textUpdate({ chat: privateChat(lan), from: lan, text: `/chuyengia ${question}` }));
  const ticket = (await h.app.escalation.listTickets()).at(-1);
  expect(ticket).toMatchObject({ question, reason: 'user_request', asker: { channel: 'telegram', chatId: String(lan.id) } });
  expect(h.emulator.messagesTo(lan.id).at(-1)!.plain).toContain(`phiếu số #${ticket!.id}`);
  return ticket!.id;
}

describe('the expert loop on Telegram', () => {
  it('notifies the expert, who claims with the button and answers by replying; the relay reaches the asker; an admin approves', async () => {
    const expert = await register(minh, 'expert', 'Chuyên gia Minh');
    const admin = await register(ha, 'admin', 'Quản trị Hà');
    const ticketId = await escalate();

    await h.app.escalation.processOutbox(h.router);
    const [notification] = h.emulator.messagesTo(minh.id);
    expect(notification!.text).toMatch(new RegExp(`^<b>Câu hỏi mới #${ticketId} cần chuyên gia trả lời</b>\n`));
    expect(notification!.plain).toContain(`Câu hỏi: ${OUT_OF_SCOPE}`);
    expect(notification!.plain).toContain('Người hỏi: Lan Nguyễn · qua Telegram');
    expect(buttonsOf(notification)).toEqual([`claim:${ticketId}`]);

    // Someone who is not an expert can neither answer by command nor claim with the button.
    await h.deliverAndSettle(textUpdate({ chat: privateChat(tuan), from: tuan, text: `/traloi ${ticketId} Tôi trả lời thay` }));
    expect(h.emulator.messagesTo(tuan.id)[0]!.plain).toBe('Bạn chưa được đăng ký là chuyên gia hoặc quản trị viên của Trợ lý Xã.');
    await h.deliverAndSettle(callbackUpdate({ from: tuan, message: notification!.message, data: `claim:${ticketId}` }));
    expect(h.emulator.callsOf('answerCallbackQuery').at(-1)!.payload).toMatchObject({ text: expect.stringMatching(/chưa được đăng ký/), show_alert: true });
    expect(h.emulator.messagesTo(minh.id)).toHaveLength(1);
    expect(buttonsOf(h.emulator.messagesTo(minh.id)[0])).toEqual([`claim:${ticketId}`]);
    expect(await h.app.escalation.getTicket(ticketId)).toMatchObject({ status: 'open' });
    expect(await h.questionCount()).toBe(1);

    // The expert claims with the button: the ticket is theirs and the button goes away.
    await h.deliverAndSettle(callbackUpdate({ from: minh, message: notification!.message, data: `claim:${ticketId}` }));
    expect(await h.app.escalation.getTicket(ticketId)).toMatchObject({ status: 'assigned', expertId: expert.id });
    expect(buttonsOf(h.emulator.messagesTo(minh.id)[0])).toEqual([]);
    expect(h.emulator.messagesTo(minh.id)[1]!.plain).toMatch(new RegExp(`^Bạn đã nhận xử lý phiếu #${ticketId}\\. Trả lời bằng: /traloi ${ticketId} <nội dung>`));

    // The expert answers by replying to the notification.
    const answer = 'Thân nhân nộp bản khai <Mẫu số 12> & giấy báo tử đã hợp pháp hóa lãnh sự tại UBND xã nơi quản lý hồ sơ.';
    await h.deliverAndSettle(textUpdate({ chat: privateChat(minh), from: minh, text: answer, replyTo: notification!.message }));
    expect(await h.app.escalation.getTicket(ticketId)).toMatchObject({ status: 'answered', expertId: expert.id, answer });
    expect(h.emulator.messagesTo(minh.id)[2]!.plain).toMatch(new RegExp(`^Đã ghi nhận câu trả lời cho phiếu #${ticketId}`));
    expect(await h.questionCount()).toBe(1); // the reply was not taken for a question

    // The admin is offered the answer for approval.
    const review = h.emulator.messagesTo(ha.id)[0];
    expect(review!.plain).toContain(answer);
    expect(buttonsOf(review)).toEqual([`approve:${ticketId}`]);

    // The relay reaches the asker's chat, escaped.
    await h.app.escalation.processOutbox(h.router);
    const relay = h.emulator.messagesTo(lan.id).at(-1)!;
    expect(relay.text).toMatch(new RegExp(`^<b>Chuyên gia Chuyên gia Minh trả lời câu hỏi #${ticketId} của bạn:</b>`));
    expect(relay.text).toContain('&lt;Mẫu số 12&gt; &amp; giấy báo tử');
    expect(relay.plain).toContain(answer);
    expect(await h.app.escalation.getTicket(ticketId)).toMatchObject({ status: 'relayed' });
    expect(h.emulator.messagesTo(lan.id).filter((m) => m.plain.includes(answer))).toHaveLength(1);

    // An expert's button press cannot approve; the admin's can.
    await h.deliverAndSettle(callbackUpdate({ from: minh, message: review!.message, data: `approve:${ticketId}` }));
    expect(await h.app.stores.curated.getBySourceTicket(ticketId)).toBeUndefined();
    await h.deliverAndSettle(callbackUpdate({ from: ha, message: review!.message, data: `approve:${ticketId}` }));
    expect(await h.app.stores.curated.getBySourceTicket(ticketId)).toMatchObject({ answer, approvedBy: admin.id });
    expect(buttonsOf(h.emulator.messagesTo(ha.id)[0])).toEqual([]);
  });

  it('takes /nhan and /traloi commands from a registered expert; an admin who answers gets the approve button', async () => {
    await register(ha, 'admin', 'Quản trị Hà');
    const ticketId = await escalate();
    await h.deliverAndSettle(textUpdate({ chat: privateChat(ha), from: ha, text: `/nhan ${ticketId}` }));
    await h.deliverAndSettle(textUpdate({ chat: privateChat(ha), from: ha, text: `/traloi ${ticketId} Nộp tại UBND xã.` }));
    expect(await h.app.escalation.getTicket(ticketId)).toMatchObject({ status: 'answered', answer: 'Nộp tại UBND xã.' });
    const confirmation = h.emulator.messagesTo(ha.id).at(-1);
    expect(buttonsOf(confirmation)).toEqual([`approve:${ticketId}`]);

    // Usage help for a command without a ticket number; a second answer is refused.
    await h.deliverAndSettle(textUpdate({ chat: privateChat(ha), from: ha, text: '/traloi' }));
    expect(h.emulator.messagesTo(ha.id).at(-1)!.plain).toMatch(/^Cách dùng: \/traloi <mã phiếu> <nội dung trả lời>/);
    await h.deliverAndSettle(textUpdate({ chat: privateChat(ha), from: ha, text: `/traloi ${ticketId} Lần hai` }));
    expect(h.emulator.messagesTo(ha.id).at(-1)!.plain).toMatch(/đã được trả lời/);
    expect(buttonsOf(h.emulator.messagesTo(ha.id).at(-1))).toEqual([]);
  });
});

describe('long answers', () => {
  it('an approved answer longer than 4096 characters comes back in valid parts, the buttons under the last', async () => {
    const admin = await register(ha, 'admin', 'Quản trị Hà');
    const ticketId = await escalate();
    const long = Array.from({ length: 10 }, (_, i) => `Bước ${i + 1}: ${'nộp bản khai <Mẫu số 12> & giấy báo tử tại UBND xã; '.repeat(9)}`.trim()).join('\n\n');
    await h.app.escalation.answer(ticketId, admin.id, long);
    await h.app.escalation.approve(ticketId, admin.id);

    const someone = person(4343, 'Bình');
    await h.deliverAndSettle(textUpdate({ chat: privateChat(someone), from: someone, text: OUT_OF_SCOPE }));
    const parts = h.emulator.messagesTo(someone.id);
    expect(parts.length).toBe(2);
    for (const part of parts) {
      expect(part.plain.length).toBeLessThanOrEqual(4096);
      expect(part.text).not.toMatch(/<(?!\/?(b|i)>)/);
    }
    expect(parts[0]!.text).toContain('nộp bản khai &lt;Mẫu số 12&gt; &amp; giấy báo tử');
    expect(parts.map((p) => p.plain).join('\n\n')).toContain(long.split('\n\n').at(-1));
    expect(buttonsOf(parts[0])).toEqual([]);
    expect(buttonsOf(parts[1])).toEqual([expect.stringMatching(/^fb:\d+:h$/), expect.stringMatching(/^fb:\d+:u$/), expect.stringMatching(/^fb:\d+:e$/)]);
  });
});

describe('outbound delivery failures', () => {
  async function answeredTicket(answer = 'Nộp hồ sơ tại UBND xã nơi quản lý hồ sơ người có công.'): Promise<number> {
    const ticketId = await escalate(); // no expert yet: nothing else is in the outbox
    const expert = await h.app.stores.users.add(
      { channel: 'cli', channelUserId: 'e-1', chatId: 'e-1', displayName: 'Chuyên gia', role: 'expert', topics: ['*'] },
      new Date().toISOString(),
    );
    await h.app.escalation.answer(ticketId, expert.id, answer);
    return ticketId;
  }

  const sendsTo = (chatId: number) => h.emulator.callsOf('sendMessage').filter((c) => String(c.payload.chat_id) === String(chatId));

  it('429 (retry_after) then 500: the relay is retried and arrives exactly once', async () => {
    const ticketId = await answeredTicket();
    const before = sendsTo(lan.id).length;
    h.emulator.failNext('sendMessage', { code: 429, retryAfter: 1 }, { code: 500 });
    const worker = new EscalationService(h.app.stores, { backoff: () => 0 });

    const first = await worker.processOutbox(h.router);
    expect(first).toMatchObject({ claimed: 1, sent: 0, retried: 1 });
    expect(await h.app.escalation.getTicket(ticketId)).toMatchObject({ status: 'answered' });
    expect((await h.app.stores.outbox.list({ ticketId, kind: 'relay' }))[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'telegram 500: Internal Server Error',
    });
    const second = await worker.processOutbox(h.router);
    expect(second).toMatchObject({ claimed: 1, sent: 1 });
    expect(await worker.processOutbox(h.router)).toMatchObject({ claimed: 0 });

    // auto-retry waited out the short 429 itself; the 500 went back to the outbox.
    expect(sendsTo(lan.id).slice(before).map((c) => c.status)).toEqual([429, 500, 200]);
    expect(h.emulator.messagesTo(lan.id).filter((m) => m.plain.includes('Nộp hồ sơ tại UBND xã'))).toHaveLength(1);
    const ticket = await h.app.escalation.getTicket(ticketId);
    expect(ticket!.status).toBe('relayed');
    const [outbox] = await h.app.stores.outbox.list({ ticketId, kind: 'relay' });
    expect(outbox).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('a long 429 is left to the outbox, which waits as long as Telegram asked', async () => {
    const ticketId = await answeredTicket();
    let now = Date.now();
    const worker = new EscalationService(h.app.stores, { now: () => new Date(now) });
    h.emulator.failNext('sendMessage', { code: 429, retryAfter: 30 });

    expect(await worker.processOutbox(h.router)).toMatchObject({ retried: 1 });
    const [pending] = await h.app.stores.outbox.list({ ticketId, kind: 'relay' });
    expect(Date.parse(pending!.nextAttemptAt) - now).toBe(30_000);
    now += 29_000;
    expect(await worker.processOutbox(h.router)).toMatchObject({ claimed: 0 });
    now += 2_000;
    expect(await worker.processOutbox(h.router)).toMatchObject({ sent: 1 });
    expect(h.emulator.messagesTo(lan.id).filter((m) => m.plain.includes('Nộp hồ sơ tại UBND xã'))).toHaveLength(1);
  });

  it('a blocked bot is not retried; the relay waits and goes out when the asker writes again', async () => {
    const ticketId = await answeredTicket();
    h.emulator.failNext('sendMessage', { code: 403, description: 'Forbidden: bot was blocked by the user' });
    expect(await h.app.escalation.processOutbox(h.router)).toMatchObject({ failed: 1 });
    expect(await h.app.escalation.getTicket(ticketId)).toMatchObject({ status: 'relay_pending' });

    await h.deliverAndSettle(textUpdate({ chat: privateChat(lan), from: lan, text: 'xin chào' }));
    await h.app.escalation.processOutbox(h.router);
    expect(await h.app.escalation.getTicket(ticketId)).toMatchObject({ status: 'relayed' });
    expect(h.emulator.messagesTo(lan.id).filter((m) => m.plain.includes('Nộp hồ sơ tại UBND xã'))).toHaveLength(1);
  });

  it('a relay longer than 4096 characters goes out in parts; a retry resends only the missing part', async () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => `Bước ${i + 1}: ${'kiểm tra hồ sơ, đối chiếu giấy tờ <bản sao> & bản chính; '.repeat(8)}`.trim());
    const ticketId = await answeredTicket(paragraphs.join('\n\n'));
    const worker = new EscalationService(h.app.stores, { backoff: () => 0 });
    const before = h.emulator.messagesTo(lan.id).length;
    // Part 1 is accepted, part 2 fails once.
    h.emulator.failNext('sendMessage', 'pass', { code: 502, description: 'Bad Gateway' });

    expect(await worker.processOutbox(h.router)).toMatchObject({ retried: 1 });
    expect(await worker.processOutbox(h.router)).toMatchObject({ sent: 1 });
    expect(await h.app.escalation.getTicket(ticketId)).toMatchObject({ status: 'relayed' });
    expect(sendsTo(lan.id).slice(-3).map((c) => c.status)).toEqual([200, 502, 200]);
    const parts = h.emulator.messagesTo(lan.id).slice(before);
    expect(parts.length).toBe(2);
    expect(parts[0]!.plain).toMatch(/^Chuyên gia Chuyên gia trả lời câu hỏi #\d+ của bạn:\nBước 1:/);
    expect(parts[1]!.plain).toMatch(/Câu hỏi của bạn: “/);
    for (const part of parts) expect(part.plain.length).toBeLessThanOrEqual(4096);
  });
});
