import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteChannelStateStore } from '../../src/storage/sqlite/channel-state-repository.js';
import { isAddressedToBot, isReplyToTicketNotification, mentionsBot } from '../../src/channels/telegram/filters.js';
import type { ChannelAdapter } from '../../src/channels/types.js';
import { createZaloBotAdapter } from '../../src/channels/zalo-bot/adapter.js';
import { createZaloOaAdapter } from '../../src/channels/zalo-oa/adapter.js';
import type { Logger } from '../../src/logger.js';
import { person, postUpdate, privateChat, startTelegramHarness, TEST_BOT_INFO, TEST_SECRET, type TelegramHarness } from '../helpers/telegram-emulator.js';
import { startChannelHarness, type ChannelHarness } from '../helpers/zalo-harness.js';
import { ZaloBotEmulator, zaloTextUpdate } from '../helpers/zalo-bot-emulator.js';
import { oaSignature, oaTextEvent, ZaloOaEmulator } from '../helpers/zalo-oa-emulator.js';

/*
 * Issue 15, point 4, behind and in front of the authentication: a body from a client without the secret
 * (or signature) is refused before it is parsed — whatever it holds, the answer is 401, never a parse
 * error; a body with the right secret that is malformed (deeply nested, not JSON, a mistyped field such
 * as a Telegram `message.text` that is an object) is answered 400 — not 500, which makes a platform
 * re-deliver for ever — logged once however often it comes back, and never stored, so nothing replays
 * it at the next start.
 */

const QUESTION = 'Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?';
const ZALO_BOT_SECRET = 'zalo-webhook-secret-malformed-01';
const OA_SECRET = 'oa-secret-key-malformed';

/** 100,000 nested arrays inside an otherwise valid body (JSON.stringify of it throws RangeError). */
const DEEP = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A logger that keeps its lines (JSON objects) for the test to read. */
function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

const linesWith = (lines: LogLine[], msg: string) => lines.filter((l) => l.msg === msg);

async function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, text: await response.text() };
}

