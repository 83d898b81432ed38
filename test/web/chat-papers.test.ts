import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/app-fixture.js';
import { FakeScanReader } from '../helpers/scan-readers.js';
import { ADMIN, EXPERT, startWebServer, WebClient, type WebServer } from './web-fixture.js';

/*
 * Issue 18, part 2 in the web chat, over real HTTP on 127.0.0.1: a photo sent with a question is read and
 * answered, within the size limit and the CSRF rules of questions; an escalated one goes with its ticket,
 * and the console serves it only to those who may see the ticket.
 */

const FIXTURE = path.join(ROOT, 'test/fixtures/papers');
const PAPER_TEXT = readFileSync(path.join(FIXTURE, 'ban-khai-mau-09.txt'), 'utf8');
const PNG = readFileSync(path.join(FIXTURE, 'ban-khai-mau-09.png'));
const KIND = 'bản khai theo Mẫu số 09';

let s: WebServer;
const reader = new FakeScanReader(PAPER_TEXT);

beforeAll(async () => {
  s = await startWebServer({ expertTopics: ['mai-tang'], scanReader: reader, env: { CHAT_FILE_MAX_MB: '0.2' } });
});

afterAll(async () => {
  await s?.stop();
});

function form(text: string, bytes: Uint8Array = PNG, csrf?: string): FormData {
  const data = new FormData();
  if (csrf !== undefined) data.set('_csrf', csrf);
  data.set('text', text);
  data.set('file', new Blob([bytes], { type: 'image/png' }), 'ảnh bản khai.png');
  return data;
}

async function sendPhoto(chat: WebClient, text: string, bytes?: Uint8Array) {
  const page = await chat.postMultipart('/chat/api/ask-file', form(text, bytes, chat.csrf));
  return { status: page.status, body: JSON.parse(page.text) as { messages?: { role: string; text: string; meta?: { ticket?: number } }[]; error?: string } };
}

async function attachmentCount(): Promise<number> {
  return (await s.app.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM ticket_attachments'))!.n;
}

describe('the web chat: a photo of a paper with a question', () => {
  it('offers the upload on the page, reads the photo and answers the question naming the paper; nothing is kept', async () => {
    const chat = new WebClient(s.url);
    const page = await chat.get('/chat');
    expect(page.text).toContain('action="/chat/ask-file"');
    expect(page.text).toContain('tối đa 0,2 MB');
    const { status, body } = await sendPhoto(chat, 'Bản khai này nộp ở đâu?');
    expect(status).toBe(200);
    expect(body.messages!.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(body.messages![0]!.text).toBe('📎 ảnh bản khai.png\nBản khai này nộp ở đâu?');
    expect(body.messages![1]!.text).toContain(KIND);
    expect(body.messages![1]!.text).toContain('nộp UBND cấp xã');
    expect(await attachmentCount()).toBe(0);
  });

  it('refuses a photo without the CSRF token (403) and one over the size limit (413, in Vietnamese); the page still serves', async () => {
    const chat = new WebClient(s.url);
    await chat.get('/chat');
    const before = reader.inputs.length;
    expect((await chat.postMultipart('/chat/api/ask-file', form('Nộp ở đâu?'))).status).toBe(403);
    expect((await chat.postMultipart('/chat/api/ask-file', form('Nộp ở đâu?', PNG, 'sai-ma'))).status).toBe(403);
    const big = await sendPhoto(chat, 'Nộp ở đâu?', new Uint8Array(400_000));
    expect(big.status).toBe(413);
    expect(big.body.error).toContain('lớn hơn 0,2 MB');
    expect(reader.inputs.length).toBe(before);
    expect((await chat.get('/chat')).status).toBe(200);
  });

  it('answers the form without script with a redirect back to the chat', async () => {
    const chat = new WebClient(s.url);
    await chat.get('/chat');
    const posted = await chat.postMultipart('/chat/ask-file', form('', PNG, chat.csrf));
    expect(posted.status).toBe(303);
    const page = await chat.get('/chat');
    expect(page.text).toContain(KIND);
    expect(page.text).toContain('Bạn muốn hỏi gì về giấy này?');
  });

  it('keeps an escalated question’s photo with its ticket, shown in the console only to who may see the ticket', async () => {
    const chat = new WebClient(s.url);
    await chat.get('/chat');
    const { body } = await sendPhoto(chat, 'hỏi chuyên gia: bản khai này nộp ở đâu?');
    const ticketId = body.messages!.at(-1)!.meta!.ticket!;
    expect(ticketId).toBeGreaterThan(0);
    const [file] = await s.app.escalation.attachmentsOf(ticketId);
    expect(file?.mimeType).toBe('image/png');
    const url = `/console/tickets/${ticketId}/attachments/${file!.id}`;

    const admin = new WebClient(s.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const ticketPage = await admin.get(`/console/tickets/${ticketId}`);
    expect(ticketPage.text).toContain('Giấy tờ người hỏi gửi kèm');
    expect(ticketPage.text).toContain(`<img src="${url}"`);
    const image = await admin.get(url);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('cache-control')).toBe('private, no-store');

    // Not signed in: the sign-in page; an expert of other topics: as if it did not exist.
    expect((await new WebClient(s.url).get(url)).status).toBe(303);
    const ticket = (await s.app.escalation.getTicket(ticketId))!;
    const expert = new WebClient(s.url);
    await expert.login(EXPERT.email, EXPERT.password);
    expect((await expert.get(url)).status).toBe(ticket.topic === 'mai-tang' ? 200 : 404);

    await s.app.escalation.close(ticketId, 'system');
    expect((await admin.get(url)).status).toBe(404);
  });
});
