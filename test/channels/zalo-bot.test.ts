import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createZaloBotAdapter, type ZaloBotAdapterOptions } from '../../src/channels/zalo-bot/adapter.js';
import { FAILURE_REPLY, FEEDBACK_HINT, NO_PENDING_FEEDBACK, NON_TEXT_REPLY } from '../../src/channels/zalo-bot/conversation.js';
import type { ChannelAdapter } from '../../src/channels/types.js';
import { startChannelHarness, type ChannelHarness } from '../helpers/zalo-harness.js';
import { postZaloBotUpdate, wrapped, ZaloBotEmulator, zaloStickerUpdate, zaloTextUpdate } from '../helpers/zalo-bot-emulator.js';

const SECRET = 'zalo-webhook-secret-0001';
const QUESTION = 'Hồ sơ hưởng trợ cấp mai táng cho người có công gồm những gì?';
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

let emulator: ZaloBotEmulator;
let harness: ChannelHarness | undefined;
let adapter: ChannelAdapter;
let webhookUrl: string;

async function startWebhook(options: ZaloBotAdapterOptions = {}): Promise<void> {
  harness = await startChannelHarness(({ baseUrl, deps }) => {
    webhookUrl = `${baseUrl}/webhooks/zalo-bot`;
    adapter = createZaloBotAdapter(
      { token: emulator.token, apiRoot: emulator.apiRoot, mode: 'webhook', webhookUrl, webhookSecret: SECRET },
      deps,
      { replyRetryDelaysMs: [10, 10], ...options },
    );
    return [adapter];
  });
  await adapter.start();
}

/** POSTs to our webhook with the secret (`null`: without the header). */
const post = (body: unknown, secret: string | null = SECRET) => postZaloBotUpdate(webhookUrl, body, { secret: secret ?? undefined });

beforeEach(async () => {
  emulator = await new ZaloBotEmulator().start();
});

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await emulator.stop();
});

