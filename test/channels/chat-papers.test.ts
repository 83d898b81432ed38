import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_READER_TEXT, NOT_ALLOWED_TEXT } from '../../src/channels/chat-files/refusals.js';
import type { ChannelAdapter } from '../../src/channels/types.js';
import { createZaloBotAdapter } from '../../src/channels/zalo-bot/adapter.js';
import { createZaloOaAdapter } from '../../src/channels/zalo-oa/adapter.js';
import { SqliteChannelStateStore } from '../../src/storage/sqlite/channel-state-repository.js';
import type { ScanReader } from '../../src/ocr/scan-reader.js';
import { ROOT, type TestApp } from '../helpers/app-fixture.js';
import { FakeScanReader, hasTesseract, TesseractImageReader } from '../helpers/scan-readers.js';
import { person, photoUpdate, startTelegramHarness, textUpdate, privateChat, type TelegramHarness } from '../helpers/telegram-emulator.js';
import { startChannelHarness, type ChannelHarness } from '../helpers/zalo-harness.js';
import { postZaloBotUpdate, ZaloBotEmulator, zaloPhotoUpdate } from '../helpers/zalo-bot-emulator.js';
import { oaFileEvent, postOaEvent, ZaloOaEmulator } from '../helpers/zalo-oa-emulator.js';

const FIXTURE = path.join(ROOT, 'test/fixtures/papers');
const PAPER_TEXT = readFileSync(path.join(FIXTURE, 'ban-khai-mau-09.txt'), 'utf8');
const PNG = { bytes: new Uint8Array(readFileSync(path.join(FIXTURE, 'ban-khai-mau-09.png'))), contentType: 'image/png' };
const CAPTION = 'Bản khai này nộp ở đâu?';
/** What the knowledge base says of Mẫu số 09: where it is submitted. */
const WHERE = 'nộp UBND cấp xã';
const KIND = 'bản khai theo Mẫu số 09';
const SECRET = 'zalo-webhook-secret-0001';
const OA_SECRET = 'oa-secret-key-xyz';
const lan = person(424242, 'Lan', { last_name: 'Nguyễn' });

let telegram: TelegramHarness | undefined;
let harness: ChannelHarness | undefined;
const stops: (() => Promise<void>)[] = [];

afterEach(async () => {
  await telegram?.close();
  await harness?.close();
  telegram = undefined;
  harness = undefined;
  for (const stop of stops.splice(0)) await stop();
});

