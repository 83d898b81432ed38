import type { User as TgUser } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZaloBotAdapter } from '../../src/channels/zalo-bot/adapter.js';
import { createZaloOaAdapter } from '../../src/channels/zalo-oa/adapter.js';
import { SqliteChannelStateStore } from '../../src/storage/sqlite/channel-state-repository.js';
import type { ChannelAdapter } from '../../src/channels/types.js';
import type { Role, User } from '../../src/escalation/types.js';
import {
  buttonsOf,
  callbackUpdate,
  person,
  privateChat,
  startTelegramHarness,
  textUpdate,
  type SentMessage,
  type TelegramHarness,
} from '../helpers/telegram-emulator.js';
import type { TestApp } from '../helpers/app-fixture.js';
import { startChannelHarness, type ChannelHarness } from '../helpers/zalo-harness.js';
import { ZaloBotEmulator, zaloTextUpdate } from '../helpers/zalo-bot-emulator.js';
import { oaTextEvent, postOaEvent, ZaloOaEmulator } from '../helpers/zalo-oa-emulator.js';

/*
 * Forged identities and forged ids against the expert and admin actions. Whoever is not an active expert
 * (or admin, for approvals) on the channel they write from must be refused — with a Vietnamese message,
 * or an answered callback showing an alert — and nothing in the escalation tables may change. Every
 * test ends with the genuine action succeeding, so a refusal cannot come from a broken setup.
 */

const NOT_REGISTERED = 'Bạn chưa được đăng ký là chuyên gia hoặc quản trị viên của Trợ lý Xã.';
const ADMIN_ONLY = 'Chỉ quản trị viên mới được duyệt câu trả lời.';
const STALE_BUTTON = 'Nút này không còn hiệu lực.';

/** Everything an expert or admin action could change. */
async function escalationState(app: TestApp) {
  return {
    tickets: await app.db.all('SELECT * FROM tickets ORDER BY id'),
    events: await app.db.all('SELECT * FROM ticket_events ORDER BY id'),
    curated: await app.db.all('SELECT * FROM curated_answers ORDER BY id'),
    outbox: await app.db.all('SELECT * FROM outbox ORDER BY id'),
  };
}

function register(app: TestApp, channel: string, channelUserId: string, role: Role, displayName: string, extra: { active?: boolean; approved?: boolean } = {}): Promise<User> {
  return app.stores.users.add({ channel, channelUserId, chatId: channelUserId, displayName, role, topics: ['*'], ...extra }, new Date().toISOString());
}

// ── Telegram ─────────────────────────────────────────────────────────────────────────────────────────

