import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZaloBotAdapter } from '../../src/channels/zalo-bot/adapter.js';
import { createZaloOaAdapter } from '../../src/channels/zalo-oa/adapter.js';
import { SqliteChannelStateStore } from '../../src/storage/sqlite/channel-state-repository.js';
import type { ChannelAdapter } from '../../src/channels/types.js';
import { person, privateChat, startTelegramHarness, TEST_SECRET, textUpdate, type TelegramHarness } from '../helpers/telegram-emulator.js';
import { startChannelHarness, type ChannelHarness } from '../helpers/zalo-harness.js';
import { ZaloBotEmulator, zaloTextUpdate } from '../helpers/zalo-bot-emulator.js';
import { oaSignature, oaTextEvent, postOaEvent, ZaloOaEmulator } from '../helpers/zalo-oa-emulator.js';

/*
 * Hostile bodies on the three webhook routes, over real HTTP on 127.0.0.1 and always with the right
 * secret or signature, so that what is exercised is the parsing and handling behind the authentication:
 * random JSON, update-shaped objects with wrong types in every field (refused with 400 before they are
 * stored), updates of the right types with hostile values (taken, and handled by the bot), bytes that are
 * not JSON, truncated JSON, a gzip bomb. Whatever arrives, the route answers 200 or 4xx (never 5xx), the
 * server keeps answering /healthz, and a genuine message afterwards is still answered. An unhandled
 * rejection in the background work would be reported by vitest and fail the run.
 *
 * Seeds are fixed so CI runs are reproducible; numRuns stays modest so the file stays fast.
 */

const QUESTION = 'Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?';
const ZALO_BOT_SECRET = 'zalo-webhook-secret-hostile-01';
const OA_SECRET = 'oa-secret-key-hostile';

// ── generators ───────────────────────────────────────────────────────────────────────────────────────

/**
 * A number literal written as is into the JSON text (JSON.stringify could not produce `1e400` or a
 * 30-digit integer). The placeholder is a string; `toJson` turns it back into the bare literal.
 */
const RAW = '\u0001RAW:';
const rawNumber = (literal: string) => `${RAW}${literal}\u0001`;

/** JSON text of a generated value (bigints as strings, raw number placeholders as bare literals). */
function toJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? '';
  return text.replace(/"\\u0001RAW:([-+.0-9eE]+)\\u0001"/g, '$1');
}

const awkwardNumber = fc.oneof(
  fc.integer(),
  fc.double(), // NaN and ±Infinity become null in JSON
  fc.constantFrom(-1, -0, 0.5, 2 ** 53, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e308, 4294967296),
  fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890', '9007199254740993', '1E+2', '-0.0', '0.0000001').map(rawNumber),
);

/** Pieces of text a hostile or merely unusual user could type. */
const nastyPiece = fc.constantFrom(
  '\u0000',
  '\u0000\u0000\u0000',
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  '\ud83d', // half of an emoji
  '\u200f', // RTL mark
  '\u202e', // RTL override
  '\u2066\u2069',
  '\u200b\u200c\u200d',
  '\ufeff',
  '\r\n\r\n',
  '\t',
  '🇻🇳',
  '👨‍👩‍👧‍👦',
  '😀'.repeat(50),
  'ا​لسلام عليكم',
  '<b>đậm</b>',
  '</i><i>',
  '<script>alert(1)</script>',
  '<a href="javascript:alert(1)">x</a>',
  '&amp;&lt;&#0;&#xD800;&bogus;',
  '&',
  '**đậm** _nghiêng_ `mã` [liên kết](http://127.0.0.1:1/x)',
  '```\ncode\n```',
  '${process.exit(1)}',
  '%s%s%s%n',
  "'; DROP TABLE tickets; --",
  '/start',
  '/help',
  '/hoi',
  '/hoi@TroLyXaTestBot mai táng',
  '/chuyengia',
  '/traloi 1 trả lời giả',
  '/nhan 1',
  '/duyet 1',
  '/traloi 99999999999999999999 x',
  '1',
  '2',
  '3',
  'hỏi chuyên gia: ',
  QUESTION,
  'Hồ sơ',
  'mai tang',
);

