import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZaloBotAdapter } from '../../src/channels/zalo-bot/adapter.js';
import { createZaloOaAdapter } from '../../src/channels/zalo-oa/adapter.js';
import { FormDelivery } from '../../src/forms/form-delivery.js';
import { buttonsOf, callbackUpdate, person, postUpdate, privateChat, TelegramEmulator, textUpdate, TEST_SECRET } from '../helpers/telegram-emulator.js';
import { postZaloBotUpdate, ZaloBotEmulator, zaloTextUpdate } from '../helpers/zalo-bot-emulator.js';
import { oaTextEvent, postOaEvent, ZaloOaEmulator } from '../helpers/zalo-oa-emulator.js';
import { ADMIN, startWebServer, WebClient, type WebServer } from '../web/web-fixture.js';

/*
 * Forms as files, end to end: an admin uploads the official file of Mẫu số 12 on the console's "Biểu mẫu"
 * page, and "/mau 12" brings it through the outbox to every channel — a Telegram document (uploaded once,
 * then by file_id), a Zalo OA file message (upload, then attachment), a download link on Zalo Bot and in the
 * web chat that serves the same bytes until it expires.
 */

const PUBLIC_URL = 'https://trolyxa.example.vn';
const ZALO_SECRET = 'zalo-webhook-secret-forms-01';
const OA_SECRET = 'oa-secret-key-forms';
/** A small, valid-enough PDF: the registry checks the first bytes, never renders it. */
const FIXTURE_PDF = Buffer.from('%PDF-1.4\n% Mẫu số 12 (tệp thử)\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'utf8');

let telegram: TelegramEmulator;
let zaloBot: ZaloBotEmulator;
let oa: ZaloOaEmulator;
let s: WebServer;
let admin: WebClient;

beforeAll(async () => {
  telegram = await TelegramEmulator.start();
  zaloBot = await new ZaloBotEmulator().start();
  oa = await new ZaloOaEmulator().start();
  s = await startWebServer({
    telegram,
    env: { PUBLIC_URL },
    adapters: (deps, app) => [
      createZaloBotAdapter(
        { token: zaloBot.token, apiRoot: zaloBot.apiRoot, mode: 'webhook', webhookUrl: `${PUBLIC_URL}/webhooks/zalo-bot`, webhookSecret: ZALO_SECRET },
        deps,
        { replyRetryDelaysMs: [10] },
      ),
      createZaloOaAdapter(oa.adapterConfig(OA_SECRET), { ...deps, state: app.repos.channelState }, { replyRetryDelaysMs: [10] }),
    ],
  });
  admin = new WebClient(s.url);
  await admin.login(ADMIN.email, ADMIN.password);
}, 60_000);

afterAll(async () => {
  await s?.stop();
  await telegram?.close();
  await zaloBot?.stop();
  await oa?.stop();
});

async function uploadForm(number: string, bytes: Buffer, name: string, type = 'application/pdf') {
  await admin.get('/console/forms');
  const form = new FormData();
  form.set('_csrf', admin.csrf);
  form.set('file', new Blob([bytes], { type }), name);
  const posted = await admin.postMultipart(`/console/forms/${number}/file`, form);
  expect(posted.status).toBe(303);
  return admin.get('/console/forms');
}

/** The path and query of the download link in a text. */
function linkIn(text: string): string {
  const url = /https?:\/\/\S+\/forms\/\S+|\/forms\/\S+/.exec(text)?.[0];
  expect(url, text).toBeDefined();
  return url!.replace(PUBLIC_URL, '');
}

describe('a form file uploaded in the console', () => {
  it('is listed on the Biểu mẫu page with every form of Phụ lục I, and the upload is in the audit log', async () => {
    const page = await uploadForm('12', FIXTURE_PDF, 'Mẫu 12 chính thức.pdf');
    expect(page.text).toContain('Đã tải lên tệp Mẫu số 12 (Mau-so-12.pdf)');
    expect(page.text).toContain('id="mau-103"');
    expect(page.text).toContain('1 trên 103 mẫu đã có tệp');
    const audit = await admin.get('/console/audit');
    expect(audit.text).toContain('form.upload');
  });

  it('is sent on Telegram with sendDocument: uploaded the first time, by file_id afterwards', async () => {
    const user = person(91001, 'Lan');
    const update = (text: string, updateId: number) => textUpdate({ chat: privateChat(user), from: user, text, updateId });
    expect((await postUpdate(s.url, update('/mau 12', 8_000_001), { secret: TEST_SECRET })).status).toBe(200);
    const first = await telegram.waitFor(() => telegram.documents.find((d) => d.chat_id === String(user.id)));
    expect(first.bytes.equals(FIXTURE_PDF)).toBe(true);
    expect(first.file_name).toBe('Mau-so-12.pdf');
    expect(first.uploaded).toBe(true);
    expect(first.caption).toContain('Mẫu số 12');
    const confirmation = await telegram.waitFor(() => telegram.messagesTo(user.id).find((m) => m.plain.includes('Tệp mẫu')));
    expect(confirmation.plain).toContain('Phụ lục I Nghị định 131/2021/NĐ-CP');

    expect((await postUpdate(s.url, update('Mẫu 12', 8_000_002), { secret: TEST_SECRET })).status).toBe(200);
    const second = await telegram.waitFor(() => telegram.documents.filter((d) => d.chat_id === String(user.id))[1]);
    expect(second.uploaded).toBe(false);
    expect(second.bytes.equals(FIXTURE_PDF)).toBe(true);
  });

  it('is offered under a Telegram answer that names it, and the button sends it', async () => {
    const user = person(91002, 'Minh');
    const question = textUpdate({ chat: privateChat(user), from: user, text: 'Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?', updateId: 8_000_010 });
    await postUpdate(s.url, question, { secret: TEST_SECRET });
    const answer = await telegram.waitFor(() => telegram.messagesTo(user.id).find((m) => buttonsOf(m).length > 0));
    expect(answer.plain).toMatch(/Mẫu số 12/);
    const button = answer.reply_markup!.inline_keyboard.flat().find((b) => b.text === '📎 Gửi Mẫu số 12') as { callback_data: string } | undefined;
    expect(button?.callback_data, JSON.stringify(answer.reply_markup)).toBe('form:12');
    await postUpdate(s.url, callbackUpdate({ from: user, message: answer.message, data: button!.callback_data }), { secret: TEST_SECRET });
    const sent = await telegram.waitFor(() => telegram.documents.find((d) => d.chat_id === String(user.id)));
    expect(sent.bytes.equals(FIXTURE_PDF)).toBe(true);
  });

  it('is sent on Zalo OA as an uploaded file in a file message', async () => {
    const posted = await postOaEvent(`${s.url}/webhooks/zalo-oa`, oaTextEvent(oa.appId, '6300000000000000777', 'mau so 12'), { secretKey: OA_SECRET });
    expect(posted.status).toBe(200);
    const sent = await telegram.waitFor(() => oa.sentTo('6300000000000000777').find((m) => m.file));
    expect(sent.file!.bytes.equals(FIXTURE_PDF)).toBe(true);
    expect(sent.file!.type).toBe('application/pdf');
    expect(oa.sentTo('6300000000000000777').some((m) => m.text.includes('Mẫu số 12'))).toBe(true);
  });

  it('goes to Zalo Bot as a signed link that downloads the same bytes; a forged or expired link is refused', async () => {
    const posted = await postZaloBotUpdate(`${s.url}/webhooks/zalo-bot`, zaloTextUpdate('zchat-forms-1', '/mau 12'), { secret: ZALO_SECRET });
    expect(posted.status).toBe(200);
    const message = await telegram.waitFor(() => zaloBot.sent.find((m) => m.chatId === 'zchat-forms-1' && m.text.includes('/forms/')));
    expect(message.text).toContain(`${PUBLIC_URL}/forms/12/Mau-so-12.pdf?`);
    const link = linkIn(message.text);
    const download = await fetch(`${s.url}${link}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toContain('application/pdf');
    expect(download.headers.get('content-disposition')).toContain('Mau-so-12.pdf');
    expect(Buffer.from(await download.arrayBuffer()).equals(FIXTURE_PDF)).toBe(true);

    const forged = link.replace(/s=[^&]+/, 's=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    const refused = await fetch(`${s.url}${forged}`);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('không hợp lệ hoặc đã hết hạn');
    const longer = link.replace(/e=(\d+)/, (_m, e: string) => `e=${Number(e) + 3600}`);
    expect((await fetch(`${s.url}${longer}`)).status).toBe(403);
    const otherForm = link.replace('/forms/12/', '/forms/18/');
    expect((await fetch(`${s.url}${otherForm}`)).status).toBe(403);

    const past = new FormDelivery(s.app.repos.forms, { linkTtlMs: 60_000, now: () => new Date(Date.now() - 3_600_000) });
    const expired = await past.document('form:12', 'web');
    expect((await fetch(`${s.url}${expired!.downloadUrl}`)).status).toBe(403);
  });

  it('goes to the web chat as a download link, and an answer there offers it', async () => {
    const chat = new WebClient(s.url);
    await chat.get('/chat');
    const asked = await chat.postJson('/chat/api/ask', { text: '/mau 12' }, { 'x-csrf-token': chat.csrf });
    expect(asked.status).toBe(200);
    let link: { url: string; fileName: string } | undefined;
    for (let tries = 0; !link && tries < 100; tries += 1) {
      const { messages } = JSON.parse((await chat.get('/chat/api/messages')).text) as { messages: { meta: { download?: { url: string; fileName: string } } }[] };
      link = messages.find((m) => m.meta.download)?.meta.download;
      if (!link) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(link!.fileName).toBe('Mau-so-12.pdf');
    const download = await fetch(`${s.url}${link!.url.replace(PUBLIC_URL, '')}`);
    expect(Buffer.from(await download.arrayBuffer()).equals(FIXTURE_PDF)).toBe(true);

    const answered = await chat.postJson('/chat/api/ask', { text: 'Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?' }, { 'x-csrf-token': chat.csrf });
    const { messages } = JSON.parse(answered.text) as { messages: { text: string }[] };
    expect(messages.at(-1)!.text).toContain('Gõ /mau 12 để nhận tệp Mẫu số 12');
  });
});

describe('uploads the console refuses', () => {
  it('refuses a file that is not what its name says, in Vietnamese, and keeps the form without a file', async () => {
    const page = await uploadForm('18', Buffer.from('MZ not a pdf at all'), 'mau-18.pdf');
    expect(page.text).toContain('Tệp cho Mẫu số 18 bị từ chối: Tệp không phải PDF');
    expect((await s.app.repos.forms.get('18'))?.file).toBeUndefined();
    const other = await uploadForm('18', FIXTURE_PDF, 'mau-18.exe', 'application/octet-stream');
    expect(other.text).toContain('Chỉ nhận tệp biểu mẫu .pdf hoặc .docx');
  });

  it('refuses a file over FORM_FILE_MAX_MB, naming the variable', async () => {
    const big = Buffer.concat([FIXTURE_PDF, Buffer.alloc(5 * 1024 * 1024 + 10, 0x20)]);
    const page = await uploadForm('18', big, 'mau-18.pdf');
    expect(page.text).toContain('FORM_FILE_MAX_MB');
    expect(page.text).toContain('Tệp quá lớn');
  });

  it('refuses an upload without the CSRF token, and the page to a signed-out visitor', async () => {
    const form = new FormData();
    form.set('file', new Blob([FIXTURE_PDF], { type: 'application/pdf' }), 'mau-18.pdf');
    expect((await admin.postMultipart('/console/forms/18/file', form)).status).toBe(403);
    const stranger = new WebClient(s.url);
    expect((await stranger.get('/console/forms')).status).toBe(303);
  });
});
