import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buttonsOf,
  callbackUpdate,
  groupChat,
  person,
  postUpdate,
  privateChat,
  startTelegramHarness,
  TEST_SECRET,
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

const lan = person(424242, 'Lan', { last_name: 'Nguyễn', username: 'lan_xa' });
const QUESTION = 'Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?';

describe('webhook mode', () => {
  it('registers the webhook with its secret on start', () => {
    expect(h.emulator.webhook).toMatchObject({ url: 'https://trolyxa.example.vn/webhooks/telegram', secret_token: TEST_SECRET });
    expect(h.emulator.webhook!.allowed_updates).toEqual(['message', 'callback_query']);
    expect(h.emulator.callsOf('getMe')).toHaveLength(1);
  });

  it('answers a private question with a cited, escaped HTML answer and feedback buttons; "not helpful" opens a ticket', async () => {
    await h.deliverAndSettle(textUpdate({ chat: privateChat(lan), from: lan, text: QUESTION }));

    expect(h.emulator.callsOf('sendChatAction')[0]?.payload).toMatchObject({ chat_id: lan.id, action: 'typing' });
    const [answer, ...more] = h.emulator.messagesTo(lan.id);
    expect(more).toEqual([]);
    expect(answer!.parse_mode).toBe('HTML');
    // The short form: the direct answer first, its basis, and /chitiet for the rest.
    expect(answer!.plain).toMatch(/^👉 /);
    expect(answer!.plain).toContain('/chitiet');
    expect(answer!.text).toMatch(/<i>Căn cứ: Thủ tục hưởng trợ cấp mai táng › Thành phần hồ sơ[^<]*<\/i>/);
    expect(answer!.plain).toContain('Mẫu số 12');
    expect(answer!.reply_parameters).toBeUndefined();

    const logged = await h.app.db.get<{ id: number; channel: string; chat_id: string; user_id: string; display_name: string }>(
      'SELECT id, channel, chat_id, user_id, display_name FROM question_log',
    );
    expect(logged).toMatchObject({ channel: 'telegram', chat_id: String(lan.id), user_id: String(lan.id), display_name: 'Lan Nguyễn' });
    expect(buttonsOf(answer)).toEqual([`fb:${logged!.id}:h`, `fb:${logged!.id}:u`, `fb:${logged!.id}:e`]);

    await h.deliverAndSettle(callbackUpdate({ from: lan, message: answer!.message, data: `fb:${logged!.id}:u` }));

    expect(h.emulator.callsOf('answerCallbackQuery')).toHaveLength(1);
    expect(h.emulator.callsOf('editMessageReplyMarkup')[0]?.status).toBe(200);
    expect(buttonsOf(h.emulator.messages.find((m) => m.message_id === answer!.message_id))).toEqual([]);
    const tickets = await h.app.escalation.listTickets();
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({
      reason: 'unhelpful_feedback',
      question: QUESTION,
      asker: { channel: 'telegram', chatId: String(lan.id), userId: String(lan.id) },
    });
    const confirmation = h.emulator.messagesTo(lan.id)[1];
    expect(confirmation!.plain).toContain(`phiếu số #${tickets[0]!.id}`);
    expect(confirmation!.reply_parameters).toMatchObject({ message_id: answer!.message_id });
  });

  it('shows "typing…" only when the answer takes longer than typingAfterMs', async () => {
    await h.close();
    h = await startTelegramHarness({ adapter: { typingAfterMs: 60_000 } });
    await h.deliverAndSettle(textUpdate({ chat: privateChat(lan), from: lan, text: QUESTION }));
    expect(h.emulator.messagesTo(lan.id)).toHaveLength(1);
    expect(h.emulator.callsOf('sendChatAction')).toEqual([]);
  });

  it('refuses a wrong or missing secret with 401 and processes nothing', async () => {
    const update = textUpdate({ chat: privateChat(lan), from: lan, text: QUESTION });
    const missing = await postUpdate(h.url, update);
    const wrong = await postUpdate(h.url, update, { secret: `${TEST_SECRET}x` });
    const short = await postUpdate(h.url, update, { secret: 'a' });
    for (const res of [missing, wrong, short]) {
      expect(res.status).toBe(401);
      expect(res.text).toBe('secret token is wrong');
    }
    await h.deps.background.idle();
    expect(h.emulator.callsOf('sendMessage')).toEqual([]);
    expect(h.emulator.callsOf('sendChatAction')).toEqual([]);
    expect(await h.questionCount()).toBe(0);

    // The update was not recorded as seen: the genuine delivery is still answered.
    await h.deliverAndSettle(update);
    expect(h.emulator.messagesTo(lan.id)).toHaveLength(1);
  });

  it('acknowledges at once and answers in the background', async () => {
    h.emulator.delays.set('sendMessage', 400);
    const { status } = await h.deliver(textUpdate({ chat: privateChat(lan), from: lan, text: QUESTION }));
    expect(status).toBe(200);
    expect(h.deps.background.size).toBe(1);
    expect(h.emulator.messages).toHaveLength(0);
    await h.deps.background.idle();
    expect(h.emulator.messagesTo(lan.id)).toHaveLength(1);
  });

  it('answers an update delivered twice only once', async () => {
    const update = textUpdate({ chat: privateChat(lan), from: lan, text: QUESTION });
    const [first, second] = await Promise.all([h.deliver(update), h.deliver(update)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await h.deliver(update);
    expect(third.status).toBe(200);
    await h.deps.background.idle();
    expect(h.emulator.messagesTo(lan.id)).toHaveLength(1);
    expect(await h.questionCount()).toBe(1);
  });

  it('refuses malformed bodies with 4xx and keeps serving', async () => {
    const cases = [
      await postUpdate(h.url, undefined, { secret: TEST_SECRET, raw: '{"update_id": 1, "message": ' }),
      await postUpdate(h.url, undefined, { secret: TEST_SECRET, raw: '"just a string"' }),
      await postUpdate(h.url, undefined, { secret: TEST_SECRET, raw: '42' }),
      await postUpdate(h.url, [{ update_id: 1 }], { secret: TEST_SECRET }),
      await postUpdate(h.url, { message: { text: 'hi' } }, { secret: TEST_SECRET }),
      await postUpdate(h.url, { update_id: '12' }, { secret: TEST_SECRET }),
      await postUpdate(h.url, { update_id: 1.5 }, { secret: TEST_SECRET }),
    ];
    for (const res of cases) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    await h.deps.background.idle();
    expect(h.emulator.callsOf('sendMessage')).toEqual([]);

    const health = await fetch(`${h.url}/healthz`);
    expect(await health.json()).toEqual({ ok: true, channels: ['telegram'] });
    await h.deliverAndSettle(textUpdate({ chat: privateChat(lan), from: lan, text: QUESTION }));
    expect(h.emulator.messagesTo(lan.id)).toHaveLength(1);
  });

  it('after stop() deliveries get 503 (Telegram re-delivers later) and are not recorded as seen', async () => {
    const update = textUpdate({ chat: privateChat(lan), from: lan, text: QUESTION });
    await h.adapter.stop();
    expect((await h.deliver(update)).status).toBe(503);
    await h.adapter.start();
    await h.deliverAndSettle(update);
    expect(h.emulator.messagesTo(lan.id)).toHaveLength(1);
  });

  it('escapes what a user typed wherever it is echoed (here: the expert notification)', async () => {
    const expert = person(7001, 'Minh');
    await h.app.stores.users.add(
      { channel: 'telegram', channelUserId: String(expert.id), chatId: String(expert.id), displayName: 'Chuyên gia Minh', role: 'expert', topics: ['*'] },
      new Date().toISOString(),
    );
    await h.deliverAndSettle(
      textUpdate({ chat: privateChat(lan), from: lan, text: '/chuyengia <script>alert("x")</script> & hồ sơ <b>mai táng</b>?' }),
    );
    expect(h.emulator.messagesTo(lan.id)[0]!.plain).toMatch(/phiếu số #\d+/);
    await h.app.escalation.processOutbox(h.router);
    const notification = h.emulator.messagesTo(expert.id)[0]!;
    expect(notification.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; hồ sơ &lt;b&gt;mai táng&lt;/b&gt;?');
    expect(notification.plain).toContain('<script>alert("x")</script> & hồ sơ <b>mai táng</b>?');
    expect(notification.text).not.toContain('<script>');
  });
});

describe('in a group', () => {
  const group = groupChat();
  const ask = (text: string, extra: { replyTo?: import('grammy/types').Message } = {}) =>
    h.deliverAndSettle(textUpdate({ chat: group, from: lan, text, ...extra }));

  it('ignores plain messages and answers /hoi, a mention and a reply to the bot', async () => {
    await ask(QUESTION);
    await ask('/hoi@SomeOtherBot ' + QUESTION);
    await ask('@someone_else ' + QUESTION);
    expect(h.emulator.callsOf('sendMessage')).toEqual([]);
    expect(h.emulator.callsOf('sendChatAction')).toEqual([]);
    expect(await h.questionCount()).toBe(0);

    await ask(`/hoi ${QUESTION}`);
    const [byCommand] = h.emulator.messagesTo(group.id);
    expect(byCommand!.plain).toContain('Mẫu số 12');
    expect(byCommand!.reply_parameters).toMatchObject({ message_id: expect.any(Number) });

    await ask(`@${h.emulator.botInfo.username} Hồ sơ đề nghị trợ cấp thờ cúng liệt sĩ gồm những gì?`);
    const byMention = h.emulator.messagesTo(group.id)[1];
    expect(byMention!.plain).toMatch(/thờ cúng/i);
    const logged = await h.app.db.all<{ question: string; chat_id: string }>('SELECT question, chat_id FROM question_log ORDER BY id');
    expect(logged).toEqual([
      { question: QUESTION, chat_id: String(group.id) },
      { question: 'Hồ sơ đề nghị trợ cấp thờ cúng liệt sĩ gồm những gì?', chat_id: String(group.id) },
    ]);

    // A reply to the bot's answer is a follow-up question.
    await ask('còn thời hạn giải quyết bao lâu?', { replyTo: byMention!.message });
    expect(h.emulator.messagesTo(group.id)).toHaveLength(3);
    expect(await h.questionCount()).toBe(3);

    // "/hoi" alone explains how to ask instead of asking nothing.
    await ask('/hoi');
    expect(h.emulator.messagesTo(group.id)[3]!.plain).toMatch(/^Hãy gõ câu hỏi sau lệnh/);
    expect(await h.questionCount()).toBe(3);
  });

  it('/chuyengia escalates the chat\'s last question', async () => {
    await ask(`/hoi ${QUESTION}`);
    await ask('/chuyengia');
    const tickets = await h.app.escalation.listTickets();
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ question: QUESTION, reason: 'user_request', asker: { chatId: String(group.id), userId: String(lan.id) } });
  });
});

describe('private chat extras', () => {
  it('/start and /help explain how to ask (escaped), experts also see their commands', async () => {
    await h.deliverAndSettle(textUpdate({ chat: privateChat(lan), from: lan, text: '/start' }));
    const help = h.emulator.messagesTo(lan.id)[0]!;
    expect(help.plain).toContain('/hoi <câu hỏi>');
    expect(help.text).toContain('/hoi &lt;câu hỏi&gt;');
    expect(help.plain).not.toContain('/traloi');

    const expert = person(7001, 'Minh');
    await h.app.stores.users.add(
      { channel: 'telegram', channelUserId: String(expert.id), chatId: String(expert.id), displayName: 'Minh', role: 'expert', topics: ['*'] },
      new Date().toISOString(),
    );
    await h.deliverAndSettle(textUpdate({ chat: privateChat(expert), from: expert, text: '/help' }));
    expect(h.emulator.messagesTo(expert.id)[0]!.plain).toContain('/traloi <mã phiếu> <nội dung trả lời>');
    expect(await h.questionCount()).toBe(0);
  });

  it('hints on unknown commands and non-text messages', async () => {
    await h.deliverAndSettle(textUpdate({ chat: privateChat(lan), from: lan, text: '/abc' }));
    const sticker = { update_id: 990_001, message: { message_id: 1, date: 1, chat: privateChat(lan), from: lan, sticker: { file_id: 'x' } } };
    await h.deliverAndSettle(sticker as never);
    expect(h.emulator.messagesTo(lan.id).map((m) => m.plain)).toEqual([
      'Tôi không hiểu lệnh này. Gõ /help để xem cách hỏi.',
      'Hiện tôi chỉ đọc được tin nhắn chữ. Bạn hãy gõ câu hỏi nhé.',
    ]);
  });
});