describe('Telegram: forged expert and admin actions', () => {
  let h: TelegramHarness;
  let minhUser: User;
  let binhUser: User;
  let haUser: User;

  const minh = person(7101, 'Minh'); // expert
  const binh = person(7102, 'Bình'); // another expert
  const ha = person(9101, 'Hà'); // admin
  const tuan = person(5101, 'Tuấn'); // nobody
  const quang = person(5102, 'Quang'); // a registered official (not an expert)
  const son = person(5103, 'Sơn'); // an expert who was deactivated
  const vy = person(5104, 'Vy'); // an expert not yet approved
  const khoa = person(5105, 'Khoa'); // an admin who was deactivated
  const crossChannel = person(6006, 'Zalo'); // same number as an expert registered on Zalo Bot only

  /** Users who may not claim or answer anything on Telegram, with the refusal each should get. */
  const nonExperts: [TgUser, RegExp][] = [
    [tuan, new RegExp(`^${NOT_REGISTERED}$`)],
    [quang, /^Quang \(#\d+\) không phải chuyên gia đang hoạt động\.$/],
    [son, new RegExp(`^${NOT_REGISTERED}$`)],
    [vy, /^Vy \(#\d+\) không phải chuyên gia đang hoạt động\.$/],
    [crossChannel, new RegExp(`^${NOT_REGISTERED}$`)],
  ];

  let askerSeq = 880_000;

  /** A ticket asked for by a fresh official through /chuyengia, with its notification delivered to Minh. */
  async function newTicket(question = 'Người có công mất ở nước ngoài thì thân nhân làm mai táng phí ở đâu?'): Promise<{ id: number; notification: SentMessage }> {
    const asker = person(askerSeq++, 'Cán bộ');
    await h.deliverAndSettle(textUpdate({ chat: privateChat(asker), from: asker, text: `/chuyengia ${question}` }));
    const ticket = (await h.app.escalation.listTickets()).at(-1)!;
    expect(ticket).toMatchObject({ status: 'open', asker: { chatId: String(asker.id) } });
    await h.app.escalation.processOutbox(h.router);
    const notification = h.emulator.messagesTo(minh.id).find((m) => m.plain.startsWith(`Câu hỏi mới #${ticket.id} `));
    expect(buttonsOf(notification)).toEqual([`claim:${ticket.id}`]);
    return { id: ticket.id, notification: notification! };
  }

  const lastCallbackAnswer = () => h.emulator.callsOf('answerCallbackQuery').at(-1)!.payload;
  const lastTextTo = (chatId: number) => h.emulator.messagesTo(chatId).at(-1)?.plain;

  beforeAll(async () => {
    // No outgoing throttle: many refusals go to the same chats and would otherwise wait 1 s each.
    h = await startTelegramHarness({ adapter: { throttle: false } });
    const app = h.app;
    minhUser = await register(app, 'telegram', String(minh.id), 'expert', 'Minh');
    binhUser = await register(app, 'telegram', String(binh.id), 'expert', 'Bình');
    haUser = await register(app, 'telegram', String(ha.id), 'admin', 'Hà');
    await register(app, 'telegram', String(quang.id), 'official', 'Quang');
    await register(app, 'telegram', String(son.id), 'expert', 'Sơn', { active: false });
    await register(app, 'telegram', String(vy.id), 'expert', 'Vy', { approved: false });
    await register(app, 'telegram', String(khoa.id), 'admin', 'Khoa', { active: false });
    await register(app, 'zalo-bot', String(crossChannel.id), 'expert', 'Chuyên gia Zalo');
  });

  afterAll(async () => {
    await h?.close();
  });

  it('refuses the "claim" button pressed by anyone who is not an active expert on Telegram', async () => {
    const { id, notification } = await newTicket();
    const before = await escalationState(h.app);
    const edits = h.emulator.callsOf('editMessageReplyMarkup').length;
    const sentToMinh = h.emulator.messagesTo(minh.id).length;

    for (const [forger, refusal] of nonExperts) {
      // The forged press carries Minh's notification (Minh's chat); only the presser's id counts.
      await h.deliverAndSettle(callbackUpdate({ from: forger, message: notification.message, data: `claim:${id}` }));
      expect(lastCallbackAnswer(), forger.first_name).toMatchObject({ show_alert: true, text: expect.stringMatching(refusal) });
    }
    expect(await escalationState(h.app)).toEqual(before);
    expect(h.emulator.callsOf('editMessageReplyMarkup')).toHaveLength(edits);
    expect(h.emulator.messagesTo(minh.id)).toHaveLength(sentToMinh);
    expect(buttonsOf(h.emulator.messagesTo(minh.id).find((m) => m.message_id === notification.message_id))).toEqual([`claim:${id}`]);

    // The expert's own press goes through.
    await h.deliverAndSettle(callbackUpdate({ from: minh, message: notification.message, data: `claim:${id}` }));
    expect(await h.app.escalation.getTicket(id)).toMatchObject({ status: 'assigned', expertId: minhUser.id });
  });

  it('refuses a "claim" whose ticket id was forged: unknown, held by another expert, closed, answered or malformed', async () => {
    const { id: mine, notification } = await newTicket();
    const { id: held } = await newTicket('Thủ tục cấp lại Bằng Tổ quốc ghi công bị mất làm ở đâu?');
    const { id: closed } = await newTicket('Mức quà tặng dịp Tết cho thân nhân liệt sĩ ở xã là bao nhiêu?');
    const { id: answered } = await newTicket('Đổi thẻ thương binh bị rách nộp ở đâu?');
    await h.app.escalation.claim(held, binhUser.id);
    await h.app.escalation.close(closed, haUser.id, 'trùng');
    await h.app.escalation.answer(answered, binhUser.id, 'Nộp tại UBND xã.');
    const before = await escalationState(h.app);

    const forged: [string, TgUser, RegExp][] = [
      [`claim:987654321`, minh, /^Không tìm thấy câu hỏi #987654321\.$/],
      [`claim:${held}`, minh, new RegExp(`^Câu hỏi #${held} đã được chuyên gia Bình nhận xử lý\\.$`)],
      [`claim:${closed}`, minh, new RegExp(`^Câu hỏi #${closed} đã đóng\\.$`)],
      [`claim:${answered}`, minh, new RegExp(`^Câu hỏi #${answered} đã được trả lời\\.$`)],
      [`claim:${held}`, tuan, new RegExp(`^${NOT_REGISTERED}$`)],
      [`claim:987654321`, tuan, new RegExp(`^${NOT_REGISTERED}$`)],
    ];
    for (const [data, from, refusal] of forged) {
      await h.deliverAndSettle(callbackUpdate({ from, message: notification.message, data }));
      expect(lastCallbackAnswer(), data).toMatchObject({ show_alert: true, text: expect.stringMatching(refusal) });
    }
    // Data that is not a ticket id at all only stops the button spinning.
    for (const data of ['claim:0', 'claim:-1', 'claim:1234567890123456', `claim:${mine};${held}`, `claim:${mine} `, 'claim:١', `claim:0x${mine.toString(16)}`, 'claim:']) {
      const answers = h.emulator.callsOf('answerCallbackQuery').length;
      await h.deliverAndSettle(callbackUpdate({ from: minh, message: notification.message, data }));
      expect(h.emulator.callsOf('answerCallbackQuery'), data).toHaveLength(answers + 1);
      expect(lastCallbackAnswer(), data).toMatchObject({ text: STALE_BUTTON });
    }
    expect(await escalationState(h.app)).toEqual(before);

    // /nhan of a ticket another expert holds is refused the same way.
    await h.deliverAndSettle(textUpdate({ chat: privateChat(minh), from: minh, text: `/nhan ${held}` }));
    expect(lastTextTo(minh.id)).toBe(`Câu hỏi #${held} đã được chuyên gia Bình nhận xử lý.`);
    expect(await escalationState(h.app)).toEqual(before);

    // The genuine press on the genuine ticket goes through.
    await h.deliverAndSettle(callbackUpdate({ from: minh, message: notification.message, data: `claim:${mine}` }));
    expect(await h.app.escalation.getTicket(mine)).toMatchObject({ status: 'assigned', expertId: minhUser.id });
    expect(await h.app.escalation.getTicket(held)).toMatchObject({ status: 'assigned', expertId: binhUser.id });
  });

  it('refuses /traloi and a reply to a ticket notification from anyone who is not an active expert', async () => {
    const { id, notification } = await newTicket();
    const before = await escalationState(h.app);

    for (const [forger, refusal] of nonExperts) {
      const attempts = [
        textUpdate({ chat: privateChat(forger), from: forger, text: `/traloi ${id} Trả lời giả mạo` }),
        textUpdate({ chat: privateChat(forger), from: forger, text: `/traloi@${h.emulator.botInfo.username} #${id} Trả lời giả mạo` }),
        // Replying to the notification (as if it had been forwarded): the reply path checks the sender too.
        textUpdate({ chat: privateChat(forger), from: forger, text: 'Trả lời giả mạo qua reply', replyTo: notification.message }),
        // The chat forged to be Minh's: identity is the sender's id, never the chat's.
        textUpdate({ chat: privateChat(minh), from: forger, text: `/traloi ${id} Trả lời giả mạo trong chat của chuyên gia` }),
      ];
      for (const update of attempts) {
        await h.deliverAndSettle(update);
        const chatId = (update.message!.chat as { id: number }).id;
        expect(lastTextTo(chatId), `${forger.first_name}: ${update.message!.text}`).toMatch(refusal);
      }
      // /nhan too.
      await h.deliverAndSettle(textUpdate({ chat: privateChat(forger), from: forger, text: `/nhan ${id}` }));
      expect(lastTextTo(forger.id)).toMatch(refusal);
    }
    expect(await escalationState(h.app)).toEqual(before);
    const ticket = await h.app.escalation.getTicket(id);
    expect(ticket).toMatchObject({ status: 'open' });
    expect(ticket!.answer).toBeUndefined();
    expect(await h.app.stores.outbox.list({ ticketId: id, kind: 'relay' })).toEqual([]);

    // The expert's reply to the notification answers the ticket.
    await h.deliverAndSettle(textUpdate({ chat: privateChat(minh), from: minh, text: 'Nộp hồ sơ tại UBND xã nơi quản lý hồ sơ.', replyTo: notification.message }));
    expect(await h.app.escalation.getTicket(id)).toMatchObject({ status: 'answered', expertId: minhUser.id, answer: 'Nộp hồ sơ tại UBND xã nơi quản lý hồ sơ.' });
    expect(await h.app.stores.outbox.list({ ticketId: id, kind: 'relay' })).toHaveLength(1);
  });

  it('refuses approval into the curated answers by a plain expert, a deactivated admin or anyone else', async () => {
    const { id, notification } = await newTicket('Trợ cấp một lần khi báo tử liệt sĩ nhận ở đâu?');
    const answer = 'Nhận tại UBND xã nơi thân nhân liệt sĩ thường trú.';
    await h.app.escalation.answer(id, minhUser.id, answer);
    const before = await escalationState(h.app);
    const approvals = async () => (await h.app.escalation.getTicket(id))!.events.filter((e) => e.action === 'approved').length;

    const forgers: [TgUser, RegExp][] = [
      [minh, new RegExp(`^${ADMIN_ONLY}$`)],
      [binh, new RegExp(`^${ADMIN_ONLY}$`)],
      [vy, new RegExp(`^${ADMIN_ONLY}$`)],
      [quang, new RegExp(`^${ADMIN_ONLY}$`)],
      [khoa, new RegExp(`^${NOT_REGISTERED}$`)],
      [son, new RegExp(`^${NOT_REGISTERED}$`)],
      [tuan, new RegExp(`^${NOT_REGISTERED}$`)],
      [crossChannel, new RegExp(`^${NOT_REGISTERED}$`)],
    ];
    for (const [forger, refusal] of forgers) {
      // A forged "approve" press on a message the forger has (the notification), and the typed command.
      await h.deliverAndSettle(callbackUpdate({ from: forger, message: notification.message, data: `approve:${id}` }));
      expect(lastCallbackAnswer(), forger.first_name).toMatchObject({ show_alert: true, text: expect.stringMatching(refusal) });
      for (const text of [`/duyet ${id}`, `/duyet ${id} Câu trả lời đã sửa giả mạo`]) {
        await h.deliverAndSettle(textUpdate({ chat: privateChat(forger), from: forger, text }));
        expect(lastTextTo(forger.id), `${forger.first_name}: ${text}`).toMatch(refusal);
      }
    }
    expect(await escalationState(h.app)).toEqual(before);
    expect(await h.app.stores.curated.getBySourceTicket(id)).toBeUndefined();
    expect(await approvals()).toBe(0);

    // The admin approves; a plain expert then cannot replace the approved text with an "edited" one.
    await h.deliverAndSettle(textUpdate({ chat: privateChat(ha), from: ha, text: `/duyet ${id}` }));
    expect(lastTextTo(ha.id)).toBe(`Đã duyệt câu trả lời của phiếu #${id} vào kho câu trả lời mẫu.`);
    expect(await h.app.stores.curated.getBySourceTicket(id)).toMatchObject({ answer, approvedBy: haUser.id });
    const approved = await escalationState(h.app);
    await h.deliverAndSettle(textUpdate({ chat: privateChat(minh), from: minh, text: `/duyet ${id} Nội dung đã bị sửa trái phép` }));
    expect(lastTextTo(minh.id)).toBe(ADMIN_ONLY);
    await h.deliverAndSettle(callbackUpdate({ from: binh, message: notification.message, data: `approve:${id}` }));
    expect(lastCallbackAnswer()).toMatchObject({ show_alert: true, text: ADMIN_ONLY });
    expect(await escalationState(h.app)).toEqual(approved);
    expect(await h.app.stores.curated.getBySourceTicket(id)).toMatchObject({ answer });
  });

  it('refuses an admin approval whose ticket id was forged (unknown, or not answered yet)', async () => {
    const { id: open, notification } = await newTicket('Hồ sơ cấp thẻ bảo hiểm y tế cho thân nhân liệt sĩ gồm gì?');
    const before = await escalationState(h.app);
    await h.deliverAndSettle(callbackUpdate({ from: ha, message: notification.message, data: 'approve:987654321' }));
    expect(lastCallbackAnswer()).toMatchObject({ show_alert: true, text: 'Không tìm thấy câu hỏi #987654321.' });
    await h.deliverAndSettle(callbackUpdate({ from: ha, message: notification.message, data: `approve:${open}` }));
    expect(lastCallbackAnswer()).toMatchObject({ show_alert: true, text: `Câu hỏi #${open} chưa có câu trả lời của chuyên gia để duyệt.` });
    await h.deliverAndSettle(callbackUpdate({ from: ha, message: notification.message, data: 'approve:0' }));
    expect(lastCallbackAnswer()).toMatchObject({ text: STALE_BUTTON });
    expect(await escalationState(h.app)).toEqual(before);
  });
});

// ── Zalo Bot ─────────────────────────────────────────────────────────────────────────────────────────

describe('Zalo Bot: forged expert commands', () => {
  const SECRET = 'zalo-webhook-secret-forged-01';
  let emulator: ZaloBotEmulator;
  let harness: ChannelHarness;
  let adapter: ChannelAdapter;
  let webhook: string;
  let expert: User;

  async function post(update: Record<string, unknown>): Promise<void> {
    const response = await fetch(webhook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    });
    expect(response.status).toBe(200);
    await harness.idle();
  }

  const lastTextTo = (chatId: string) => emulator.sentTo(chatId).at(-1)?.text;

  beforeAll(async () => {
    emulator = await new ZaloBotEmulator().start();
    harness = await startChannelHarness(({ baseUrl, deps }) => {
      webhook = `${baseUrl}/webhooks/zalo-bot`;
      adapter = createZaloBotAdapter(
        { token: emulator.token, apiRoot: emulator.apiRoot, mode: 'webhook', webhookUrl: webhook, webhookSecret: SECRET },
        deps,
        { replyRetryDelaysMs: [5] },
      );
      return [adapter];
    });
    await adapter.start();
    const { app } = harness;
    expert = await app.stores.users.add(
      { channel: 'zalo-bot', channelUserId: 'zl-expert-1', chatId: 'zl-chat-expert', displayName: 'Phạm Văn Cường', role: 'expert', topics: ['*'] },
      new Date().toISOString(),
    );
    await register(app, 'telegram', 'zl-intruder-tg', 'admin', 'Quản trị Telegram'); // an admin, but on Telegram
    await register(app, 'zalo-bot', 'zl-official', 'official', 'Cán bộ xã');
  });

  afterAll(async () => {
    await harness?.close();
    await emulator?.stop();
  });

  it('refuses /traloi, /nhan and /duyet from users who are not experts on Zalo Bot, even from the expert\'s chat', async () => {
    const { app } = harness;
    const ticket = await app.escalation.createTicket({
      asker: { channel: 'zalo-bot', chatId: 'zl-chat-asker', userId: 'zl-asker' },
      question: 'Thân nhân liệt sĩ được hỗ trợ gì khi đi thăm mộ?',
      reason: 'user_request',
    });
    const before = await escalationState(app);

    const attempts: [Record<string, unknown>, string, RegExp][] = [
      [zaloTextUpdate('zl-chat-intruder', `/traloi ${ticket.id} Trả lời giả mạo`, { userId: 'zl-intruder' }), 'zl-chat-intruder', new RegExp(`^${NOT_REGISTERED}$`)],
      [zaloTextUpdate('zl-chat-intruder', `/nhan ${ticket.id}`, { userId: 'zl-intruder' }), 'zl-chat-intruder', new RegExp(`^${NOT_REGISTERED}$`)],
      [zaloTextUpdate('zl-chat-intruder', `/duyet ${ticket.id}`, { userId: 'zl-intruder' }), 'zl-chat-intruder', new RegExp(`^${NOT_REGISTERED}$`)],
      // The expert's chat id with another sender: the sender's id decides.
      [zaloTextUpdate('zl-chat-expert', `/traloi ${ticket.id} Trả lời giả mạo`, { userId: 'zl-intruder' }), 'zl-chat-expert', new RegExp(`^${NOT_REGISTERED}$`)],
      // The id of a Telegram admin, sent on Zalo: roles are per channel.
      [zaloTextUpdate('zl-chat-tg', `/traloi ${ticket.id} Trả lời giả mạo`, { userId: 'zl-intruder-tg' }), 'zl-chat-tg', new RegExp(`^${NOT_REGISTERED}$`)],
      [zaloTextUpdate('zl-chat-official', `/traloi ${ticket.id} Trả lời giả mạo`, { userId: 'zl-official' }), 'zl-chat-official', /^Cán bộ xã \(#\d+\) không phải chuyên gia đang hoạt động\.$/],
      // The expert may not approve (admins only), nor claim a ticket that does not exist.
      [zaloTextUpdate('zl-chat-expert', `/duyet ${ticket.id}`, { userId: 'zl-expert-1' }), 'zl-chat-expert', new RegExp(`^${ADMIN_ONLY}$`)],
      [zaloTextUpdate('zl-chat-expert', '/nhan 987654321', { userId: 'zl-expert-1' }), 'zl-chat-expert', /^Không tìm thấy câu hỏi #987654321\.$/],
    ];
    for (const [update, chatId, refusal] of attempts) {
      await post(update);
      expect(lastTextTo(chatId), JSON.stringify((update.message as { text: string }).text)).toMatch(refusal);
    }
    expect(await escalationState(app)).toEqual(before);
    expect(await app.stores.outbox.list({ ticketId: ticket.id, kind: 'relay' })).toEqual([]);

    // The expert's own /traloi goes through.
    await post(zaloTextUpdate('zl-chat-expert', `/traloi ${ticket.id} Được hỗ trợ tiền đi lại và tiền ăn.`, { userId: 'zl-expert-1' }));
    expect(lastTextTo('zl-chat-expert')).toContain(`phiếu #${ticket.id}`);
    expect(await app.escalation.getTicket(ticket.id)).toMatchObject({ status: 'answered', expertId: expert.id });
  });
});

// ── Zalo OA ──────────────────────────────────────────────────────────────────────────────────────────

describe('Zalo OA: forged expert commands', () => {
  const OA_SECRET = 'oa-secret-key-forged';
  const EXPERT_ID = '6300000000000000901';
  let oa: ZaloOaEmulator;
  let harness: ChannelHarness;
  let adapter: ChannelAdapter;
  let webhook: string;
  let expert: User;

  async function send(userId: string, text: string): Promise<void> {
    const { status } = await postOaEvent(webhook, oaTextEvent(oa.appId, userId, text), { secretKey: OA_SECRET });
    expect(status).toBe(200);
    await harness.idle();
  }

  beforeAll(async () => {
    oa = await new ZaloOaEmulator().start();
    harness = await startChannelHarness(({ baseUrl, deps, app }) => {
      webhook = `${baseUrl}/webhooks/zalo-oa`;
      const config = oa.adapterConfig(OA_SECRET);
      adapter = createZaloOaAdapter(config, { ...deps, state: new SqliteChannelStateStore(app.db) }, { replyRetryDelaysMs: [5] });
      return [adapter];
    });
    await adapter.start();
    expert = await register(harness.app, 'zalo-oa', EXPERT_ID, 'expert', 'Hoàng Thị Dung');
    await register(harness.app, 'zalo-bot', '6300000000000000902', 'admin', 'Quản trị Zalo Bot'); // same kind of id, other channel
  });

  afterAll(async () => {
    await harness?.close();
    await oa?.stop();
  });

  it('refuses /traloi, /nhan and /duyet from senders who are not experts on the OA', async () => {
    const { app } = harness;
    const ticket = await app.escalation.createTicket({
      asker: { channel: 'zalo-oa', chatId: '6300000000000000900', userId: '6300000000000000900' },
      question: 'Thân nhân liệt sĩ được hỗ trợ gì khi đi thăm mộ?',
      reason: 'user_request',
    });
    const before = await escalationState(app);

    for (const [sender, text, refusal] of [
      ['6300000000000000999', `/traloi ${ticket.id} Trả lời giả mạo`, NOT_REGISTERED],
      ['6300000000000000999', `/nhan ${ticket.id}`, NOT_REGISTERED],
      ['6300000000000000902', `/duyet ${ticket.id}`, NOT_REGISTERED],
      ['6300000000000000902', `/traloi ${ticket.id} Trả lời giả mạo`, NOT_REGISTERED],
      [EXPERT_ID, `/duyet ${ticket.id}`, ADMIN_ONLY],
    ] as const) {
      await send(sender, text);
      expect(oa.sentTo(sender).at(-1)?.text, `${sender}: ${text}`).toBe(refusal);
    }
    expect(await escalationState(app)).toEqual(before);

    await send(EXPERT_ID, `/traloi ${ticket.id} Được hỗ trợ tiền đi lại và tiền ăn.`);
    expect(await app.escalation.getTicket(ticket.id)).toMatchObject({ status: 'answered', expertId: expert.id });
  });
});