const nastyText = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.oneof(nastyPiece, fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 8 }).map((parts) => parts.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constant('   \n\t ') },
  // Very long texts (10 000 – 60 000 characters).
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.integer({ min: 10_000, max: 60_000 }), fc.constantFrom('a', 'Hồ sơ mai táng ', '😀', '\u0000', '<b>', '\u202e', ' '))
      .map(([n, piece]) => piece.repeat(Math.ceil(n / piece.length)).slice(0, n)),
  },
);

/** Keys that trip up naive code: prototype names and an object that cannot be turned into a string. */
const trickyObject = fc.constantFrom<Record<string, unknown>>(
  { toString: 1 },
  { valueOf: 'x', toString: null },
  JSON.parse('{"__proto__":{"polluted":true}}') as Record<string, unknown>,
  { constructor: { prototype: { polluted: true } } },
  { length: -1 },
  {},
);

/** Any value of any type, for a field that expects something specific. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  awkwardNumber,
  nastyText,
  fc.boolean(),
  fc.constant(null),
  trickyObject,
  fc.jsonValue({ maxDepth: 2 }),
  fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 4 }),
);

/** How a generator fills a field: with values of the right type, or sometimes with anything. */
type Field = <T>(good: fc.Arbitrary<T>) => fc.Arbitrary<unknown>;

/** A field that is usually of the right type and sometimes anything else (or left out, via the record). */
const mostly: Field = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: anyValue });
/** A field always of the right type (its value may still be hostile: odd texts, ids, offsets). */
const typed: Field = <T>(good: fc.Arbitrary<T>) => good as fc.Arbitrary<unknown>;

/** Telegram update-shaped objects whose fields are filled by `field` (mistyped ones with `mostly`). */
function telegramUpdates(field: Field) {
  const tgUser = fc.record(
    {
      id: field(fc.integer({ min: 1, max: 2 ** 40 })),
      is_bot: field(fc.boolean()),
      first_name: field(nastyText),
      last_name: field(nastyText),
      username: field(fc.string({ maxLength: 40 })),
      language_code: field(fc.constantFrom('vi', 'en', '')),
    },
    { requiredKeys: field === typed ? ['id'] : [] },
  );

  const tgChat = fc.record(
    {
      id: field(fc.oneof(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: -(2 ** 45), max: -1 }))),
      type: field(fc.constantFrom('private', 'group', 'supergroup', 'channel', 'sender', 'bogus')),
      title: field(nastyText),
      first_name: field(nastyText),
    },
    { requiredKeys: field === typed ? ['id'] : [] },
  );

  const tgEntity = fc.record(
    {
      type: field(fc.constantFrom('bot_command', 'mention', 'text_mention', 'url', 'bold', 'custom_emoji', 'nonsense')),
      offset: field(fc.integer({ min: field === typed ? 0 : -5, max: 70_000 })),
      length: field(fc.integer({ min: field === typed ? 0 : -5, max: 70_000 })),
      user: tgUser,
    },
    { requiredKeys: ['type', 'offset', 'length'] },
  );

  const tgMessageBase = {
    message_id: field(fc.integer({ min: 1, max: 2 ** 31 })),
    date: field(fc.integer({ min: 0, max: 2 ** 32 })),
    chat: field(tgChat),
    from: field(tgUser),
    text: field(nastyText),
    caption: field(nastyText),
    entities: field(fc.array(tgEntity, { maxLength: 4 })),
    sticker: field(fc.record({ file_id: fc.string() })),
  };
  const required = field === typed ? (['message_id', 'chat'] as const) : [];
  const tgMessageShallow = fc.record(tgMessageBase, { requiredKeys: [...required] });
  const tgMessage = fc.record({ ...tgMessageBase, reply_to_message: field(tgMessageShallow) }, { requiredKeys: [...required] });

  const callbackData = fc.oneof(
    fc.constantFrom('claim:1', 'approve:1', 'fb:1:h', 'fb:1:u', 'fb:1:e', 'claim:0', 'claim:-1', 'claim:999999999999999', 'fb:0:h', 'approve:1.5', 'claim:1;DROP', ''),
    nastyText,
  );

  const tgCallback = fc.record(
    {
      id: field(fc.string({ minLength: 1, maxLength: 20 })),
      from: field(tgUser),
      message: field(tgMessage),
      chat_instance: field(fc.string()),
      data: field(callbackData),
    },
    { requiredKeys: field === typed ? ['id', 'from'] : [] },
  );

  const tgUpdateId =
    field === typed
      ? fc.integer({ min: 0, max: 2 ** 31 })
      : fc.oneof(
          { weight: 6, arbitrary: fc.integer({ min: 0, max: 2 ** 31 }) as fc.Arbitrary<unknown> },
          { weight: 1, arbitrary: fc.constantFrom<unknown>(-1, 1.5, '12', 2 ** 53, null, true, [1], { n: 1 }, 1e21) },
          { weight: 1, arbitrary: fc.constantFrom('1e400', '123456789012345678901234567890', '-0').map(rawNumber) },
        );

  return fc
    .tuple(
      fc.record(
        {
          update_id: tgUpdateId,
          message: field(tgMessage),
          edited_message: mostly(tgMessage),
          channel_post: mostly(tgMessage),
          callback_query: field(tgCallback),
          my_chat_member: anyValue,
        },
        { requiredKeys: ['update_id'] },
      ),
      fc.option(fc.dictionary(fc.string({ maxLength: 12 }), anyValue, { maxKeys: 3 }), { nil: undefined }),
    )
    .map(([update, extra]) => ({ ...extra, ...update }));
}

