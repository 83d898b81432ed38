import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithOcrTools } from '../helpers/scan-readers.js';
import { ROOT } from '../helpers/app-fixture.js';
import { hasChromium, launchBrowser } from '../helpers/browser.js';
import { SCAN_FIXTURE, SCAN_PHRASE } from '../helpers/ocr-fixture.js';
import { ADMIN, EXPERT, startWebServer, WebClient, type WebServer } from './web-fixture.js';

/*
 * A scanned PDF uploaded in the console, through the real server, parse thread and OCR (pdftoppm +
 * tesseract): it is read in the background while the server keeps answering, waits for review out of
 * search, is shown page image beside text (to admins only, the image rendered on request), and is
 * published by "Xác nhận và đăng" (CSRF-checked), after which the search finds it. A corrupt scan and an
 * oversized one are refused in Vietnamese and removed, and the server answers /healthz all the while.
 */

let s: WebServer;
let admin: WebClient;

interface Progress {
  state: string;
  text: string;
  report?: { failed: { file: string; reason: string; refused?: boolean }[]; awaitingReview: string[] };
}

/** Polls the re-index progress until the OCR ingest ends, checking /healthz answers meanwhile. */
async function untilIndexed(): Promise<Progress> {
  let healthChecks = 0;
  for (;;) {
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    healthChecks += 1;
    const progress = JSON.parse((await admin.get('/console/knowledge/reindex/progress')).text) as Progress;
    if (progress.state !== 'running' && healthChecks > 1) return progress;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function uploadScan(name: string, bytes: Buffer, id: string): Promise<string | undefined> {
  await admin.get('/console/knowledge');
  const form = new FormData();
  form.set('_csrf', admin.csrf);
  form.set('file', new Blob([bytes]), name);
  const up = await admin.postMultipart('/console/knowledge/upload', form);
  expect(up.status).toBe(303);
  if (!up.location?.startsWith('/console/knowledge/pending/')) return up.location;
  await admin.get(up.location);
  const done = await admin.post(up.location, { id, title: `Bản quét ${id}`, doc_type: 'nghi-dinh', status: 'in_force', reviewed: '2026-12-01' });
  expect(done.status).toBe(303);
  return done.location;
}

async function searchedDocIds(question: string): Promise<string[]> {
  const searcher = await s.app.kb.searcher();
  return (await searcher.search(question, 5)).hits.map((h) => h.passage.docId);
}

/** A PNG whose header declares 20 000 × 20 000 pixels (400 million), with no real image behind it. */
function hugePng(): Buffer {
  const png = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png, 0);
  png.writeUInt32BE(13, 8);
  png.write('IHDR', 12, 'latin1');
  png.writeUInt32BE(20_000, 16);
  png.writeUInt32BE(20_000, 20);
  png.set([8, 0, 0, 0, 0], 24);
  return png;
}

beforeAll(async () => {
  s = await startWebServer();
  admin = new WebClient(s.url);
  expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(303);
}, 120_000);

afterAll(async () => {
  await s?.stop();
});

describeWithOcrTools('a scanned PDF in the console')('a scanned PDF in the console', () => {
  it('is read by OCR in the background, waits for review out of search, and is published once confirmed', async () => {
    const location = await uploadScan('Nghị định 131 quét.pdf', await readFile(SCAN_FIXTURE.scanPdf), 'nd-131-quet');
    expect(location).toBe('/console/knowledge/review');
    const progress = await untilIndexed();
    expect(progress.state).toBe('done');
    expect(progress.report?.awaitingReview).toEqual(['uploads/nghi-dinh-131-quet.pdf']);

    const doc = (await s.app.kb.store.listDocuments()).find((d) => d.id === 'nd-131-quet');
    expect(doc?.meta.ocr).toBe(true);
    expect(doc?.ocr).toMatchObject({ pages: 1 });
    expect(await searchedDocIds(SCAN_PHRASE)).not.toContain('nd-131-quet');

    const list = await admin.get('/console/knowledge');
    expect(list.text).toContain('1 tài liệu quét đã nhận dạng chữ (OCR) đang chờ duyệt');
    expect(list.text).toContain('Chờ duyệt OCR');
    const queue = await admin.get('/console/knowledge/review');
    expect(queue.text).toContain('href="/console/knowledge/review/nd-131-quet"');

    const review = await admin.get('/console/knowledge/review/nd-131-quet');
    expect(review.status).toBe(200);
    expect(review.text).toContain('Văn bản do máy nhận dạng chữ (OCR)');
    expect(review.text).toContain('src="/console/knowledge/review/nd-131-quet/page/1.png"');
    expect(review.text).toContain('5162/VBHN-BLĐTBXH');
    expect(review.text).toContain('Xác nhận và đăng');

    const image = await fetch(`${s.url}/console/knowledge/review/nd-131-quet/page/1.png`, { headers: { cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer()).subarray(1, 4).toString('latin1')).toBe('PNG');
    expect((await admin.get('/console/knowledge/review/nd-131-quet/page/2.png')).status).toBe(404);

    // Only admins see the scan: not a visitor, not an expert.
    const anonymous = await fetch(`${s.url}/console/knowledge/review/nd-131-quet/page/1.png`, { redirect: 'manual' });
    expect(anonymous.status).not.toBe(200);
    const expert = new WebClient(s.url);
    await expert.login(EXPERT.email, EXPERT.password);
    expect((await expert.get('/console/knowledge/review/nd-131-quet/page/1.png')).status).toBe(403);

    // The accept form is CSRF-checked.
    expect((await admin.post('/console/knowledge/review/nd-131-quet/accept', {}, null)).status).toBe(403);
    expect(await searchedDocIds(SCAN_PHRASE)).not.toContain('nd-131-quet');

    await admin.get('/console/knowledge/review/nd-131-quet');
    const accepted = await admin.post('/console/knowledge/review/nd-131-quet/accept', {});
    expect(accepted.status).toBe(303);
    expect(accepted.location).toBe('/console/knowledge/doc/nd-131-quet');
    expect(await searchedDocIds(SCAN_PHRASE)).toContain('nd-131-quet');
    const page = await admin.get(accepted.location!);
    expect(page.text).toContain('Đã xác nhận và đăng');
    expect(page.text).toContain(`${ADMIN.email} đã xác nhận lúc`);
    expect((await admin.get('/console/knowledge/review')).text).toContain('Không có tài liệu nào đang chờ duyệt.');
  }, 240_000);

  it('refuses a corrupt scan and an oversized one in Vietnamese, removes them, and keeps answering meanwhile', async () => {
    const corrupt = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('không phải ảnh, chỉ là rác '.repeat(50))]);
    expect(await uploadScan('hong.png', corrupt, 'anh-hong')).toBe('/console/knowledge/review');
    const first = await untilIndexed();
    const corruptFailure = first.report?.failed.find((f) => f.file === 'uploads/hong.png');
    expect(corruptFailure).toMatchObject({ refused: true });
    expect(corruptFailure?.reason).toMatch(/^Không đọc được trang 1 của bản quét: tệp hỏng hoặc không phải PDF\/ảnh hợp lệ/u);
    expect(existsSync(path.join(s.knowledgeDir, 'uploads', 'hong.png'))).toBe(false);

    expect(await uploadScan('qua-lon.png', hugePng(), 'anh-qua-lon')).toBe('/console/knowledge/review');
    const second = await untilIndexed();
    const hugeFailure = second.report?.failed.find((f) => f.file === 'uploads/qua-lon.png');
    expect(hugeFailure?.reason).toBe('Ảnh quá lớn (20000 × 20000 điểm ảnh; giới hạn 40 triệu điểm ảnh).');
    expect(existsSync(path.join(s.knowledgeDir, 'uploads', 'qua-lon.png'))).toBe(false);
    expect((await s.app.kb.store.awaitingReview()).map((w) => w.id)).toEqual([]);
  }, 240_000);

  it.skipIf(!hasChromium)('shows the page image beside the text (screenshot docs/ocr-review.png)', async () => {
    const dir = path.join(s.knowledgeDir, 'quet');
    await mkdir(dir, { recursive: true });
    await copyFile(SCAN_FIXTURE.scanPdf, path.join(dir, 'nd-131-man-hinh.pdf'));
    await writeFile(path.join(dir, 'nd-131-man-hinh.meta.yaml'), 'id: nd-131-man-hinh\ntitle: "Nghị định 131/2021/NĐ-CP (bản quét)"\n');
    await admin.get('/console/knowledge');
    await admin.post('/console/knowledge/reindex', {});
    await untilIndexed();
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${s.url}/console`);
      await page.waitForURL(/\/console\/login/);
      await page.fill('input[name=email]', ADMIN.email);
      await page.fill('input[name=password]', ADMIN.password);
      await page.click('button[type=submit]');
      await page.waitForURL(/\/console(?!\/login)/);
      await page.goto(`${s.url}/console/knowledge/review/nd-131-man-hinh`);
      await page.waitForFunction("(() => { const img = document.querySelector('.ocr-page img'); return !!img && img.complete && img.naturalWidth > 0; })()");
      const [imageBox, textBox] = await Promise.all([page.locator('.ocr-page').boundingBox(), page.locator('.ocr-text').boundingBox()]);
      expect(imageBox!.x + imageBox!.width).toBeLessThanOrEqual(textBox!.x); // side by side
      await page.screenshot({ path: path.join(ROOT, 'docs', 'ocr-review.png') });
    } finally {
      await browser.close();
    }
  }, 240_000);
});
