import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { FormLinkSigner } from '../../src/forms/download-link.js';
import { checkFormFile, FormFileError } from '../../src/forms/form-file.js';
import { formsNamedIn, parseFormRequest } from '../../src/forms/form-number.js';
import { ND131_FORMS } from '../../src/forms/nd131-forms.js';
import { nfc } from '../../src/text/normalize.js';
import { createTestApp, ROOT, type TestApp } from '../helpers/app-fixture.js';

describe('asking for a form', () => {
  it('reads "/mau 12", "mau so 12", "Mẫu 12", "Mẫu số 12" as a request, and a question naming a form as a question', () => {
    for (const text of ['/mau 12', '/mau12', 'mau so 12', 'Mẫu 12', 'Mẫu số 12', 'gửi mẫu số 12', '/mau@trolyxa_bot 12', ' MẪU SỐ 012 ']) {
      expect(parseFormRequest(text), text).toEqual({ number: '12' });
    }
    expect(parseFormRequest('/mau 5')).toEqual({ number: '05' });
    expect(parseFormRequest('/mau')).toEqual({ usage: true });
    for (const text of ['mẫu', 'Mẫu số 12 nộp ở đâu?', 'cho tôi hỏi về mẫu số 12 của người có công', 'mau so']) expect(parseFormRequest(text), text).toBeUndefined();
  });

  it('finds the forms a reply names, once each, leaving out another text’s forms', () => {
    expect(formsNamedIn('Bản khai Mẫu số 12; đơn Mẫu 18, kèm Mẫu số 12.')).toEqual(['12', '18']);
    expect(formsNamedIn('lập danh sách đề nghị (Mẫu 16, Phụ lục I TT 09/2025/TT-BNV)')).toEqual([]);
    expect(formsNamedIn('xác nhận thông tin cư trú Mẫu CT07')).toEqual([]);
  });
});

describe('a form file', () => {
  const base = { number: '12', maxBytes: 1024, uploadedBy: 'quantri@sonv.gov.vn', now: new Date('2026-12-06T08:00:00Z') };
  const refusal = (originalName: string, bytes: Buffer, maxBytes = 1024): string => {
    try {
      checkFormFile({ ...base, originalName, bytes, maxBytes });
    } catch (error) {
      if (error instanceof FormFileError) return error.message;
      throw error;
    }
    return '';
  };

  it('is accepted as a .pdf or .docx whose first bytes agree, and named after its form', () => {
    const pdf = checkFormFile({ ...base, originalName: 'C:\\Tải về\\mẫu 12 (bản chính).PDF', bytes: Buffer.from('%PDF-1.7 x') });
    expect(pdf).toMatchObject({ fileName: 'Mau-so-12.pdf', type: 'application/pdf', size: 10 });
    expect(pdf.sha256).toMatch(/^[0-9a-f]{64}$/);
    const docx = checkFormFile({ ...base, originalName: 'mau-12.docx', bytes: Buffer.from('PK\u0003\u0004....word/document.xml....') });
    expect(docx.type).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  });

  it('is refused in Vietnamese: empty, too large (naming FORM_FILE_MAX_MB), another type, or bytes that belie its name', () => {
    expect(refusal('a.pdf', Buffer.alloc(0))).toBe('Tệp rỗng.');
    expect(refusal('a.pdf', Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(2000)]))).toContain('FORM_FILE_MAX_MB');
    expect(refusal('a.exe', Buffer.from('%PDF-1.4'))).toBe('Chỉ nhận tệp biểu mẫu .pdf hoặc .docx.');
    expect(refusal('a.pdf', Buffer.from('<html>'))).toContain('Tệp không phải PDF');
    expect(refusal('a.docx', Buffer.from('%PDF-1.4'))).toContain('Tệp không phải .docx');
  });

  it('has a size limit that a bad FORM_FILE_MAX_MB stops the program over, naming the variable', () => {
    expect(loadConfig({ FORM_FILE_MAX_MB: '2' }, '/tmp').forms.maxFileBytes).toBe(2 * 1024 * 1024);
    expect(() => loadConfig({ FORM_FILE_MAX_MB: 'nhiều' }, '/tmp')).toThrow(ConfigError);
    expect(() => loadConfig({ FORM_FILE_MAX_MB: 'nhiều' }, '/tmp')).toThrow(/FORM_FILE_MAX_MB/);
    expect(loadConfig({ TELEGRAM_WEBHOOK_URL: 'https://bot.example.vn/webhooks/telegram' }, '/tmp').publicUrl).toBe('https://bot.example.vn');
    expect(loadConfig({}, '/tmp').publicUrl).toBeUndefined();
  });
});