/** Objects shaped like Telegram updates, with wrong types scattered over every field. */
const tgUpdate = telegramUpdates(mostly);
/** Telegram updates of the right types throughout (hostile values; other update kinds of any type). */
const tgTypedUpdate = telegramUpdates(typed);

/** Zalo Bot updates whose fields are filled by `field`: flat, `{ ok, result }`-wrapped, or with a bad wrapper. */
function zaloBotUpdates(field: Field) {
  const zaloMessage = fc.record(
    {
      message_id: field(fc.oneof(fc.string({ minLength: 1, maxLength: 24 }), fc.integer())),
      date: field(fc.integer({ min: 0 })),
      chat: field(
        fc.record(
          { id: field(fc.oneof(fc.string({ maxLength: 24 }), fc.integer())), chat_type: field(fc.constantFrom('PRIVATE', 'GROUP', 'x')) },
          { requiredKeys: [] },
        ),
      ),
      from: field(
        fc.record(
          {
            id: field(fc.oneof(fc.string({ maxLength: 24 }), fc.integer())),
            display_name: field(nastyText),
            first_name: field(nastyText),
            name: field(nastyText),
            is_bot: field(fc.boolean()),
          },
          { requiredKeys: [] },
        ),
      ),
      text: field(nastyText),
      sticker: field(fc.string()),
      url: field(fc.webUrl()),
    },
    { requiredKeys: [] },
  );

  const zaloEventName = field(
    fc.constantFrom(
      'message.text.received',
      'message.sticker.received',
      'message.image.received',
      'message.reaction.received',
      'message.unsupported.received',
      'message..received',
      'MESSAGE.TEXT.RECEIVED',
      '',
    ),
  );

  return fc
    .tuple(
      fc.record({ event_name: zaloEventName, message: field(zaloMessage) }, { requiredKeys: [] }),
      fc.constantFrom('flat', 'wrapped', 'bad-wrapper'),
      anyValue,
    )
    .map(([update, form, junk]) =>
      form === 'flat' ? update : form === 'wrapped' ? { ok: true, result: update } : field === typed ? { ok: junk, ...update } : { ok: junk, result: junk, ...update },
    );
}

/** Zalo Bot updates with wrong types scattered over every field. */
const zaloBotUpdate = zaloBotUpdates(mostly);
/** Zalo Bot updates of the right types throughout (hostile values). */
const zaloBotTypedUpdate = zaloBotUpdates(typed);

/** An `app_id` or `timestamp`: what Zalo sends (strings of digits) or anything a signer could put there. */
const signedField = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^\d{1,19}$/) as fc.Arbitrary<string | number> },
  { weight: 1, arbitrary: nastyText.filter((s) => s.length < 200) as fc.Arbitrary<string | number> },
  { weight: 1, arbitrary: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }) as fc.Arbitrary<string | number> },
);

