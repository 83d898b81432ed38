import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoggedQuestion } from '../../src/assistant/question-log.js';
import { createTelegramAdapter } from '../../src/channels/telegram/adapter.js';
import { createZaloBotAdapter } from '../../src/channels/zalo-bot/adapter.js';
import { createZaloOaAdapter } from '../../src/channels/zalo-oa/adapter.js';
import type { NewUser } from '../../src/escalation/stores.js';
import type { User } from '../../src/escalation/types.js';
import { NoticeError } from '../../src/notices/errors.js';
import { affectedAnswerOf, FollowUpService } from '../../src/notices/follow-up-service.js';
import { NoticeService } from '../../src/notices/notice-service.js';
import { createWebChatAdapter } from '../../src/web/chat/index.js';
import { person, postUpdate, privateChat, TelegramEmulator, TEST_SECRET, textUpdate } from '../helpers/telegram-emulator.js';
import { ZaloBotEmulator, zaloTextUpdate } from '../helpers/zalo-bot-emulator.js';
import { startChannelHarness, type ChannelHarness } from '../helpers/zalo-harness.js';
import { oaTextEvent, postOaEvent, ZaloOaEmulator } from '../helpers/zalo-oa-emulator.js';

/*
 * Notices and follow-ups end to end: the real app and webhooks, the outbox drained through the real
 * Telegram, Zalo Bot, Zalo OA and web chat adapters, each platform emulated on loopback. Opting out goes
 * through the real commands; the Zalo OA user is outside the 48-hour window until they write.
 */

const ZALO_SECRET = 'zalo-webhook-secret-0001';
const OA_SECRET = 'oa-secret-key-notices';
const OA_OFFICIAL = '6300000000000000101';
const OA_ASKER = '6300000000000000201';
const WEB_CHAT = `w-${'n'.repeat(32)}`;

let telegram: TelegramEmulator;
let zalo: ZaloBotEmulator;
let oa: ZaloOaEmulator;
let h: ChannelHarness;
let oaWebhook: string;

const now = () => new Date().toISOString();
const add = (user: Omit<NewUser, 'role'> & { role?: NewUser['role'] }): Promise<User> => h.app.stores.users.add({ role: 'official', ...user }, now());
const telegramSays = async (id: number, text: string) => {
  const from = person(id, `Cán bộ ${id}`);
  expect((await postUpdate(h.baseUrl, textUpdate({ chat: privateChat(from), from, text }), { secret: TEST_SECRET })).status).toBe(200);
  await h.idle();
};
const zaloSays = async (chatId: string, text: string) => {
  expect(await zalo.deliver(zaloTextUpdate(chatId, text))).toBe(200);
  await h.idle();
};
const oaSays = async (userId: string, text: string) => {
  expect((await postOaEvent(oaWebhook, oaTextEvent(oa.appId, userId, text), { secretKey: OA_SECRET })).status).toBe(200);
  await h.idle();
};
const noticesIn = (texts: readonly string[]) => texts.filter((t) => t.startsWith('📢 Thông báo:'));

beforeAll(async () => {
  telegram = await TelegramEmulator.start();
  zalo = await new ZaloBotEmulator().start();
  oa = await new ZaloOaEmulator().start();
  h = await startChannelHarness(({ baseUrl, deps, app }) => {
    oaWebhook = `${baseUrl}/webhooks/zalo-oa`;
    return [
      createTelegramAdapter({ token: telegram.token, mode: 'webhook', webhookUrl: 'https://trolyxa.example.vn/webhooks/telegram', webhookSecret: TEST_SECRET, apiRoot: telegram.apiRoot }, deps),
      createZaloBotAdapter({ token: zalo.token, apiRoot: zalo.apiRoot, mode: 'webhook', webhookUrl: `${baseUrl}/webhooks/zalo-bot`, webhookSecret: ZALO_SECRET }, deps),
      createZaloOaAdapter(oa.adapterConfig(OA_SECRET), { ...deps, state: app.repos.channelState }, { replyRetryDelaysMs: [10] }),
      createWebChatAdapter(app),
    ];
  });
  for (const adapter of h.adapters) await adapter.start();
  oa.outsideWindow.add(OA_OFFICIAL);
  oa.outsideWindow.add(OA_ASKER);
}, 60_000);

afterAll(async () => {
  await h?.close();
  await telegram?.close();
  await zalo?.stop();
  await oa?.stop();
});

