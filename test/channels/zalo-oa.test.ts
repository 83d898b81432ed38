import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config.js';
import { SqliteChannelStateStore } from '../../src/storage/sqlite/channel-state-repository.js';
import type { ChannelAdapter } from '../../src/channels/types.js';
import { FEEDBACK_HINT } from '../../src/channels/zalo-bot/conversation.js';
import { createZaloOaAdapter } from '../../src/channels/zalo-oa/adapter.js';
import { OA_TOKENS_KEY, type StoredOaTokens } from '../../src/channels/zalo-oa/tokens.js';
import { startChannelHarness, type ChannelHarness } from '../helpers/zalo-harness.js';
import { oaTextEvent, postOaEvent, ZaloOaEmulator } from '../helpers/zalo-oa-emulator.js';

const OA_SECRET = 'oa-secret-key-xyz';
const QUESTION = 'Hồ sơ hưởng trợ cấp mai táng cho người có công gồm những gì?';
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

let oa: ZaloOaEmulator;
let harness: ChannelHarness | undefined;
let adapter: ChannelAdapter;
let state: SqliteChannelStateStore;
let config: NonNullable<AppConfig['zaloOa']>;
let webhookUrl: string;

beforeEach(async () => {
  oa = await new ZaloOaEmulator().start();
  config = oa.adapterConfig(OA_SECRET);
  harness = await startChannelHarness(({ baseUrl, deps, app }) => {
    webhookUrl = `${baseUrl}/webhooks/zalo-oa`;
    state = new SqliteChannelStateStore(app.db);
    adapter = createZaloOaAdapter(config, { ...deps, state }, { replyRetryDelaysMs: [10] });
    return [adapter];
  });
  await adapter.start();
});

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await oa.stop();
});

const send = (userId: string, text: string, options: { msgId?: string } = {}) =>
  postOaEvent(webhookUrl, oaTextEvent(oa.appId, userId, text, options), { secretKey: OA_SECRET });

async function storedTokens(): Promise<StoredOaTokens> {
  return JSON.parse((await state.get('zalo-oa', OA_TOKENS_KEY))!) as StoredOaTokens;
}

describe('Zalo OA webhook', () => {
  it('answers a signed user_send_text through the consultation message endpoint', async () => {
    expect((await send('6300000000000000003', QUESTION)).status).toBe(200);
    const [answer] = await oa.waitForSent('6300000000000000003');
    expect(answer!.accessToken).toBe('oa-access-0');
    expect(answer!.text.startsWith('👉 ')).toBe(true); // the direct answer first (the rest comes with /chitiet)
    expect(answer!.text).toContain('/chitiet');
    expect(answer!.text).toMatch(/^Căn cứ: .+$/mu);
    expect(answer!.text.endsWith(FEEDBACK_HINT)).toBe(true);
    expect(answer!.text.length).toBeLessThanOrEqual(2000);
    await harness!.idle();
    expect(await harness!.questionCount()).toBe(1);
  });

  it('refuses a wrong, missing or stale signature with 401 and processes nothing', async () => {
    const event = oaTextEvent(oa.appId, '6300000000000000004', QUESTION);
    const attempts = [
      postOaEvent(webhookUrl, event, { secretKey: 'not-the-oa-secret' }),
      postOaEvent(webhookUrl, event, { secretKey: oa.appSecret }), // the app secret is not the OA secret key
      postOaEvent(webhookUrl, event, { secretKey: OA_SECRET, signature: null }),
      postOaEvent(webhookUrl, event, { secretKey: OA_SECRET, signature: 'mac=' }),
      postOaEvent(webhookUrl, event, { secretKey: OA_SECRET, alterAfterSigning: (raw) => raw.replace('mai táng', 'mai tang') }),
      postOaEvent(webhookUrl, event, { secretKey: OA_SECRET, alterAfterSigning: (raw) => raw.replace('"user_send_text"', '"user_send_text" ') }),
    ];
    for (const response of await Promise.all(attempts)) expect(response.status).toBe(401);
    await settle();
    await harness!.idle();
    expect(oa.sent).toHaveLength(0);
    expect(await harness!.questionCount()).toBe(0);

    // The untouched event with the right signature still goes through (nothing was recorded as seen).
    expect((await postOaEvent(webhookUrl, event, { secretKey: OA_SECRET })).status).toBe(200);
    await oa.waitForSent('6300000000000000004');
  });

  it('accepts other signed events with 200 without answering them', async () => {
    const follow = { app_id: oa.appId, event_name: 'follow', timestamp: String(Date.now()), follower: { id: '6300000000000000005' } };
    const sticker = { ...oaTextEvent(oa.appId, '6300000000000000005', ''), event_name: 'user_send_sticker' };
    expect((await postOaEvent(webhookUrl, follow, { secretKey: OA_SECRET })).status).toBe(200);
    expect((await postOaEvent(webhookUrl, sticker, { secretKey: OA_SECRET })).status).toBe(200);
    await settle();
    await harness!.idle();
    expect(oa.sent).toHaveLength(0);
    expect(await harness!.questionCount()).toBe(0);
  });

  it('answers a re-delivered msg_id once', async () => {
    const event = oaTextEvent(oa.appId, '6300000000000000006', QUESTION, { msgId: 'c0ffee00c0ffee00c0ff' });
    const first = await Promise.all([1, 2].map(() => postOaEvent(webhookUrl, event, { secretKey: OA_SECRET })));
    expect(first.map((r) => r.status)).toEqual([200, 200]);
    await harness!.idle();
    expect((await postOaEvent(webhookUrl, event, { secretKey: OA_SECRET })).status).toBe(200);
    await harness!.idle();
    await settle();
    expect(oa.sentTo('6300000000000000006')).toHaveLength(1);
    expect(await harness!.questionCount()).toBe(1);
  });
});