/** The OA's app id (ZALO_OA_APP_ID of the adapter under test). */
const OA_APP_ID = '4100000000000000001';

/** A timestamp within the freshness window: now, give or take a minute (ms, as a string). */
const freshTimestamp = fc.integer({ min: -60_000, max: 60_000 }).map((d) => String(Date.now() + d));

/**
 * OA events, always with a string or integer app_id and timestamp (so they can be signed): mostly this
 * OA's app id and a fresh timestamp, sometimes anything; the other fields filled by `field`.
 */
function oaEvents(field: Field) {
  return fc
    .tuple(
      fc.oneof({ weight: 4, arbitrary: fc.constant<string | number>(OA_APP_ID) }, { weight: 1, arbitrary: signedField }),
      fc.oneof({ weight: 4, arbitrary: freshTimestamp as fc.Arbitrary<string | number> }, { weight: 1, arbitrary: signedField }),
      fc.record(
        {
          event_name: field(fc.constantFrom('user_send_text', 'user_send_sticker', 'user_send_image', 'follow', 'oa_send_text', 'user_send_')),
          user_id_by_app: field(fc.string()),
          sender: field(fc.record({ id: field(fc.stringMatching(/^\d{1,19}$/)) }, { requiredKeys: [] })),
          recipient: field(fc.record({ id: field(fc.string()) }, { requiredKeys: [] })),
          message: field(fc.record({ msg_id: field(fc.string({ minLength: 1, maxLength: 30 })), text: field(nastyText) }, { requiredKeys: [] })),
        },
        { requiredKeys: [] },
      ),
    )
    .map(([app_id, timestamp, rest]) => ({ app_id, timestamp, ...rest }));
}

/** OA events with wrong types scattered over every field. */
const oaEvent = oaEvents(mostly);
/** OA events of the right types throughout (hostile values). */
const oaTypedEvent = oaEvents(typed);

/** Bytes that are not JSON (binary, or text that almost is). */
const notJson = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.constantFrom('', ' ', '{', '}', '[', '{"a":}', "{'a':1}", '{"a":1,}', 'NaN', 'undefined', '{"update_id":01}', '\ufeff\ufeff{}', 'null', 'true', '"x"', '42', '[]').map(
    (s) => Buffer.from(s, 'utf8'),
  ),
  fc.string({ unit: 'binary', maxLength: 100 }).map((s) => Buffer.from(s, 'utf8')),
  // UTF-16 encoded JSON.
  fc.constant(Buffer.from('{"update_id":1}', 'utf16le')),
);

/** A valid JSON text cut somewhere before its end. */
const truncated = <T>(value: fc.Arbitrary<T>) =>
  fc.tuple(value, fc.double({ min: 0, max: 1, noNaN: true })).map(([v, at]) => {
    const text = toJson(v);
    return Buffer.from(text.slice(0, Math.max(0, Math.min(text.length - 1, Math.floor(text.length * at)))), 'utf8');
  });

// ── HTTP ─────────────────────────────────────────────────────────────────────────────────────────────

async function postRaw(url: string, body: Buffer | string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, text: await response.text() };
}

function expectNoServerError(status: number, what: string): void {
  expect(status === 200 || (status >= 400 && status < 500), `${what}: HTTP ${status}`).toBe(true);
}

/**
 * For a body that is not a JSON object or array: 4xx. An empty (or blank) body is the one exception: the
 * JSON body parser reads it as `{}`, which a route may take (200) like any other empty object.
 */
function expectRefused(status: number, body: Buffer): void {
  const text = body.toString('utf8').replace(/^\ufeff/, '');
  if (text.trim() === '') {
    expectNoServerError(status, show(body));
    return;
  }
  expect(status, show(body)).toBeGreaterThanOrEqual(400);
  expect(status, show(body)).toBeLessThan(500);
}