async function attachmentCount(app: TestApp): Promise<number> {
  return (await app.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM ticket_attachments'))!.n;
}

/** Bytes that start as a PNG, `size` long (what the size limits see). */
function bigPng(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(PNG.bytes.subarray(0, 16));
  return bytes;
}

describe('Telegram: a photo of a paper', () => {
  it('is fetched through getFile, read, and its caption answered naming the paper; nothing is kept', async () => {
    // Slow enough to look at the inbox while the photo is being read.
    const reader = new FakeScanReader(PAPER_TEXT, { delayMs: 500 });
    telegram = await startTelegramHarness({ scanReader: reader });
    const file = telegram.emulator.addFile(PNG);
    expect((await telegram.deliver(photoUpdate({ from: lan, file, caption: CAPTION }))).status).toBe(200);
    // The inbox holds the update as Telegram sent it: the file's id, never its bytes.
    const stored = await telegram.app.db.all<{ payload: string }>('SELECT payload_json AS payload FROM processed_updates');
    expect(stored).toHaveLength(1);
    expect(stored[0]!.payload).toContain(file.file_id);
    expect(stored[0]!.payload.length).toBeLessThan(2_000);
    await telegram.deps.background.idle();
    const reply = telegram.emulator.messagesTo(lan.id).at(-1)!.plain;
    expect(reply).toContain(`Giấy bạn gửi có vẻ là ${KIND}`);
    expect(reply).toContain(WHERE);
    expect(reader.inputs).toHaveLength(1);
    expect(reader.inputs[0]!.mimeType).toBe('image/png');
    expect(telegram.emulator.fileDownloads).toEqual(['photos/file_1.png']);
    // The question log keeps the caption, not the paper's text (names, numbers); no file is stored.
    const logged = await telegram.app.db.all<{ question: string }>('SELECT question FROM question_log');
    expect(logged.map((r) => r.question)).toEqual([CAPTION]);
    expect(await attachmentCount(telegram.app)).toBe(0);
  });

  it('without a caption says what the paper is and which procedure, and asks what the user wants to know', async () => {
    telegram = await startTelegramHarness({ scanReader: new FakeScanReader(PAPER_TEXT) });
    await telegram.deliverAndSettle(photoUpdate({ from: lan, file: telegram.emulator.addFile(PNG) }));
    const reply = telegram.emulator.messagesTo(lan.id).at(-1)!.plain;
    expect(reply).toContain(KIND);
    expect(reply).toContain('Mẫu số 09');
    expect(reply).toContain('Bạn muốn hỏi gì về giấy này?');
  });

  it('refuses an oversized photo in Vietnamese without downloading it, and keeps answering', async () => {
    const reader = new FakeScanReader(PAPER_TEXT);
    telegram = await startTelegramHarness({ scanReader: reader, env: { CHAT_FILE_MAX_MB: '0.1' } });
    const file = telegram.emulator.addFile({ bytes: bigPng(300_000), contentType: 'image/png' });
    await telegram.deliverAndSettle(photoUpdate({ from: lan, file, caption: CAPTION }));
    expect(telegram.emulator.messagesTo(lan.id).at(-1)!.plain).toContain('lớn hơn 0,1 MB');
    expect(telegram.emulator.fileDownloads).toEqual([]);
    expect(reader.inputs).toHaveLength(0);
    await telegram.deliverAndSettle(textUpdate({ chat: privateChat(lan), from: lan, text: 'Mẫu số 09 nộp ở đâu?' }));
    expect(telegram.emulator.messagesTo(lan.id).at(-1)!.plain).toContain(WHERE);
  });

  it('without a configured reader answers politely that photos are not read', async () => {
    telegram = await startTelegramHarness();
    await telegram.deliverAndSettle(photoUpdate({ from: lan, file: telegram.emulator.addFile(PNG), caption: CAPTION }));
    expect(telegram.emulator.messagesTo(lan.id).at(-1)!.plain).toBe(NO_READER_TEXT);
    expect(telegram.emulator.fileDownloads).toEqual([]);
  });

  it('sends an escalated question’s photo with the ticket, to the expert’s chat too, and deletes it when the ticket closes', async () => {
    telegram = await startTelegramHarness({ scanReader: new FakeScanReader(PAPER_TEXT) });
    const expert = await telegram.app.stores.users.add(
      { channel: 'telegram', channelUserId: '7001', chatId: '7001', displayName: 'Chuyên gia Minh', role: 'expert', topics: ['*'] },
      new Date().toISOString(),
    );
    await telegram.deliverAndSettle(photoUpdate({ from: lan, file: telegram.emulator.addFile(PNG), caption: `hỏi chuyên gia: ${CAPTION}` }));
    const [ticket] = await telegram.app.escalation.listTickets();
    expect(ticket?.question).toBe(CAPTION);
    const files = await telegram.app.escalation.attachmentsOf(ticket!.id);
    expect(files.map((f) => [f.mimeType, f.fileName, f.bytes.byteLength])).toEqual([['image/png', 'giay-to.png', PNG.bytes.byteLength]]);
    expect(Buffer.from(files[0]!.bytes).equals(Buffer.from(PNG.bytes))).toBe(true);
    expect(telegram.emulator.messagesTo(lan.id).at(-1)!.plain).toContain(KIND);
    // The expert's notification says a paper came with it, and the photo follows it as a photo.
    await telegram.app.escalation.processOutbox(telegram.router);
    expect(telegram.emulator.messagesTo(expert.chatId).at(-1)!.plain).toContain('gửi kèm ảnh/tệp giấy tờ');
    const photos = telegram.emulator.callsOf('sendPhoto');
    expect(photos.map((c) => [String(c.payload.chat_id), c.payload.fileBytes, c.status])).toEqual([['7001', PNG.bytes.byteLength, 200]]);
    await telegram.app.escalation.close(ticket!.id, 'system');
    expect(await attachmentCount(telegram.app)).toBe(0);
  });

  it.skipIf(!hasTesseract())('reads a real photo with tesseract (vie) and answers it', async () => {
    telegram = await startTelegramHarness({ scanReader: new TesseractImageReader() });
    await telegram.deliverAndSettle(photoUpdate({ from: lan, file: telegram.emulator.addFile(PNG), caption: CAPTION }));
    const reply = telegram.emulator.messagesTo(lan.id).at(-1)!.plain;
    expect(reply).toContain(KIND);
    expect(reply).toContain(WHERE);
  }, 60_000);
  if (!hasTesseract()) console.warn('chat-papers: tesseract with the vie model is not installed; the real OCR test is skipped (CI installs it)');
});

async function startZaloBot(reader: ScanReader | undefined, env: Record<string, string> = {}): Promise<ZaloBotEmulator> {
  const emulator = await new ZaloBotEmulator().start();
  stops.push(() => emulator.stop());
  let adapter!: ChannelAdapter;
  harness = await startChannelHarness(({ baseUrl, deps }) => {
    const webhookUrl = `${baseUrl}/webhooks/zalo-bot`;
    adapter = createZaloBotAdapter({ token: emulator.token, apiRoot: emulator.apiRoot, mode: 'webhook', webhookUrl, webhookSecret: SECRET }, deps, {
      replyRetryDelaysMs: [10],
    });
    return [adapter];
  }, { ...(reader && { scanReader: reader }), env });
  await adapter.start();
  return emulator;
}

describe('Zalo Bot: a photo of a paper', () => {
  const chat = 'a1b2c3d4e5f6a7b8c9d0';

  it('is fetched from Zalo’s host, read, and its caption answered naming the paper', async () => {
    const reader = new FakeScanReader(PAPER_TEXT);
    const zalo = await startZaloBot(reader);
    expect(await zalo.deliver(zaloPhotoUpdate(chat, zalo.fileUrl(PNG), CAPTION))).toBe(200);
    const [reply] = await zalo.waitForSent(chat);
    expect(reply!.text).toContain(KIND);
    expect(reply!.text).toContain(WHERE);
    expect([...zalo.files.downloads.values()]).toEqual([1]);
    expect(await attachmentCount(harness!.app)).toBe(0);
  });

  it('refuses a photo URL outside Zalo’s hosts without fetching it', async () => {
    const elsewhere = createServer((_req, res) => res.end('secret'));
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    let fetched = 0;
    elsewhere.on('request', () => (fetched += 1));
    stops.push(() => new Promise((resolve) => elsewhere.close(() => resolve())));
    const reader = new FakeScanReader(PAPER_TEXT);
    const zalo = await startZaloBot(reader);
    const port = (elsewhere.address() as AddressInfo).port;
    await zalo.deliver(zaloPhotoUpdate(chat, `http://127.0.0.1:${port}/internal/admin.png`, CAPTION));
    await zalo.deliver(zaloPhotoUpdate(chat, 'http://zdn.vn.evil.example/photo.jpg', CAPTION));
    const replies = await zalo.waitForSent(chat, 2);
    expect(replies.map((r) => r.text)).toEqual([NOT_ALLOWED_TEXT, NOT_ALLOWED_TEXT]);
    expect(fetched).toBe(0);
    expect(reader.inputs).toHaveLength(0);
  });

  it('stops a download that grows past the limit without announcing its length, and the webhook stays responsive', async () => {
    const zalo = await startZaloBot(new FakeScanReader(PAPER_TEXT), { CHAT_FILE_MAX_MB: '0.5' });
    const url = zalo.fileUrl({ bytes: bigPng(8 * 1024 * 1024), contentType: 'image/png', hideLength: true });
    const started = performance.now();
    expect(await zalo.deliver(zaloPhotoUpdate(chat, url, CAPTION))).toBe(200);
    // Acknowledged at once, and another chat is answered meanwhile.
    expect(performance.now() - started).toBeLessThan(1_000);
    const webhookUrl = `${harness!.baseUrl}/webhooks/zalo-bot`;
    expect((await postZaloBotUpdate(webhookUrl, zaloPhotoUpdate('other-chat', zalo.fileUrl(PNG), CAPTION), { secret: SECRET })).status).toBe(200);
    const [refusal] = await zalo.waitForSent(chat);
    expect(refusal!.text).toContain('lớn hơn 0,5 MB');
    expect((await zalo.waitForSent('other-chat'))[0]!.text).toContain(KIND);
  });
});

describe('Zalo OA: a photo or PDF of a paper', () => {
  const user = '6300000000000000003';

  async function startOa(reader: ScanReader): Promise<{ oa: ZaloOaEmulator; webhookUrl: string }> {
    const oa = await new ZaloOaEmulator().start();
    stops.push(() => oa.stop());
    let adapter!: ChannelAdapter;
    let webhookUrl = '';
    harness = await startChannelHarness(({ baseUrl, deps, app }) => {
      webhookUrl = `${baseUrl}/webhooks/zalo-oa`;
      adapter = createZaloOaAdapter(oa.adapterConfig(OA_SECRET), { ...deps, state: new SqliteChannelStateStore(app.db) }, { replyRetryDelaysMs: [10] });
      return [adapter];
    }, { scanReader: reader, env: { CHAT_FILE_MAX_MB: '1' } });
    await adapter.start();
    return { oa, webhookUrl };
  }

  it('reads a user_send_image and answers the text that came with it', async () => {
    const { oa, webhookUrl } = await startOa(new FakeScanReader(PAPER_TEXT));
    const event = oaFileEvent(oa.appId, user, 'image', oa.fileUrl(PNG), { text: CAPTION });
    expect((await postOaEvent(webhookUrl, event, { secretKey: OA_SECRET })).status).toBe(200);
    await harness!.idle();
    const text = oa.sentTo(user).map((m) => m.text).join('\n');
    expect(text).toContain(KIND);
    expect(text).toContain(WHERE);
  });

  it('refuses a user_send_file PDF whose announced size is over the limit, without downloading it', async () => {
    const reader = new FakeScanReader(PAPER_TEXT);
    const { oa, webhookUrl } = await startOa(reader);
    const url = oa.fileUrl({ bytes: new TextEncoder().encode('%PDF-1.4\n'), contentType: 'application/pdf' });
    const event = oaFileEvent(oa.appId, user, 'file', url, { name: 'ho-so.pdf', size: String(5 * 1024 * 1024) });
    await postOaEvent(webhookUrl, event, { secretKey: OA_SECRET });
    await harness!.idle();
    expect(oa.sentTo(user).at(-1)!.text).toContain('lớn hơn 1 MB');
    expect(oa.files.downloads.size).toBe(0);
    expect(reader.inputs).toHaveLength(0);
  });

  it('refuses a PDF over the page limit in Vietnamese', async () => {
    const { oa, webhookUrl } = await startOa(new FakeScanReader(PAPER_TEXT, { pages: 9 }));
    const url = oa.fileUrl({ bytes: new TextEncoder().encode('%PDF-1.4\n%%EOF\n'), contentType: 'application/pdf' });
    await postOaEvent(webhookUrl, oaFileEvent(oa.appId, user, 'file', url, { name: 'ho-so.pdf', size: '16' }), { secretKey: OA_SECRET });
    await harness!.idle();
    expect(oa.sentTo(user).at(-1)!.text).toContain('có hơn 5 trang');
  });
});