describe('Telegram webhook', () => {
  let h: TelegramHarness;
  let lines: LogLine[];
  const lan = person(515_001, 'Lan');
  const url = () => `${h.url}/webhooks/telegram`;
  const withSecret = { 'X-Telegram-Bot-Api-Secret-Token': TEST_SECRET };

  beforeAll(async () => {
    const capture = capturingLogger();
    lines = capture.lines;
    h = await startTelegramHarness({ logger: capture.logger, adapter: { throttle: false } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses a body without the secret before parsing it: 401 whatever it holds', async () => {
    for (const body of ['{"update_id":', DEEP, 'not json at all', JSON.stringify({ update_id: 1, message: { text: {} } })]) {
      const res = await post(url(), body, {});
      expect(res.status).toBe(401);
      expect(res.text).toBe('secret token is wrong');
    }
  });

  it('answers 400 to deeply nested JSON with the secret (not 500), logs it once and stores nothing', async () => {
    const body = `{"update_id":515001,"message":{"message_id":1,"date":1,"chat":{"id":515001,"type":"private"},"text":"x","junk":${DEEP}}}`;
    const first = await post(url(), body, withSecret);
    const again = await post(url(), body, withSecret);
    expect([first.status, again.status]).toEqual([400, 400]);
    expect(JSON.parse(first.text)).toEqual({ error: 'JSON nested deeper than 32 levels' });
    const logged = linesWith(lines, 'telegram webhook: update refused as malformed');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ reason: 'JSON nested deeper than 32 levels', status: 400, bytes: Buffer.byteLength(body) });
    expect(JSON.stringify(logged[0])).not.toContain(TEST_SECRET);
    expect(await h.app.db.get('SELECT count(*) AS n FROM processed_updates')).toEqual({ n: 0 });
    expect(linesWith(lines, 'cannot store an incoming update; the platform will deliver it again')).toEqual([]);
  });

  it('answers 400 to a message.text that is an object (and other mistyped fields), without a throw', async () => {
    const chat = privateChat(lan);
    const mistyped = [
      { update_id: 515_002, message: { message_id: 2, date: 1, chat, from: lan, text: { toString: 'x' } } },
      { update_id: 515_003, message: { message_id: 3, date: 1, chat: { id: -100, type: 'supergroup' }, from: lan, text: ['@TroLyXaTestBot'] } },
      { update_id: 515_004, message: { message_id: 4, date: 1, chat, from: lan, text: '/start', entities: [{ type: 'bot_command', offset: '0', length: 6 }] } },
      { update_id: 515_005, message: { message_id: 5, date: 1, chat, from: { ...lan, first_name: 42 }, text: QUESTION } },
      { update_id: 515_006, callback_query: { id: 'cb', from: lan, chat_instance: 'ci', data: { claim: 1 } } },
    ];
    const results = await Promise.all(mistyped.map((update) => postUpdate(h.url, update, { secret: TEST_SECRET })));
    expect(results.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
    expect(results.map((r) => (JSON.parse(r.text) as { error: string }).error)).toEqual([
      'message.text: expected a string',
      'message.text: expected a string',
      'message.entities[0].offset: expected a non-negative integer',
      'message.from.first_name: expected a string',
      'callback_query.data: expected a string',
    ]);
    await h.deps.background.idle();
    expect(h.emulator.callsOf('sendMessage')).toEqual([]);
    expect(linesWith(lines, 'telegram: handling an update failed')).toEqual([]);
    expect(await h.app.db.get('SELECT count(*) AS n FROM processed_updates')).toEqual({ n: 0 });

    // A restart replays nothing: none of them was stored.
    await h.adapter.start();
    await h.deps.background.idle();
    expect(h.emulator.callsOf('sendMessage')).toEqual([]);
  });

  it('keeps the predicates total: a mistyped message that reached the bot another way makes none of them throw', () => {
    const message = { message_id: 1, date: 1, chat: { id: -1, type: 'group' }, text: { a: 1 }, entities: [null, { type: 'text_mention' }] };
    const ctx = { message, me: TEST_BOT_INFO } as never;
    expect(isAddressedToBot(ctx)).toBe(false);
    expect(isReplyToTicketNotification(ctx)).toBe(false);
    expect(mentionsBot(message as never, TEST_BOT_INFO)).toBe(false);
  });

  it('still answers a genuine question', async () => {
    const res = await postUpdate(
      h.url,
      { update_id: 515_100, message: { message_id: 100, date: Math.floor(Date.now() / 1000), chat: privateChat(lan), from: lan, text: QUESTION } },
      { secret: TEST_SECRET },
    );
    expect(res.status).toBe(200);
    await h.deps.background.idle();
    expect(h.emulator.messagesTo(lan.id)[0]!.plain).toContain('Mẫu số 12');
  });
});

describe('Zalo Bot webhook', () => {
  let emulator: ZaloBotEmulator;
  let harness: ChannelHarness;
  let adapter: ChannelAdapter;
  let webhook: string;
  let lines: LogLine[];
  const withSecret = { 'X-Bot-Api-Secret-Token': ZALO_BOT_SECRET };

  beforeAll(async () => {
    const capture = capturingLogger();
    lines = capture.lines;
    emulator = await new ZaloBotEmulator().start();
    harness = await startChannelHarness(({ baseUrl, deps }) => {
      webhook = `${baseUrl}/webhooks/zalo-bot`;
      adapter = createZaloBotAdapter(
        { token: emulator.token, apiRoot: emulator.apiRoot, mode: 'webhook', webhookUrl: webhook, webhookSecret: ZALO_BOT_SECRET },
        { ...deps, logger: capture.logger },
      );
      return [adapter];
    });
    await adapter.start();
  });
  afterAll(async () => {
    await harness?.close();
    await emulator?.stop();
  });

  it('refuses a body without the secret before parsing it: 401 whatever it holds', async () => {
    for (const body of ['{"event_name":', DEEP, 'not json']) expect((await post(webhook, body, {})).status).toBe(401);
  });

  it('answers 400 to deeply nested JSON and to a text that is not a string, logs each once, stores nothing', async () => {
    const update = zaloTextUpdate('chat-malformed', QUESTION);
    const deep = `${JSON.stringify(update).slice(0, -1)},"junk":${DEEP}}`;
    const mistyped = JSON.stringify({ ...update, message: { ...(update.message as object), text: { vi: QUESTION } } });
    for (const body of [deep, deep, mistyped, mistyped]) expect((await post(webhook, body, withSecret)).status).toBe(400);
    const logged = linesWith(lines, 'webhook refused: malformed update');
    expect(logged.map((l) => l.reason)).toEqual(['JSON nested deeper than 32 levels', 'message.text: expected a string']);
    await harness.idle();
    expect(emulator.callsOf('sendMessage')).toEqual([]);
    expect(await harness.app.db.get("SELECT count(*) AS n FROM processed_updates WHERE channel = 'zalo-bot'")).toEqual({ n: 0 });
  });

  it('recognises an event without a message id delivered twice (same bytes) and answers it once', async () => {
    const sticker = { event_name: 'message.sticker.received', message: { date: 1_767_225_601_456, chat: { id: 'chat-noid' }, from: { id: 'chat-noid' }, sticker: 's1' } };
    const body = JSON.stringify(sticker);
    expect((await post(webhook, body, withSecret)).status).toBe(200);
    expect((await post(webhook, body, withSecret)).status).toBe(200);
    await harness.idle();
    expect(emulator.sentTo('chat-noid')).toHaveLength(1);
  });
});

describe('Zalo OA webhook', () => {
  let oa: ZaloOaEmulator;
  let harness: ChannelHarness;
  let adapter: ChannelAdapter;
  let webhook: string;
  let lines: LogLine[];
  const sign = (raw: string, appId: string, timestamp: string) => ({ 'X-ZEvent-Signature': oaSignature(appId, raw, timestamp, OA_SECRET) });

  beforeAll(async () => {
    const capture = capturingLogger();
    lines = capture.lines;
    oa = await new ZaloOaEmulator().start();
    harness = await startChannelHarness(({ baseUrl, deps, app }) => {
      webhook = `${baseUrl}/webhooks/zalo-oa`;
      adapter = createZaloOaAdapter(oa.adapterConfig(OA_SECRET), { ...deps, logger: capture.logger, state: new SqliteChannelStateStore(app.db) });
      return [adapter];
    });
    await adapter.start();
  });
  afterAll(async () => {
    await harness?.close();
    await oa?.stop();
  });

  it('refuses an unsigned body before parsing it: 401 whatever it holds', async () => {
    const forged = { 'X-ZEvent-Signature': `mac=${'ab'.repeat(32)}` };
    for (const body of ['{"app_id":', DEEP, `{"app_id":"${oa.appId}","timestamp":"1","x":${DEEP}}`]) {
      expect((await post(webhook, body, forged)).status).toBe(401);
      expect((await post(webhook, body, {})).status).toBe(401);
      expect((await post(webhook, body, { 'X-ZEvent-Signature': 'mac=short' })).status).toBe(401);
    }
  });

  it('answers 400 to a signed event nested too deeply or with a mistyped field, logs each once, stores nothing', async () => {
    const timestamp = String(Date.now());
    const deep = `{"app_id":"${oa.appId}","timestamp":"${timestamp}","event_name":"user_send_text","junk":${DEEP}}`;
    const mistyped = JSON.stringify({ ...oaTextEvent(oa.appId, '6300000000000016001', QUESTION, { timestamp }), message: { msg_id: 'm-mistyped', text: { a: 1 } } });
    for (const raw of [deep, deep, mistyped, mistyped]) expect((await post(webhook, raw, sign(raw, oa.appId, timestamp))).status).toBe(400);
    expect(linesWith(lines, 'webhook refused: malformed event').map((l) => l.reason)).toEqual([
      'JSON nested deeper than 32 levels',
      'message.text: expected a string',
    ]);
    await harness.idle();
    expect(oa.sent).toEqual([]);
    expect(await harness.app.db.get("SELECT count(*) AS n FROM processed_updates WHERE channel = 'zalo-oa'")).toEqual({ n: 0 });
  });
});