describe('Zalo Bot webhook', () => {
  it('registers its webhook, then answers a question with its legal basis in plain text under 2000 characters', async () => {
    await startWebhook();
    expect(emulator.webhook).toEqual({ url: webhookUrl, secretToken: SECRET });
    expect(emulator.callsOf('getMe')).toHaveLength(1);

    expect(await emulator.deliver(zaloTextUpdate('chat-a1', QUESTION))).toBe(200);
    const [answer] = await emulator.waitForSent('chat-a1');
    await harness!.idle();

    expect(answer!.text.startsWith('👉 ')).toBe(true); // the direct answer first (the rest comes with /chitiet)
    expect(answer!.text).toContain('/chitiet');
    expect(answer!.text).toMatch(/^Căn cứ: .+$/mu);
    expect(answer!.text).toContain('Mẫu số 12');
    expect(answer!.text).not.toMatch(/<\/?[a-z]+>/u); // no HTML
    expect(answer!.text).toContain('\n\n'); // paragraphs kept
    expect(answer!.text.endsWith(FEEDBACK_HINT)).toBe(true);
    expect(answer!.text.length).toBeLessThanOrEqual(2000);
    expect(emulator.sent).toHaveLength(1);
    expect(await harness!.questionCount()).toBe(1);
  });

  it('refuses a wrong or missing secret with 401 and processes nothing', async () => {
    await startWebhook();
    const update = zaloTextUpdate('chat-b1', QUESTION);
    expect((await post(update, 'wrong-secret-0000')).status).toBe(401);
    expect((await post(update, null)).status).toBe(401);
    expect((await post(update, `${SECRET}x`)).status).toBe(401);
    await settle();
    await harness!.idle();
    expect(emulator.sent).toHaveLength(0);
    expect(await harness!.questionCount()).toBe(0);

    // Nothing was recorded either: the same update with the right secret is still answered.
    expect((await post(update)).status).toBe(200);
    await emulator.waitForSent('chat-b1');
  });

  it('answers a re-delivered message_id once', async () => {
    await startWebhook();
    const update = zaloTextUpdate('chat-c1', QUESTION, { messageId: 'dup0000000000000001' });
    const statuses = await Promise.all([post(update), post(update)]);
    expect(statuses.map((r) => r.status)).toEqual([200, 200]);
    await harness!.idle();
    expect((await post(update)).status).toBe(200);
    await harness!.idle();
    await settle();
    expect(emulator.sentTo('chat-c1')).toHaveLength(1);
    expect(await harness!.questionCount()).toBe(1);
  });

  it('after a crash, handles at start the updates stored but unfinished; one already answered is re-sent as it was, not logged again', async () => {
    // What a process killed mid-work leaves behind, written before this adapter starts.
    harness = await startChannelHarness(({ baseUrl, deps }) => {
      webhookUrl = `${baseUrl}/webhooks/zalo-bot`;
      adapter = createZaloBotAdapter(
        { token: emulator.token, apiRoot: emulator.apiRoot, mode: 'webhook', webhookUrl, webhookSecret: SECRET },
        deps,
        { replyRetryDelaysMs: [10, 10] },
      );
      return [adapter];
    });
    const { inbox, assistant } = harness.deps;
    const pending = zaloTextUpdate('chat-r1', QUESTION, { messageId: 'crash000000000000001' });
    const answered = zaloTextUpdate('chat-r2', QUESTION, { messageId: 'crash000000000000002' });
    expect(await inbox.accept('zalo-bot', 'crash000000000000001', pending)).toBe(true);
    expect(await inbox.accept('zalo-bot', 'crash000000000000002', answered)).toBe(true);
    // The second one had been answered (and logged) when the process died, before it was marked done.
    const first = await assistant.handle({ asker: { channel: 'zalo-bot', chatId: 'chat-r2', userId: 'chat-r2' }, text: QUESTION, sourceKey: 'zalo-bot:crash000000000000002' });
    expect(await harness.questionCount()).toBe(1);

    await adapter.start();
    await harness.idle();
    await settle();
    expect(emulator.sentTo('chat-r1')).toHaveLength(1);
    expect(emulator.sentTo('chat-r1')[0]!.text).toContain('Mẫu số 12');
    expect(emulator.sentTo('chat-r2').map((m) => m.text).join('')).toContain(first.body.slice(0, 40));
    expect(await harness.questionCount()).toBe(2);
    expect(await inbox.claimAbandoned('zalo-bot', { atStart: true })).toEqual([]);
    // A re-delivery of either is recognised.
    expect((await post(pending)).status).toBe(200);
    await harness.idle();
    expect(emulator.sentTo('chat-r1')).toHaveLength(1);
  });

  it('accepts both the flat update and the {ok,result}-wrapped one', async () => {
    await startWebhook();
    expect((await post(zaloTextUpdate('chat-flat', QUESTION))).status).toBe(200);
    expect((await post(wrapped(zaloTextUpdate('chat-wrapped', QUESTION)))).status).toBe(200);
    const [flat] = await emulator.waitForSent('chat-flat');
    const [wrap] = await emulator.waitForSent('chat-wrapped');
    expect(flat!.text).toContain('Căn cứ:');
    expect(wrap!.text).toBe(flat!.text);
  });

  it('answers a sticker politely without asking the assistant, and ignores events without a message', async () => {
    await startWebhook();
    expect((await post(zaloStickerUpdate('chat-d1'))).status).toBe(200);
    expect((await post({ event_name: 'message.unsupported.received' })).status).toBe(200);
    const [reply] = await emulator.waitForSent('chat-d1');
    await harness!.idle();
    expect(reply!.text).toBe(NON_TEXT_REPLY);
    expect(emulator.sent).toHaveLength(1);
    expect(await harness!.questionCount()).toBe(0);
  });

  it('apologises when the assistant fails, and answers the next message normally', async () => {
    await startWebhook();
    vi.spyOn(harness!.app.assistant, 'handle').mockRejectedValueOnce(new Error('database is locked'));
    await post(zaloTextUpdate('chat-g1', QUESTION));
    const [sorry] = await emulator.waitForSent('chat-g1');
    expect(sorry!.text).toBe(FAILURE_REPLY);
    await post(zaloTextUpdate('chat-g1', QUESTION));
    const [, answer] = await emulator.waitForSent('chat-g1', 2);
    expect(answer!.text).toContain('Căn cứ:');
  });

  it('answers malformed JSON with 400 and keeps serving', async () => {
    await startWebhook();
    const bad = await post('{"event_name": "message.text.received", "message": {');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({ error: 'malformed JSON' });
    expect((await post('[1,2]')).status).toBe(400);
    expect((await fetch(`${harness!.baseUrl}/healthz`)).status).toBe(200);
    expect((await post(zaloTextUpdate('chat-e1', QUESTION))).status).toBe(200);
    await emulator.waitForSent('chat-e1');
  });

  it('takes "1" after an answer as feedback on it, and a lone "2" as nothing to rate', async () => {
    await startWebhook();
    await post(zaloTextUpdate('chat-f1', QUESTION));
    await emulator.waitForSent('chat-f1', 1);
    await harness!.idle();
    const row = await harness!.app.db.get<{ id: number }>('SELECT id FROM question_log ORDER BY id DESC LIMIT 1');

    await post(zaloTextUpdate('chat-f1', '1'));
    const [, thanks] = await emulator.waitForSent('chat-f1', 2);
    expect(thanks!.text).toBe('Cảm ơn bạn đã phản hồi!');
    expect(await harness!.app.log.feedbackFor(row!.id)).toEqual([{ value: 'helpful', userId: 'chat-f1' }]);

    await post(zaloTextUpdate('chat-f1', '2'));
    const sent = await emulator.waitForSent('chat-f1', 3);
    expect(sent[2]!.text).toBe(NO_PENDING_FEEDBACK);
    await harness!.idle();
    expect(await harness!.app.escalation.listTickets()).toHaveLength(0);
  });

  it('relays a long expert answer in pieces exactly once through 429 and 500 from sendMessage', async () => {
    await startWebhook();
    const { app } = harness!;
    await app.stores.users.add(
      { channel: 'zalo-bot', channelUserId: 'expert-zl-1', chatId: 'chat-expert', displayName: 'Phạm Văn Cường', role: 'expert', topics: ['*'] },
      new Date().toISOString(),
    );

    // An official asks for an expert; the expert is notified on Zalo and answers there with /traloi.
    await post(zaloTextUpdate('chat-asker', 'hỏi chuyên gia: thân nhân liệt sĩ được hỗ trợ gì khi đi thăm mộ?'));
    const [ack] = await emulator.waitForSent('chat-asker');
    const ticketId = Number(/#(\d+)/u.exec(ack!.text)?.[1]);
    expect(ticketId).toBeGreaterThan(0);
    await harness!.drainOutbox();
    const [notice] = await emulator.waitForSent('chat-expert');
    expect(notice!.text).toContain(`/traloi ${ticketId}`);

    const paragraph = 'Thân nhân liệt sĩ được hỗ trợ tiền đi lại và tiền ăn khi thăm viếng mộ liệt sĩ theo Điều 150 Nghị định 131/2021/NĐ-CP, mỗi năm một lần.';
    const answer = Array.from({ length: 30 }, (_, i) => `${i + 1}. ${paragraph}`).join('\n');
    await post(zaloTextUpdate('chat-expert', `/traloi ${ticketId} ${answer}`, { userId: 'expert-zl-1' }));
    const [, confirmation] = await emulator.waitForSent('chat-expert', 2);
    expect(confirmation!.text).toContain(`phiếu #${ticketId}`);

    emulator.failNext('sendMessage', [429, 500], { after: 1 });
    await harness!.drainOutbox();

    const relayed = emulator.sentTo('chat-asker').slice(1);
    expect(relayed.length).toBeGreaterThanOrEqual(3);
    for (const piece of relayed) expect(piece.text.length).toBeLessThanOrEqual(2000);
    const joined = relayed.map((m) => m.text).join('\n');
    expect(joined.startsWith(`Chuyên gia Phạm Văn Cường trả lời câu hỏi #${ticketId}`)).toBe(true);
    expect(joined).toContain(answer);
    expect(new Set(relayed.map((m) => m.text)).size).toBe(relayed.length); // no piece twice
    expect(emulator.callsOf('sendMessage').filter((c) => c.body.chat_id === 'chat-asker')).toHaveLength(relayed.length + 1 + 2);

    const ticket = await app.escalation.getTicket(ticketId);
    expect(ticket!.status).toBe('relayed');
    const [relay] = await app.stores.outbox.list({ ticketId, kind: 'relay' });
    expect(relay).toMatchObject({ status: 'sent', attempts: 3 });
  });
});

describe('Zalo Bot polling', () => {
  it('deletes the webhook, survives a 500 and a 408, receives one update and stops cleanly', async () => {
    emulator.webhook = { url: 'https://example.invalid/old', secretToken: 'old-secret-0001' };
    emulator.failNext('getUpdates', [500]);
    harness = await startChannelHarness(({ deps }) => {
      adapter = createZaloBotAdapter({ token: emulator.token, apiRoot: emulator.apiRoot, mode: 'polling' }, deps, {
        pollTimeoutSeconds: 1,
        pollBackoffMs: () => 20,
        replyRetryDelaysMs: [10],
      });
      return [adapter];
    });
    expect(adapter.router).toBeUndefined();
    await adapter.start();
    expect(emulator.webhook).toBeUndefined();

    await new Promise((resolve) => setTimeout(resolve, 1300)); // one long poll times out with 408
    emulator.queueUpdate(zaloTextUpdate('chat-poll', QUESTION));
    const [answer] = await emulator.waitForSent('chat-poll');
    expect(answer!.text).toContain('Căn cứ:');
    const polls = emulator.callsOf('getUpdates').length;
    expect(polls).toBeGreaterThanOrEqual(3); // the 500, the 408, the update

    const started = Date.now();
    await adapter.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    const afterStop = emulator.callsOf('getUpdates').length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(emulator.callsOf('getUpdates').length).toBe(afterStop);
    await harness.idle();
    expect(emulator.sentTo('chat-poll')).toHaveLength(1);
  });
});
