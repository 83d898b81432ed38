import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteChannelStateStore } from '../../src/storage/sqlite/channel-state-repository.js';
import type { SqliteUpdateInbox } from '../../src/storage/sqlite/inbox-repository.js';
import type { ChannelAdapter } from '../../src/channels/types.js';
import { FAILURE_REPLY } from '../../src/channels/zalo-bot/conversation.js';
import { createZaloOaAdapter } from '../../src/channels/zalo-oa/adapter.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';
import { startChannelHarness, type ChannelHarness } from '../helpers/zalo-harness.js';
import { oaSignature, oaTextEvent, ZaloOaEmulator } from '../helpers/zalo-oa-emulator.js';

/*
 * Issue 15, point 7: replayed and foreign Zalo OA events, all correctly signed with the OA secret key
 * (a captured delivery, or a secret key shared by mistake with another app). An event dated outside the
 * freshness window is not answered (one dated 2020 was); one naming another app_id than ZALO_OA_APP_ID is
 * refused; a replay after the inbox forgot the event (7-day prune) is a duplicate, answered 200 with
 * nothing sent (it used to send the user "Xin lỗi… đang gặp sự cố"); an event without msg_id delivered
 * twice is handled once.
 */

const OA_SECRET = 'oa-secret-key-replay';
const QUESTION = 'Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?';

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

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

let oa: ZaloOaEmulator;
let harness: ChannelHarness | undefined;
let webhook: string;
let lines: LogLine[];

/** A harness whose OA adapter has `config` changes (e.g. its freshness window). */
async function start(config: Partial<NonNullable<AppConfig['zaloOa']>> = {}): Promise<void> {
  const capture = capturingLogger();
  lines = capture.lines;
  oa = await new ZaloOaEmulator().start();
  let adapter!: ChannelAdapter;
  harness = await startChannelHarness(({ baseUrl, deps, app }) => {
    webhook = `${baseUrl}/webhooks/zalo-oa`;
    adapter = createZaloOaAdapter({ ...oa.adapterConfig(OA_SECRET), ...config }, { ...deps, logger: capture.logger, state: new SqliteChannelStateStore(app.db) });
    return [adapter];
  });
  await adapter.start();
}

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await oa?.stop();
});

/** POSTs the exact text `raw`, signed with the OA secret key over the app_id and timestamp given. */
async function postSigned(raw: string, appId: string, timestamp: string): Promise<number> {
  const response = await fetch(webhook, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-ZEvent-Signature': oaSignature(appId, raw, timestamp, OA_SECRET) },
    body: raw,
  });
  await response.arrayBuffer();
  return response.status;
}

/** A signed user_send_text as Zalo would post it; returns its raw text (to deliver it again byte for byte). */
function textEvent(userId: string, text: string, options: { timestamp?: string; msgId?: string | null; appId?: string } = {}): { raw: string; appId: string; timestamp: string } {
  const appId = options.appId ?? oa.appId;
  const timestamp = options.timestamp ?? String(Date.now());
  const event = oaTextEvent(appId, userId, text, { timestamp, ...(options.msgId && { msgId: options.msgId }) });
  if (options.msgId === null) delete (event.message as Record<string, unknown>).msg_id;
  return { raw: JSON.stringify(event), appId, timestamp };
}

const deliver = (e: { raw: string; appId: string; timestamp: string }) => postSigned(e.raw, e.appId, e.timestamp);
const questions = async () => (await harness!.app.db.get<{ n: number }>('SELECT count(*) AS n FROM question_log'))!.n;
const stored = async () => (await harness!.app.db.get<{ n: number }>("SELECT count(*) AS n FROM processed_updates WHERE channel = 'zalo-oa'"))!.n;
const withMsg = (msg: string) => lines.filter((l) => l.msg === msg);