describe('Zalo OA tokens', () => {
  it('refreshes an expired access token once, persists the rotated pair and never reuses a refresh token', async () => {
    oa.expireAccessToken();
    await send('6300000000000000007', QUESTION);
    const [answer] = await oa.waitForSent('6300000000000000007');
    expect(answer!.accessToken).toBe('oa-access-1');
    expect(oa.refreshCalls).toEqual([
      {
        appId: oa.appId,
        refreshToken: 'oa-refresh-0',
        grantType: 'refresh_token',
        secretKey: oa.appSecret,
        contentType: 'application/x-www-form-urlencoded',
      },
    ]);
    expect(await storedTokens()).toMatchObject({ accessToken: 'oa-access-1', refreshToken: 'oa-refresh-1' });
    expect(Date.parse((await storedTokens()).accessExpiresAt!)).toBeGreaterThan(Date.now() + 24 * 3600_000);

    // Two messages meet the next expiry at once: one refresh serves both.
    oa.expireAccessToken();
    oa.refreshDelayMs = 100;
    await Promise.all([send('6300000000000000008', QUESTION), send('6300000000000000009', QUESTION)]);
    await oa.waitForSent('6300000000000000008');
    await oa.waitForSent('6300000000000000009');
    await harness!.idle();
    expect(oa.refreshCalls.map((c) => c.refreshToken)).toEqual(['oa-refresh-0', 'oa-refresh-1']);
    expect(await storedTokens()).toMatchObject({ accessToken: 'oa-access-2', refreshToken: 'oa-refresh-2' });

    // After a restart the stored pair wins over the (already rotated) configured one.
    const restarted = createZaloOaAdapter(config, { ...harness!.deps, state: new SqliteChannelStateStore(harness!.app.db) });
    await restarted.start();
    oa.expireAccessToken();
    oa.refreshDelayMs = 0;
    const result = await restarted.port.send({ id: 999, channel: 'zalo-oa', chatId: '6300000000000000007', kind: 'notify', text: 'Thông báo thử' });
    expect(result).toEqual({ ok: true });
    expect(oa.refreshCalls.map((c) => c.refreshToken)).toEqual(['oa-refresh-0', 'oa-refresh-1', 'oa-refresh-2']);
    expect(oa.sentTo('6300000000000000007').at(-1)).toMatchObject({ text: 'Thông báo thử', accessToken: 'oa-access-3' });
  });

  it('fails a send as non-retryable when Zalo refuses the refresh token', async () => {
    oa.expireAccessToken();
    oa.refreshToken = 'rotated-elsewhere';
    const result = await adapter.port.send({ id: 1, channel: 'zalo-oa', chatId: '6300000000000000010', kind: 'relay', text: 'x' });
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(oa.sent).toHaveLength(0);
  });
});

describe('Zalo OA relays and the messaging window', () => {
  it('parks a relay refused outside the window as relay_pending and delivers it at the user next message', async () => {
    const { app } = harness!;
    const user = '6300000000000000011';
    const expert = '6300000000000000099';
    await app.stores.users.add(
      { channel: 'zalo-oa', channelUserId: expert, chatId: expert, displayName: 'Hoàng Thị Dung', role: 'expert', topics: ['*'] },
      new Date().toISOString(),
    );

    await send(user, 'hỏi chuyên gia: thân nhân liệt sĩ được hỗ trợ gì khi đi thăm mộ?');
    const [ack] = await oa.waitForSent(user);
    const ticketId = Number(/#(\d+)/u.exec(ack!.text)?.[1]);
    await harness!.drainOutbox();
    const [notice] = await oa.waitForSent(expert);
    expect(notice!.text).toContain(`/traloi ${ticketId}`);

    await send(expert, `/traloi ${ticketId} Thân nhân liệt sĩ được hỗ trợ tiền đi lại và tiền ăn khi thăm viếng mộ liệt sĩ, mỗi năm một lần.`);
    await oa.waitForSent(expert, 2);
    await harness!.idle();
    expect((await app.escalation.getTicket(ticketId))!.status).toBe('answered');

    // Two days later the user has not written again: the OA may not message them.
    oa.outsideWindow.add(user);
    await harness!.drainOutbox();
    expect((await app.escalation.getTicket(ticketId))!.status).toBe('relay_pending');
    const [relay] = await app.stores.outbox.list({ ticketId, kind: 'relay' });
    expect(relay).toMatchObject({ status: 'failed', attempts: 1 });
    expect(oa.sentTo(user)).toHaveLength(1);

    // The user writes again: the window reopens, and the pending relay goes out once.
    oa.outsideWindow.delete(user);
    await send(user, QUESTION);
    await oa.waitForSent(user, 2);
    await harness!.idle();
    await harness!.drainOutbox();
    const received = oa.sentTo(user).map((m) => m.text);
    expect(received).toHaveLength(3);
    expect(received[2]).toContain(`Chuyên gia Hoàng Thị Dung trả lời câu hỏi #${ticketId}`);
    expect((await app.escalation.getTicket(ticketId))!.status).toBe('relayed');
    await harness!.drainOutbox();
    expect(oa.sentTo(user)).toHaveLength(3);
  });
});