async function expectHealthy(baseUrl: string, channel: string): Promise<void> {
  const health = await fetch(`${baseUrl}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ ok: true, channels: [channel] });
}

/** 64 MiB of spaces gzipped (~64 KiB), built once: a body that is tiny on the wire and huge inflated. */
let gzipBombCache: Buffer | undefined;
function gzipBomb(): Buffer {
  gzipBombCache ??= gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 9 });
  return gzipBombCache;
}

/** Sample of the bodies actually sent, to report them when a property fails. */
const show = (body: Buffer | string) => (typeof body === 'string' ? body : body.toString('utf8')).slice(0, 300);

const RUNS = { numRuns: 60, endOnFailure: true } as const;

/** Any JSON value, and values JSON cannot even hold (toJson writes them as best it can). */
const anyJsonValue = fc.oneof(fc.jsonValue(), fc.anything({ withBigInt: true, withNullPrototype: true, withBoxedValues: true }));

/** Posts each generated value as JSON: none may get a 5xx. Returns the statuses answered. */
async function postEach<T>(
  values: fc.Arbitrary<T>,
  send: (body: string) => Promise<{ status: number }>,
  idle: () => Promise<void>,
  params: fc.Parameters<[T]>,
): Promise<number[]> {
  const statuses: number[] = [];
  await fc.assert(
    fc.asyncProperty(values, async (value) => {
      const body = toJson(value);
      const { status } = await send(body);
      expectNoServerError(status, show(body));
      statuses.push(status);
      await idle();
    }),
    params,
  );
  return statuses;
}

const countOf = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;
/** Generated texts run to 60,000 characters: a body with several of them is over the 1 MiB cap (413). */
const TOO_LARGE = 413;
/** Runs of the update-shaped properties (they go deepest: through the bot to the assistant). */
const SHAPED_RUNS = 120;

// Vitest reports unhandled rejections too; recording them here ties them to this file's assertions.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  expect(unhandled).toEqual([]);
});

// ── Telegram ─────────────────────────────────────────────────────────────────────────────────────────

describe('Telegram webhook with the right secret', () => {
  let h: TelegramHarness;
  let webhook: string;
  const send = (body: Buffer | string) => postRaw(webhook, body, { 'X-Telegram-Bot-Api-Secret-Token': TEST_SECRET });

  beforeAll(async () => {
    // No outgoing throttle: fuzzed updates land in many chats and would otherwise queue behind 1 msg/s.
    h = await startTelegramHarness({ adapter: { throttle: false } });
    webhook = `${h.url}/webhooks/telegram`;
  });

  afterAll(async () => {
    await h?.close();
  });

  it('answers any JSON value with 200 or 4xx', async () => {
    await postEach(anyJsonValue, send, () => h.deps.background.idle(), { ...RUNS, seed: 0x7e1e });
    await expectHealthy(h.url, 'telegram');
  });

  it('answers update-shaped objects with wrong types in every field with 200 or 400', async () => {
    const statuses = await postEach(tgUpdate, send, () => h.deps.background.idle(), { ...RUNS, numRuns: SHAPED_RUNS, seed: 0x7e1e + 1 });
    expect(countOf(statuses, 200) + countOf(statuses, 400) + countOf(statuses, TOO_LARGE)).toBe(SHAPED_RUNS);
    // Nearly every one has a mistyped field somewhere the bot reads: refused before it is stored.
    expect(countOf(statuses, 400)).toBeGreaterThan(SHAPED_RUNS / 2);
    await expectHealthy(h.url, 'telegram');
  });

  it('takes updates of the right types with hostile values, and the bot handles them', async () => {
    const before = h.emulator.callsOf('sendMessage').length + h.emulator.callsOf('answerCallbackQuery').length;
    const statuses = await postEach(tgTypedUpdate, send, () => h.deps.background.idle(), { ...RUNS, numRuns: SHAPED_RUNS, seed: 0x7e1e + 3 });
    expect(countOf(statuses, 200) + countOf(statuses, TOO_LARGE)).toBe(SHAPED_RUNS);
    expect(countOf(statuses, 200)).toBeGreaterThan(SHAPED_RUNS / 2);
    expect(h.emulator.callsOf('sendMessage').length + h.emulator.callsOf('answerCallbackQuery').length).toBeGreaterThan(before);
    await expectHealthy(h.url, 'telegram');
  });

  it('answers bytes that are not JSON, and truncated JSON, with 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(notJson, truncated(tgUpdate)), async (body) => {
        const { status } = await send(body);
        expectRefused(status, body);
        await h.deps.background.idle();
      }),
      { ...RUNS, seed: 0x7e1e + 2 },
    );
    await expectHealthy(h.url, 'telegram');
  });

  it('still answers a genuine question after all that', async () => {
    const lan = person(4_242_001, 'Lan');
    const before = await h.questionCount();
    await h.deliverAndSettle(textUpdate({ chat: privateChat(lan), from: lan, text: QUESTION }));
    expect(h.emulator.messagesTo(lan.id).at(-1)!.plain).toContain('Mẫu số 12');
    expect(await h.questionCount()).toBe(before + 1);
  });

  it('cuts a message longer than the reading limit, says so politely, answers, and stores at most the question cap', async () => {
    const max = h.app.assistant.settings.maxQuestionChars;
    const readMax = h.app.assistant.settings.maxReadChars;
    const long = `${QUESTION} ${'Xin cho biết thêm chi tiết về hồ sơ, thời hạn và nơi nộp. '.repeat(Math.ceil((readMax * 1.5) / 58))}`;
    expect(long.length).toBeGreaterThan(readMax);
    const ha = person(4_242_002, 'Hà');
    await h.deliverAndSettle(textUpdate({ chat: privateChat(ha), from: ha, text: long }));
    const [reply, ...more] = h.emulator.messagesTo(ha.id);
    expect(more).toEqual([]);
    expect(reply!.plain).toContain(`✂️ Tin nhắn dài hơn ${readMax} ký tự nên tôi chỉ đọc phần đầu. Bạn nên hỏi ngắn gọn từng ý.`);
    const logged = await h.app.db.get<{ question: string }>('SELECT question FROM question_log WHERE user_id = ?', [String(ha.id)]);
    expect(logged!.question.length).toBeLessThanOrEqual(max);
    expect(logged!.question.length).toBeGreaterThan(max * 0.9);
  });

  it('refuses a gzip bomb in Content-Encoding without inflating it all', async () => {
    const bomb = gzipBomb();
    expect(bomb.length).toBeLessThan(200 * 1024);
    const before = process.memoryUsage().rss;
    const { status, text } = await postRaw(webhook, bomb, { 'X-Telegram-Bot-Api-Secret-Token': TEST_SECRET, 'content-encoding': 'gzip' });
    expect(status).toBe(413);
    expect(JSON.parse(text)).toEqual({ error: 'body too large' });
    expect(process.memoryUsage().rss - before).toBeLessThan(48 * 1024 * 1024);
    await expectHealthy(h.url, 'telegram');
  });
});

// ── Zalo Bot ─────────────────────────────────────────────────────────────────────────────────────────

describe('Zalo Bot webhook with the right secret', () => {
  let emulator: ZaloBotEmulator;
  let harness: ChannelHarness;
  let adapter: ChannelAdapter;
  let webhook: string;
  const send = (body: Buffer | string) => postRaw(webhook, body, { 'X-Bot-Api-Secret-Token': ZALO_BOT_SECRET });

  beforeAll(async () => {
    emulator = await new ZaloBotEmulator().start();
    harness = await startChannelHarness(({ baseUrl, deps }) => {
      webhook = `${baseUrl}/webhooks/zalo-bot`;
      adapter = createZaloBotAdapter(
        { token: emulator.token, apiRoot: emulator.apiRoot, mode: 'webhook', webhookUrl: webhook, webhookSecret: ZALO_BOT_SECRET },
        deps,
        { replyRetryDelaysMs: [5, 5] },
      );
      return [adapter];
    });
    await adapter.start();
  });

  afterAll(async () => {
    await harness?.close();
    await emulator?.stop();
  });

  it('answers any JSON value with 200 or 4xx', async () => {
    await postEach(anyJsonValue, send, () => harness.idle(), { ...RUNS, seed: 0x2a10 });
    await expectHealthy(harness.baseUrl, 'zalo-bot');
  });

  it('answers update-shaped objects with wrong types in every field with 200 or 400', async () => {
    const statuses = await postEach(zaloBotUpdate, send, () => harness.idle(), { ...RUNS, numRuns: SHAPED_RUNS, seed: 0x2a10 + 1 });
    expect(countOf(statuses, 200) + countOf(statuses, 400) + countOf(statuses, TOO_LARGE)).toBe(SHAPED_RUNS);
    expect(countOf(statuses, 400)).toBeGreaterThan(0);
    await expectHealthy(harness.baseUrl, 'zalo-bot');
  });

  it('takes updates of the right types with hostile values, and answers them', async () => {
    const before = emulator.callsOf('sendMessage').length;
    const statuses = await postEach(zaloBotTypedUpdate, send, () => harness.idle(), { ...RUNS, numRuns: SHAPED_RUNS, seed: 0x2a10 + 3 });
    // Every one is a JSON object of the right types.
    expect(countOf(statuses, 200) + countOf(statuses, TOO_LARGE)).toBe(SHAPED_RUNS);
    expect(countOf(statuses, 200)).toBeGreaterThan(SHAPED_RUNS / 2);
    expect(emulator.callsOf('sendMessage').length).toBeGreaterThan(before);
    await expectHealthy(harness.baseUrl, 'zalo-bot');
  });

  it('answers bytes that are not JSON, and truncated JSON, with 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(notJson, truncated(zaloBotUpdate)), async (body) => {
        const { status } = await send(body);
        expectRefused(status, body);
        await harness.idle();
      }),
      { ...RUNS, seed: 0x2a10 + 2 },
    );
    await expectHealthy(harness.baseUrl, 'zalo-bot');
  });

  it('still answers a genuine question, and cuts an over-long one with the polite notice', async () => {
    expect((await send(JSON.stringify(zaloTextUpdate('chat-hostile-ok', QUESTION)))).status).toBe(200);
    await harness.idle();
    const [answer] = emulator.sentTo('chat-hostile-ok');
    expect(answer!.text).toContain('Mẫu số 12');

    const max = harness.app.assistant.settings.maxReadChars;
    const long = `${QUESTION} ${'nộp ở đâu, thời hạn bao lâu? '.repeat(Math.ceil((max * 2) / 29))}`;
    expect((await send(JSON.stringify(zaloTextUpdate('chat-hostile-long', long)))).status).toBe(200);
    await harness.idle();
    const joined = emulator.sentTo('chat-hostile-long').map((m) => m.text).join('\n');
    expect(joined).toContain(`✂️ Tin nhắn dài hơn ${max} ký tự nên tôi chỉ đọc phần đầu.`);
  });

  it('refuses a gzip bomb in Content-Encoding', async () => {
    const bomb = gzipBomb();
    const { status } = await postRaw(webhook, bomb, { 'X-Bot-Api-Secret-Token': ZALO_BOT_SECRET, 'content-encoding': 'gzip' });
    expect(status).toBe(413);
    await expectHealthy(harness.baseUrl, 'zalo-bot');
  });
});

// ── Zalo OA ──────────────────────────────────────────────────────────────────────────────────────────

describe('Zalo OA webhook with a valid signature', () => {
  let oa: ZaloOaEmulator;
  let harness: ChannelHarness;
  let adapter: ChannelAdapter;
  let webhook: string;

  /** Signs the exact bytes sent: app_id and timestamp as the text of the body has them. */
  function signedPost(body: Buffer, appId: string, timestamp: string) {
    return postRaw(webhook, body, { 'X-ZEvent-Signature': oaSignature(appId, body.toString('utf8'), timestamp, OA_SECRET) });
  }

  /** The text an event's top-level app_id / timestamp has in the JSON (a string's value, a number as written). */
  const asWritten = (value: unknown) => (typeof value === 'string' ? value : String(value));

  beforeAll(async () => {
    oa = await new ZaloOaEmulator({ appId: OA_APP_ID }).start();
    harness = await startChannelHarness(({ baseUrl, deps, app }) => {
      webhook = `${baseUrl}/webhooks/zalo-oa`;
      const config = oa.adapterConfig(OA_SECRET);
      adapter = createZaloOaAdapter(config, { ...deps, state: new SqliteChannelStateStore(app.db) }, { replyRetryDelaysMs: [5] });
      return [adapter];
    });
    await adapter.start();
  });

  afterAll(async () => {
    await harness?.close();
    await oa?.stop();
  });

  it('answers any signed JSON object with 200 or 4xx, and never refuses the signature', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), freshTimestamp, async (value, timestamp) => {
        // Any object gets this OA's app_id and a fresh timestamp so it can be signed; other values are sent as they are.
        const appId = OA_APP_ID;
        const event = typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value, app_id: appId, timestamp } : value;
        const body = Buffer.from(toJson(event), 'utf8');
        const { status } = await signedPost(body, appId, timestamp);
        expectNoServerError(status, show(body));
        if (event !== value) expect(status, show(body)).toBe(200);
        await harness.idle();
      }),
      { ...RUNS, seed: 0x0a0a },
    );
    await expectHealthy(harness.baseUrl, 'zalo-oa');
  });

  /** Posts signed events; none may get a 5xx or (the signature being right) a 401. Returns the statuses. */
  async function postSigned(events: fc.Arbitrary<Record<string, unknown>>, seed: number): Promise<number[]> {
    const statuses: number[] = [];
    await fc.assert(
      fc.asyncProperty(events, async (event) => {
        const body = Buffer.from(toJson(event), 'utf8');
        const { status } = await signedPost(body, asWritten(event.app_id), asWritten(event.timestamp));
        expectNoServerError(status, show(body));
        expect(status, show(body)).not.toBe(401);
        // Another app's event is refused (403) whatever else it holds.
        if (asWritten(event.app_id) !== OA_APP_ID) expect(status, show(body)).toBe(403);
        statuses.push(status);
        await harness.idle();
      }),
      { ...RUNS, numRuns: SHAPED_RUNS, seed },
    );
    return statuses;
  }

  it('answers event-shaped objects with wrong types in every field with 200 or 4xx, never 401', async () => {
    const statuses = await postSigned(oaEvent, 0x0a0a + 1);
    expect(countOf(statuses, 400)).toBeGreaterThan(0);
    await expectHealthy(harness.baseUrl, 'zalo-oa');
  });

  it('takes signed, fresh events of the right types with hostile values, and answers them', async () => {
    const before = oa.sent.length;
    const statuses = await postSigned(oaTypedEvent, 0x0a0a + 3);
    expect(countOf(statuses, 200)).toBeGreaterThan(SHAPED_RUNS / 2);
    expect(oa.sent.length).toBeGreaterThan(before);
    await expectHealthy(harness.baseUrl, 'zalo-oa');
  });

  it('answers bytes that are not JSON, and truncated JSON, with 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(notJson, truncated(oaEvent)), async (body) => {
        const { status } = await signedPost(body, oa.appId, '1750000000000');
        expectRefused(status, body);
        await harness.idle();
      }),
      { ...RUNS, seed: 0x0a0a + 2 },
    );
    await expectHealthy(harness.baseUrl, 'zalo-oa');
  });

  it('still answers a genuine question, and cuts an over-long one with the polite notice', async () => {
    const user = '6300000000000000777';
    expect((await postOaEvent(webhook, oaTextEvent(oa.appId, user, QUESTION), { secretKey: OA_SECRET })).status).toBe(200);
    await harness.idle();
    const [answer] = oa.sentTo(user);
    expect(answer!.text).toContain('Mẫu số 12');

    const max = harness.app.assistant.settings.maxReadChars;
    const longUser = '6300000000000000778';
    const long = `${QUESTION} ${'nộp ở đâu, thời hạn bao lâu? '.repeat(Math.ceil((max * 2) / 29))}`;
    expect((await postOaEvent(webhook, oaTextEvent(oa.appId, longUser, long), { secretKey: OA_SECRET })).status).toBe(200);
    await harness.idle();
    const joined = oa.sentTo(longUser).map((m) => m.text).join('\n');
    expect(joined).toContain(`✂️ Tin nhắn dài hơn ${max} ký tự nên tôi chỉ đọc phần đầu.`);
  });

  it('refuses a gzip bomb in Content-Encoding', async () => {
    const bomb = gzipBomb();
    const { status } = await postRaw(webhook, bomb, { 'X-ZEvent-Signature': `mac=${'0'.repeat(64)}`, 'content-encoding': 'gzip' });
    expect(status).toBe(413);
    await expectHealthy(harness.baseUrl, 'zalo-oa');
  });
});