describe('a notice to the officials of a topic', () => {
  it('reaches exactly them on every channel, none who turned notices off, and the Zalo OA one when they next write', async () => {
    const a = await add({ channel: 'telegram', channelUserId: '9001', chatId: '9001', displayName: 'Chị An', commune: 'Xã Tân Phú', topics: ['mai-tang'] });
    const b = await add({ channel: 'telegram', channelUserId: '9002', chatId: '9002', displayName: 'Anh Bình', topics: ['mai-tang'] });
    const c = await add({ channel: 'zalo-bot', channelUserId: 'zb-chat-1', chatId: 'zb-chat-1', displayName: 'Chị Cúc', topics: ['mai-tang'] });
    const j = await add({ channel: 'zalo-bot', channelUserId: 'zb-chat-3', chatId: 'zb-chat-3', displayName: 'Anh Giang', topics: ['mai-tang'] });
    const d = await add({ channel: 'zalo-oa', channelUserId: OA_OFFICIAL, chatId: OA_OFFICIAL, displayName: 'Chị Dung', topics: ['mai-tang'] });
    await h.app.repos.webChat.insertVisitor({ chatId: WEB_CHAT, csrfToken: 'csrf-web-official' }, now());
    const e = await add({ channel: 'web', channelUserId: WEB_CHAT, chatId: WEB_CHAT, displayName: 'Anh Em', topics: ['mai-tang'] });
    // Not for this notice: another topic, an expert of the topic, an official no longer active.
    await add({ channel: 'telegram', channelUserId: '9003', chatId: '9003', displayName: 'Chị Hà', topics: ['liet-si'] });
    await add({ channel: 'zalo-bot', channelUserId: 'zb-chat-2', chatId: 'zb-chat-2', displayName: 'Anh Hải', topics: ['liet-si'] });
    await add({ channel: 'telegram', channelUserId: '9004', chatId: '9004', displayName: 'Chuyên gia Minh', role: 'expert', topics: ['mai-tang'] });
    await add({ channel: 'telegram', channelUserId: '9005', chatId: '9005', displayName: 'Chị Lan', topics: ['mai-tang'], active: false });

    // Turning notices off (and on again) with the commands, on Telegram and Zalo.
    await telegramSays(9002, '/tatthongbao');
    expect(telegram.messagesTo(9002).at(-1)!.plain).toContain('Đã tắt nhận thông báo');
    await zaloSays('zb-chat-3', '/tatthongbao');
    await zaloSays('zb-chat-1', '/tatthongbao');
    await zaloSays('zb-chat-1', '/BatThongBao');
    expect(zalo.sentTo('zb-chat-1').map((m) => m.text)).toEqual([expect.stringContaining('Đã tắt'), expect.stringContaining('Đã bật lại')]);
    expect((await h.app.stores.users.get(b.id))!.noticesOff).toBe(true);
    expect((await h.app.stores.users.get(j.id))!.noticesOff).toBe(true);
    expect((await h.app.stores.users.get(c.id))!.noticesOff).toBeUndefined();
    await telegramSays(9006, '/tatthongbao');
    expect(telegram.messagesTo(9006).at(-1)!.plain).toContain('chưa được đăng ký');

    const notices = new NoticeService({ broadcasts: h.app.repos.broadcasts, users: h.app.stores.users });
    const preview = await notices.preview({ topics: ['mai-tang'] });
    expect(preview.recipients.map((u) => u.id).sort()).toEqual([a.id, c.id, d.id, e.id].sort());
    expect(preview.byChannel.map((g) => [g.channel, g.users.length])).toEqual([['telegram', 1], ['web', 1], ['zalo-bot', 1], ['zalo-oa', 1]]);
    expect(preview.excluded.map((x) => [x.user.displayName, x.why])).toEqual([['Anh Bình', 'notices_off'], ['Anh Giang', 'notices_off'], ['Chị Lan', 'inactive']]);

    const draft = { title: 'Hạn nộp hồ sơ mai táng phí', text: 'Các xã gửi hồ sơ đề nghị trợ cấp mai táng quý III trước ngày 15/9.', audience: { topics: ['mai-tang'] }, author: { label: 'quantri@sonv.gov.vn' } };
    // What was previewed is what is sent: a preview that no longer matches sends nothing.
    await expect(notices.send(draft, [a.id, c.id, d.id])).rejects.toMatchObject({ code: 'stale_preview' } satisfies Partial<NoticeError>);
    const notice = await notices.send(draft, preview.recipients.map((u) => u.id));
    await h.drainOutbox();

    expect(noticesIn(telegram.messagesTo(9001).map((m) => m.plain))).toEqual([expect.stringContaining('Hạn nộp hồ sơ mai táng phí')]);
    expect(noticesIn(telegram.messagesTo(9001).map((m) => m.plain))[0]).toContain('/tatthongbao');
    for (const chat of [9002, 9003, 9004, 9005]) expect(noticesIn(telegram.messagesTo(chat).map((m) => m.plain))).toEqual([]);
    expect(noticesIn(zalo.sentTo('zb-chat-1').map((m) => m.text))).toHaveLength(1);
    for (const chat of ['zb-chat-2', 'zb-chat-3']) expect(noticesIn(zalo.sentTo(chat).map((m) => m.text))).toEqual([]);
    const web = await h.app.repos.webChat.listMessages(WEB_CHAT, 0, 10);
    expect(web.map((m) => [m.role, m.meta.kind])).toEqual([['system', 'notice']]);
    expect(web[0]!.text).toContain('Tắt nhận thông báo');
    expect(oa.sentTo(OA_OFFICIAL)).toEqual([]);

    let report = (await notices.report(notice.id))!;
    expect(report.total).toEqual({ sent: 3, failed: 0, pending: 1 });
    expect(report.deliveries.find((x) => x.channel === 'zalo-oa')).toMatchObject({ state: 'pending', waiting: true });
    expect(report.byChannel).toEqual([
      { channel: 'telegram', sent: 1, failed: 0, pending: 0 },
      { channel: 'web', sent: 1, failed: 0, pending: 0 },
      { channel: 'zalo-bot', sent: 1, failed: 0, pending: 0 },
      { channel: 'zalo-oa', sent: 0, failed: 0, pending: 1 },
    ]);

    // The Zalo OA official writes: the window opens, and the notice goes with the next outbox run.
    oa.outsideWindow.delete(OA_OFFICIAL);
    await oaSays(OA_OFFICIAL, 'xin chào');
    await h.drainOutbox();
    expect(noticesIn(oa.sentTo(OA_OFFICIAL).map((m) => m.text))).toHaveLength(1);
    report = (await notices.report(notice.id))!;
    expect(report.total).toEqual({ sent: 4, failed: 0, pending: 0 });
    // Preview matches delivery: the chats that received it are the previewed recipients'.
    expect(report.deliveries.map((x) => `${x.channel}:${x.chatId}`).sort()).toEqual(preview.recipients.map((u) => `${u.channel}:${u.chatId}`).sort());
  });
});

