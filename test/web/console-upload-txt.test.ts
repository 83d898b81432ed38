import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startWebServer, WebClient, type WebServer } from './web-fixture.js';

/*
 * A plain-text (.txt) upload through the console, as README promises: the form offers it, the file gets
 * the metadata form (its header read for suggestions), a sidecar beside it, and it is ingested.
 */

let s: WebServer;
let admin: WebClient;

beforeAll(async () => {
  s = await startWebServer();
  admin = new WebClient(s.url);
  expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(303);
});

afterAll(async () => {
  await s?.stop();
});

const TEXT = [
  'ỦY BAN NHÂN DÂN XÃ BÌNH SƠN',
  'Số: 12/2026/HD-UBND',
  'Bình Sơn, ngày 05 tháng 3 năm 2026',
  'HƯỚNG DẪN',
  'Hồ sơ đổi thẻ thương binh bị hỏng',
  '',
  'Người đề nghị nộp đơn đổi thẻ thương binh tại Ủy ban nhân dân xã, kèm thẻ cũ và hai ảnh 3x4.',
  '',
].join('\n');

describe('a .txt upload', () => {
  it('is offered, gets the metadata form and a sidecar, and is ingested', async () => {
    const page = await admin.get('/console/knowledge');
    expect(page.text).toContain('Tệp .md, .txt, .docx, .pdf hoặc ảnh quét .png, .jpg, .tif');
    expect(page.text).toContain('accept=".md,.txt,.docx,.pdf,.png,.jpg,.jpeg,.tif,.tiff"');

    const form = new FormData();
    form.set('_csrf', admin.csrf);
    form.set('file', new Blob([TEXT]), 'Đổi thẻ thương binh.txt');
    const up = await admin.postMultipart('/console/knowledge/upload', form);
    expect(up.status).toBe(303);
    expect(up.location).toBe('/console/knowledge/pending/doi-the-thuong-binh.txt');

    const pending = await admin.get(up.location!);
    expect(pending.status).toBe(200);
    expect(pending.text).toContain('doi-the-thuong-binh.meta.yaml');
    expect(pending.text).toContain('value="12/2026/HD-UBND"'); // read from the header

    const done = await admin.post(up.location!, {
      id: 'hd-doi-the-thuong-binh',
      title: 'Hướng dẫn hồ sơ đổi thẻ thương binh bị hỏng',
      doc_type: 'thu-tuc',
      status: 'in_force',
      topic: 'thuong-binh',
      source_url: 'https://example.invalid/doi-the',
      reviewed: '2026-11-01',
    });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/console/knowledge/doc/hd-doi-the-thuong-binh');
    expect(await readFile(path.join(s.knowledgeDir, 'uploads', 'doi-the-thuong-binh.txt'), 'utf8')).toBe(TEXT);
    expect(await readFile(path.join(s.knowledgeDir, 'uploads', 'doi-the-thuong-binh.meta.yaml'), 'utf8')).toContain('id: hd-doi-the-thuong-binh');
    expect(existsSync(path.join(s.knowledgeDir, 'uploads', '_pending', 'doi-the-thuong-binh.txt'))).toBe(false);
    const doc = (await s.app.kb.store.listDocuments()).find((d) => d.id === 'hd-doi-the-thuong-binh');
    expect(doc?.sourcePath).toBe('uploads/doi-the-thuong-binh.txt');
    expect((await admin.get(done.location!)).text).toContain('hai ảnh 3x4');
  });

  it('refuses a .txt that is not UTF-8, in Vietnamese', async () => {
    await admin.get('/console/knowledge');
    const form = new FormData();
    form.set('_csrf', admin.csrf);
    form.set('file', new Blob([Buffer.from([0x48, 0xe0, 0x20, 0x4e, 0xe9, 0x69])]), 'latin1.txt');
    const up = await admin.postMultipart('/console/knowledge/upload', form);
    expect(up.location).toBe('/console/knowledge');
    expect((await admin.get('/console/knowledge')).text).toContain('Tệp “latin1.txt” bị từ chối: Tệp văn bản .txt không phải văn bản UTF-8');
  });
});