describe('a download link', () => {
  const links = new FormLinkSigner('bí-mật-thử');
  const file = { fileName: 'Mau-so-12.pdf', sha256: 'a'.repeat(64) };
  const proofOf = (p: string) => Object.fromEntries(new URL(p, 'http://x').searchParams) as { e: string; s: string };

  it('works for its form and file until it expires, and for nothing else', () => {
    const now = new Date('2026-12-06T08:00:00Z');
    const p = links.path('12', file, new Date(now.getTime() + 3_600_000));
    expect(p).toMatch(/^\/forms\/12\/Mau-so-12\.pdf\?e=\d+&s=[\w-]+$/);
    const proof = proofOf(p);
    expect(links.verify('12', file.sha256, proof, now)).toBe(true);
    expect(links.verify('12', file.sha256, proof, new Date(now.getTime() + 3_600_001))).toBe(false);
    expect(links.verify('18', file.sha256, proof, now)).toBe(false);
    expect(links.verify('12', 'b'.repeat(64), proof, now)).toBe(false);
    expect(links.verify('12', file.sha256, { ...proof, e: String(Number(proof.e) + 1) }, now)).toBe(false);
    expect(new FormLinkSigner('khác').verify('12', file.sha256, proof, now)).toBe(false);
    expect(links.verify('12', file.sha256, {}, now)).toBe(false);
  });
});

describe('the bundled list of forms', () => {
  it('has every form of Phụ lục I, 01 to 103, each with a name the knowledge document gives', async () => {
    expect(ND131_FORMS.map((f) => f.number)).toEqual(Array.from({ length: 103 }, (_, i) => String(i + 1).padStart(2, '0')));
    const doc = nfc(await readFile(path.join(ROOT, 'knowledge/phap-ly/danh-muc-mau-nd-131.md'), 'utf8'));
    for (const form of ND131_FORMS) {
      expect(form.name, form.number).toBe(nfc(form.name));
      expect(form.legalBasis).toBe('Phụ lục I Nghị định 131/2021/NĐ-CP');
      if (form.name.startsWith('Chưa xác định')) {
        expect(doc).toContain(`Mẫu số ${form.number}: không được nhắc trong lời văn`);
      } else if (form.name.startsWith('Mẫu trích lục')) {
        expect(doc).toMatch(new RegExp(`Mẫu số [\\d, ]*${form.number}[\\d, ]*: các mẫu trích lục`));
      } else {
        // The seed's name is the document's, or the document's with the articles in brackets taken out.
        const line = doc.split('\n').filter((l) => l.startsWith(`- Mẫu số ${form.number}: `)).join(' ');
        const words = form.name.split(/\s+/).filter((w) => w.length > 3);
        for (const word of words) expect(line, `${form.number}: ${word}`).toContain(word);
      }
    }
  });
});

describe('"/mau" in the assistant', () => {
  let app: TestApp;
  let cleanup: () => Promise<void>;
  const asker = { channel: 'web', chatId: 'forms-test', userId: 'forms-test' };
  beforeAll(async () => {
    ({ app, cleanup } = await createTestApp());
  }, 60_000);
  afterAll(async () => {
    await cleanup();
  });

  it('answers a form without a file with its name, its legal basis and where it is published, and queues nothing', async () => {
    const reply = await app.assistant.handle({ asker, text: '/mau 12' });
    expect(reply.text).toContain('Mẫu số 12: Bản khai khi người có công');
    expect(reply.text).toContain('ban hành kèm theo Phụ lục I Nghị định 131/2021/NĐ-CP');
    expect(reply.text).toContain('Cổng thông tin điện tử Chính phủ');
    expect(reply.text).toContain('Cơ sở dữ liệu quốc gia về văn bản pháp luật');
    expect(await app.stores.outbox.list({ kind: 'document' })).toEqual([]);
  });

  it('answers an unknown number clearly, with the closest numbers', async () => {
    const reply = await app.assistant.handle({ asker, text: '/mau 150' });
    expect(reply.text).toBe('Không có Mẫu số 150 trong danh mục biểu mẫu của Trợ lý Xã. Danh mục có từ Mẫu số 01 đến Mẫu số 103. Có phải bạn cần Mẫu số 101, Mẫu số 102, Mẫu số 103? Gõ ví dụ /mau 101.');
    expect((await app.assistant.handle({ asker, text: '/mau' })).text).toContain('/mau 12');
  });

  it('offers a form an answer names once it has a file, and not before', async () => {
    const question = 'Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?';
    const before = await app.assistant.handle({ asker: { ...asker, chatId: 'f2', userId: 'f2' }, text: question });
    expect(before.text).toContain('Mẫu số 12');
    expect(before.forms).toBeUndefined();
    await app.repos.forms.putFile('12', checkFormFile({ number: '12', originalName: 'm.pdf', bytes: Buffer.from('%PDF-1.4'), maxBytes: 1024, uploadedBy: 'a@b.vn', now: new Date() }));
    const after = await app.assistant.handle({ asker: { ...asker, chatId: 'f3', userId: 'f3' }, text: question });
    expect(after.forms).toEqual([{ number: '12', name: expect.stringContaining('Bản khai') }]);
    const asked = await app.assistant.handle({ asker: { ...asker, chatId: 'f3', userId: 'f3' }, text: 'Mẫu số 12', sourceKey: 'web:f3:1' });
    expect(asked.text).toContain('Tệp mẫu (Mau-so-12.pdf) được gửi ngay sau tin nhắn này');
    expect(await app.stores.outbox.list({ kind: 'document' })).toMatchObject([{ channel: 'web', chatId: 'f3', attachment: 'form:12', dedupKey: 'document:web:f3:1' }]);
  });
});