describe('follow-ups on changed answers', () => {
  it('reach the chats that asked, one message per asker, and the Zalo OA one when they next write', async () => {
    const entry = async (asker: LoggedQuestion['asker'], question: string, createdAt: string): Promise<LoggedQuestion> => {
      const fields = { asker, question, query: question, stage: 'retrieval' as const, confidence: 0.8, citations: [], latencyMs: 5, createdAt };
      return { id: await h.app.log.add(fields), ...fields };
    };
    const tg = { channel: 'telegram', chatId: '9101', userId: '9101', displayName: 'Chị Thu' };
    const first = await entry(tg, 'Mức trợ cấp mai táng là bao nhiêu?', '2026-03-12T03:00:00.000Z');
    const second = await entry(tg, 'Trợ cấp mai táng nhận ở đâu?', '2026-03-20T03:00:00.000Z');
    const onZalo = await entry({ channel: 'zalo-bot', chatId: 'zb-chat-9', userId: 'zb-chat-9' }, 'Mai táng phí năm 2026 bao nhiêu tiền?', '2026-04-01T16:30:00.000Z');
    const onOa = await entry({ channel: 'zalo-oa', chatId: OA_ASKER, userId: OA_ASKER }, 'Mức mai táng phí hiện nay?', '2026-04-02T03:00:00.000Z');
    const fromCli = await entry({ channel: 'cli', chatId: 'cli', userId: 'cli' }, 'Mai táng phí?', '2026-04-03T03:00:00.000Z');

    const followUps = new FollowUpService({ broadcasts: h.app.repos.broadcasts });
    const { followUp, recipients, skipped } = await followUps.send({
      answers: [first, second, onZalo, onOa, fromCli].map(affectedAnswerOf),
      reason: 'Nghị định 55/2026/NĐ-CP điều chỉnh mức trợ cấp mai táng.',
      newContent: 'Mức trợ cấp mai táng từ 01/7/2026 là 25.000.000 đồng.',
      author: { label: 'quantri@sonv.gov.vn' },
    });
    expect(recipients).toBe(3);
    expect(skipped.map((a) => a.id)).toEqual([fromCli.id]);
    await h.drainOutbox();

    expect(zalo.sentTo('zb-chat-9').map((m) => m.text)).toEqual([
      'Câu trả lời ngày 01/04/2026 về “Mai táng phí năm 2026 bao nhiêu tiền?” đã thay đổi do Nghị định 55/2026/NĐ-CP điều chỉnh mức trợ cấp mai táng. Nội dung mới: Mức trợ cấp mai táng từ 01/7/2026 là 25.000.000 đồng.',
    ]);
    const toTelegram = telegram.messagesTo(9101);
    expect(toTelegram).toHaveLength(1);
    expect(toTelegram[0]!.plain).toContain('ngày 12/03/2026 về “Mức trợ cấp mai táng là bao nhiêu?”; ngày 20/03/2026 về “Trợ cấp mai táng nhận ở đâu?” đã thay đổi do Nghị định 55/2026/NĐ-CP');
    expect(toTelegram[0]!.plain).toContain('Nội dung mới: Mức trợ cấp mai táng từ 01/7/2026 là 25.000.000 đồng.');
    expect(oa.sentTo(OA_ASKER)).toEqual([]);
    expect((await followUps.report(followUp.id))!.total).toEqual({ sent: 2, failed: 0, pending: 1 });

    oa.outsideWindow.delete(OA_ASKER);
    await oaSays(OA_ASKER, 'cảm ơn');
    await h.drainOutbox();
    expect(oa.sentTo(OA_ASKER).map((m) => m.text)).toContainEqual(expect.stringMatching(/^Câu trả lời ngày 02\/04\/2026 về “Mức mai táng phí hiện nay\?” đã thay đổi do /u));
    expect((await followUps.report(followUp.id))!.total).toEqual({ sent: 3, failed: 0, pending: 0 });
  });
});
