import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTelegramAdapter } from '../../src/channels/telegram/adapter.js';
import type { ChannelAdapter } from '../../src/channels/types.js';
import { createZaloBotAdapter } from '../../src/channels/zalo-bot/adapter.js';
import { person, postUpdate, privateChat, TelegramEmulator, TEST_SECRET, textUpdate } from '../helpers/telegram-emulator.js';
import { ZaloBotEmulator, zaloTextUpdate } from '../helpers/zalo-bot-emulator.js';
import { startChannelHarness, type ChannelHarness } from '../helpers/zalo-harness.js';

const ZALO_SECRET = 'zalo-webhook-secret-0001';

let telegram: TelegramEmulator;
let zalo: ZaloBotEmulator;
let harness: ChannelHarness;
let adapters: ChannelAdapter[];
let baseUrlOfServer: string;

beforeEach(async () => {
  telegram = await TelegramEmulator.start();
  zalo = await new ZaloBotEmulator().start();
  harness = await startChannelHarness(({ baseUrl, deps }) => {
    baseUrlOfServer = baseUrl;
    adapters = [
      createTelegramAdapter(
        // Telegram registers a public HTTPS address; deliveries in the test go straight to the local route.
        { token: telegram.token, mode: 'webhook', webhookUrl: 'https://trolyxa.example.vn/webhooks/telegram', webhookSecret: TEST_SECRET, apiRoot: telegram.apiRoot },
        deps,
      ),
      createZaloBotAdapter(
        { token: zalo.token, apiRoot: zalo.apiRoot, mode: 'webhook', webhookUrl: `${baseUrl}/webhooks/zalo-bot`, webhookSecret: ZALO_SECRET },
        deps,
      ),
    ];
    return adapters;
  });
  for (const adapter of adapters) await adapter.start();
});

afterEach(async () => {
  await harness.close();
  await telegram.close();
  await zalo.stop();
});

describe('experts and askers on different channels', () => {
  it('an expert on Telegram answers a question asked on Zalo, and the Zalo user receives the answer', async () => {
    const expert = person(7001, 'Minh', { last_name: 'Trần' });
    await harness.app.stores.users.add(
      { channel: 'telegram', channelUserId: '7001', chatId: '7001', displayName: 'Minh (Sở Nội vụ)', role: 'expert', topics: ['*'] },
      new Date().toISOString(),
    );

    // A commune official asks on Zalo for an expert.
    const question = 'hỏi chuyên gia: Người có công chuyển hộ khẩu sang tỉnh khác thì hồ sơ mai táng nộp ở đâu?';
    expect(await zalo.deliver(zaloTextUpdate('zalo-chat-9', question))).toBe(200);
    const [ack] = await zalo.waitForSent('zalo-chat-9');
    await harness.idle();
    const ticketId = Number(/#(\d+)/.exec(ack!.text)?.[1]);
    expect(ticketId).toBeGreaterThan(0);

    // The expert is notified on Telegram and answers by replying to the notification.
    await harness.drainOutbox();
    const notification = await telegram.waitFor(() => telegram.messagesTo(7001).find((m) => m.plain.includes(`#${ticketId}`)));
    expect(notification.plain).toContain('Zalo Bot');
    const answer = 'Hồ sơ nộp tại UBND xã nơi đang quản lý hồ sơ người có công; nếu đã di chuyển hồ sơ thì nộp ở xã mới.';
    const delivered = await postUpdate(baseUrlOfServer, textUpdate({ chat: privateChat(expert), from: expert, text: answer, replyTo: notification.message }), {
      secret: TEST_SECRET,
    });
    expect(delivered.status).toBe(200);
    await harness.idle();

    // The outbox relays it through the Zalo adapter to the original Zalo chat.
    await harness.drainOutbox();
    const relayed = await zalo.waitForSent('zalo-chat-9', 2);
    expect(relayed[1]!.text).toContain(answer);
    expect((await harness.app.escalation.getTicket(ticketId))!.status).toBe('relayed');
    // Nothing went to a Telegram chat of the asker.
    expect(telegram.messagesTo('zalo-chat-9')).toEqual([]);
  });
});
