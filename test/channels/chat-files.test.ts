import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadFile, isAllowedFileUrl } from '../../src/channels/chat-files/download.js';
import { safeFileName, sniffFileType } from '../../src/channels/chat-files/file-type.js';
import { ChatPaperAnswerer } from '../../src/channels/chat-files/paper-answerer.js';
import { ChatFileRefused, NOT_ALLOWED_TEXT, UNSUPPORTED_TEXT } from '../../src/channels/chat-files/refusals.js';
import { zaloFilePolicy } from '../../src/channels/chat-files/zalo-hosts.js';
import type { AssistantReply } from '../../src/assistant/types.js';
import { FakeScanReader } from '../helpers/scan-readers.js';

const PNG_START = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const asker = { channel: 'test', chatId: 'c1', userId: 'u1' };
const limits = { maxBytes: 1024, maxPages: 2, timeoutMs: 2_000 };

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('which file URLs may be fetched', () => {
  const policy = zaloFilePolicy('https://bot-api.zaloplatforms.com');

  it('takes Zalo’s hosts over HTTPS and the configured API root', () => {
    expect(isAllowedFileUrl('https://photo-stal-12.zdn.vn/abc/def.jpg', policy)).toBe(true);
    expect(isAllowedFileUrl('https://s120-ava-talk.zadn.vn/x.png', policy)).toBe(true);
    expect(isAllowedFileUrl('https://bot-api.zaloplatforms.com/files/1', policy)).toBe(true);
  });

  it('refuses any other host, plain HTTP, another port, credentials, look-alike names and non-URLs', () => {
    for (const url of [
      'http://photo.zdn.vn/a.jpg',
      'https://photo.zdn.vn:8443/a.jpg',
      'https://user:pw@photo.zdn.vn/a.jpg',
      'https://zdn.vn.evil.example/a.jpg',
      'https://evilzdn.vn/a.jpg',
      'http://127.0.0.1/admin',
      'http://169.254.169.254/latest/meta-data',
      'file:///etc/passwd',
      'not a url',
    ]) {
      expect(isAllowedFileUrl(url, policy), url).toBe(false);
    }
  });
});

describe('downloadFile', () => {
  it('refuses a redirect to a host outside the policy without following it', async () => {
    let hits = 0;
    const root = await serve((req, res) => {
      hits += 1;
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
    });
    await expect(downloadFile(`${root}/files/1`, { origins: [root] }, { maxBytes: 1024 })).rejects.toThrow(NOT_ALLOWED_TEXT);
    expect(hits).toBe(1);
  });

  it('refuses by the announced length before reading, and by what arrives when none is announced', async () => {
    const root = await serve((req, res) => {
      if (req.url === '/announced') res.writeHead(200, { 'content-length': '5000' }).end(Buffer.alloc(5000));
      else {
        res.writeHead(200);
        res.write(Buffer.alloc(800));
        res.end(Buffer.alloc(800));
      }
    });
    for (const name of ['announced', 'streamed']) {
      const error = await downloadFile(`${root}/${name}`, { origins: [root] }, { maxBytes: 1024 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ChatFileRefused);
      expect((error as ChatFileRefused).reason).toBe('too_large');
    }
  });

  it('never puts the URL (Telegram’s holds the bot token) in its errors', async () => {
    const error = await downloadFile('http://127.0.0.1:1/file/bot123:SECRET/photos/a.jpg', { origins: ['http://127.0.0.1:1'] }, { maxBytes: 10 }).catch((e: unknown) => e);
    expect(String((error as Error).message)).not.toContain('SECRET');
  });
});

describe('file types', () => {
  it('are told by their bytes, and stored names are made safe', () => {
    expect(sniffFileType(new Uint8Array([...PNG_START, 0]))).toBe('image/png');
    expect(sniffFileType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffFileType(new TextEncoder().encode('%PDF-1.7'))).toBe('application/pdf');
    expect(sniffFileType(new TextEncoder().encode('<svg onload=alert(1)>'))).toBeUndefined();
    expect(safeFileName('../../etc/passwd', 'image/png')).toBe('passwd.png');
    expect(safeFileName('Bản khai <script>.exe', 'application/pdf')).toBe('Bản-khai-script-.pdf');
    expect(safeFileName(undefined, 'image/jpeg')).toBe('giay-to.jpg');
  });
});

describe('ChatPaperAnswerer', () => {
  const questions = { answer: async () => ({ stage: 'retrieval', text: 'đã trả lời', body: 'đã trả lời', citations: [], warnings: [], confidence: 1, offerFeedback: false }) as AssistantReply };

  it('refuses a file that is not a photo or a PDF without reading it', async () => {
    const reader = new FakeScanReader('BẢN KHAI');
    const answerer = new ChatPaperAnswerer({ questions, reader, limits });
    const reply = await answerer.answer({ asker, question: '', file: { kind: 'bytes', bytes: new TextEncoder().encode('<html>') } });
    expect(reply.text).toBe(UNSUPPORTED_TEXT);
    expect(reader.inputs).toHaveLength(0);
  });

  it('refuses a PDF over the page limit as soon as the reader counts its pages', async () => {
    const answerer = new ChatPaperAnswerer({ questions, reader: new FakeScanReader('BẢN KHAI', { pages: 3, delayMs: 5_000 }), limits });
    const started = performance.now();
    const reply = await answerer.answer({ asker, question: '', file: { kind: 'bytes', bytes: new TextEncoder().encode('%PDF-1.4') } });
    expect(reply.text).toContain('có hơn 2 trang');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('reads a few files at a time and refuses more than it can keep waiting', async () => {
    const reader = new FakeScanReader('BẢN KHAI', { delayMs: 200 });
    const answerer = new ChatPaperAnswerer({ questions, reader, limits, maxConcurrent: 1, maxWaiting: 1 });
    const file = { kind: 'bytes' as const, bytes: new Uint8Array([...PNG_START]) };
    const replies = await Promise.all([0, 1, 2].map(() => answerer.answer({ asker, question: 'hỏi', file })));
    expect(replies.map((r) => r.text)).toEqual(['đã trả lời', 'đã trả lời', expect.stringContaining('đang đọc nhiều giấy tờ')]);
  });
});