describe('Zalo OA events out of their freshness window', () => {
  it('does not answer an event dated 2020, nor one dated ahead of the allowed skew; logs each once', async () => {
    await start();
    const old = textEvent('6300000000000017001', QUESTION, { timestamp: String(Date.UTC(2020, 5, 1)) });
    const ahead = textEvent('6300000000000017002', QUESTION, { timestamp: String(Date.now() + 10 * 60_000) });
    expect([await deliver(old), await deliver(old), await deliver(ahead)]).toEqual([200, 200, 200]);
    await harness!.idle();
    expect(oa.sent).toEqual([]);
    expect(await questions()).toBe(0);
    expect(await stored()).toBe(0);
    const ignored = lines.filter((l) => typeof l.msg === 'string' && l.msg.includes('event ignored (outside the freshness window'));
    expect(ignored.map((l) => l.msg.split(' ')[1])).toEqual(['stale', 'future']);
    expect(ignored[0]!.ageSeconds).toBeGreaterThan(5 * 365 * 24 * 3600);

    // A fresh one from the same user is answered.
    expect(await deliver(textEvent('6300000000000017001', QUESTION))).toBe(200);
    await harness!.idle();
    expect(oa.sentTo('6300000000000017001')).toHaveLength(1);
  });

  it('takes the window from the configuration (ZALO_OA_EVENT_MAX_AGE_SECONDS, ZALO_OA_EVENT_MAX_SKEW_SECONDS)', async () => {
    const base = { ZALO_OA_APP_ID: '41', ZALO_OA_SECRET_KEY: 'k', ZALO_OA_ACCESS_TOKEN: 't' };
    expect(loadConfig(base).zaloOa).toMatchObject({ eventMaxAgeMs: 600_000, eventMaxSkewMs: 120_000 });
    expect(loadConfig({ ...base, ZALO_OA_EVENT_MAX_AGE_SECONDS: '7200', ZALO_OA_EVENT_MAX_SKEW_SECONDS: '0' }).zaloOa).toMatchObject({
      eventMaxAgeMs: 7_200_000,
      eventMaxSkewMs: 0,
    });

    // With two hours allowed, an event an hour old is answered; by default (10 minutes) it is not.
    await start({ eventMaxAgeMs: 2 * 3_600_000 });
    expect(await deliver(textEvent('6300000000000017003', QUESTION, { timestamp: String(Date.now() - 3_600_000) }))).toBe(200);
    await harness!.idle();
    expect(oa.sentTo('6300000000000017003')).toHaveLength(1);
  });
});

describe('Zalo OA events for another app', () => {
  it('refuses a signed event whose app_id is not ZALO_OA_APP_ID with 403, sends nothing, logs an error once', async () => {
    await start();
    const foreign = textEvent('6300000000000017010', QUESTION, { appId: '4199999999999999999' });
    expect([await deliver(foreign), await deliver(foreign)]).toEqual([403, 403]);
    await harness!.idle();
    expect(oa.sent).toEqual([]);
    expect(await stored()).toBe(0);
    const logged = withMsg('webhook refused: the event is for another app_id than ZALO_OA_APP_ID');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 50, appId: '4199999999999999999', status: 403 });
    expect(JSON.stringify(lines)).not.toContain(OA_SECRET);
  });
});

describe('Zalo OA replays and events without msg_id', () => {
  it('answers a replay after the inbox was pruned with 200 and sends nothing', async () => {
    await start({ eventMaxAgeMs: 24 * 3_600_000 });
    const event = textEvent('6300000000000017020', QUESTION, { msgId: 'c0ffee0000000000replay' });
    expect(await deliver(event)).toBe(200);
    await harness!.idle();
    expect(oa.sentTo('6300000000000017020')).toHaveLength(1);

    // The daily prune forgets handled updates (here: all of them), then the same delivery comes again.
    expect(await (harness!.deps.inbox as SqliteUpdateInbox).prune(-60_000)).toBe(1);
    expect(await stored()).toBe(0);
    expect(await deliver(event)).toBe(200);
    await harness!.idle();
    expect(oa.sentTo('6300000000000017020')).toHaveLength(1);
    expect(oa.sent.map((m) => m.text)).not.toContain(FAILURE_REPLY);
    expect(await questions()).toBe(1);
    expect(withMsg('could not answer a message')).toEqual([]);
    expect(withMsg('duplicate update ignored')).toHaveLength(1);
  });

  it('handles an event without msg_id once however often it is delivered; another one is handled too', async () => {
    await start();
    const first = textEvent('6300000000000017030', QUESTION, { msgId: null });
    const second = textEvent('6300000000000017030', 'Thủ tục trợ cấp thờ cúng liệt sĩ cần giấy tờ gì?', { msgId: null });
    expect(JSON.parse(first.raw).message).not.toHaveProperty('msg_id');
    expect(await Promise.all([deliver(first), deliver(first)])).toEqual([200, 200]);
    await harness!.idle();
    expect(await deliver(first)).toBe(200);
    await harness!.idle();
    expect(oa.sentTo('6300000000000017030')).toHaveLength(1);
    expect(await questions()).toBe(1);

    expect(await deliver(second)).toBe(200);
    await harness!.idle();
    expect(oa.sentTo('6300000000000017030')).toHaveLength(2);
    expect(await questions()).toBe(2);
  });
});
