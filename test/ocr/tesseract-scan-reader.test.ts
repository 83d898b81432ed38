import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithOcrTools } from '../helpers/scan-readers.js';
import { characterAccuracy } from '../../src/ocr/char-accuracy.js';
import { DEFAULT_OCR_LIMITS, type OcrLimits } from '../../src/ocr/ocr-limits.js';
import { normaliseOcrText } from '../../src/ocr/ocr-text.js';
import { ScanRejected, type ScanProgress } from '../../src/ocr/scan-reader.js';
import { TesseractScanReader } from '../../src/ocr/tesseract-scan-reader.js';
import { SCAN_FIXTURE } from '../helpers/ocr-fixture.js';

/*
 * The Tesseract reader on the real tools, over the fixture page rendered from the knowledge base (an
 * image-only PDF: no text layer). The accuracy threshold is set from the bench's measurement (99.7% at
 * 300 dpi on this page) with a margin for other Tesseract builds.
 */

const run = promisify(execFile);
const MIN_ACCURACY = 0.95;
let work: string;
let scan: Buffer;
let twoPages: Buffer;
let truth: string;

const reader = (limits: Partial<OcrLimits> = {}) => new TesseractScanReader({ ...DEFAULT_OCR_LIMITS, ...limits });

async function rejection(promise: Promise<unknown>): Promise<ScanRejected> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScanRejected);
  return error as ScanRejected;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'trolyxa-ocr-test-'));
  scan = await readFile(SCAN_FIXTURE.scanPdf);
  truth = await readFile(SCAN_FIXTURE.truth, 'utf8');
  await run('pdfunite', [SCAN_FIXTURE.scanPdf, SCAN_FIXTURE.scanPdf, path.join(work, 'two.pdf')]);
  twoPages = await readFile(path.join(work, 'two.pdf'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describeWithOcrTools('TesseractScanReader')('TesseractScanReader', () => {
  it(`reads the fixture page (a PDF without a text layer) with character accuracy above ${MIN_ACCURACY}`, async () => {
    const out = await reader().read({ bytes: scan, mimeType: 'application/pdf' });
    expect(out.pages).toBe(1);
    expect(out.meanConfidence).toBeGreaterThan(80);
    expect(out.text).toBe(out.text.normalize('NFC'));
    expect(characterAccuracy(normaliseOcrText(out.text), truth)).toBeGreaterThan(MIN_ACCURACY);
  }, 120_000);

  it('reads an image straight with tesseract', async () => {
    await run('pdftoppm', ['-r', '150', '-gray', '-png', '-singlefile', SCAN_FIXTURE.scanPdf, path.join(work, 'page')]);
    const out = await reader().read({ bytes: await readFile(path.join(work, 'page.png')), mimeType: 'image/png' });
    expect(out.pages).toBe(1);
    expect(characterAccuracy(normaliseOcrText(out.text), truth)).toBeGreaterThan(0.9);
  }, 120_000);

  it('reports progress page by page and separates pages by a form feed', async () => {
    const seen: ScanProgress[] = [];
    const out = await reader().read({ bytes: twoPages, mimeType: 'application/pdf' }, { onProgress: (p) => seen.push(p) });
    expect(seen).toEqual([
      { pagesDone: 0, pagesTotal: 2 },
      { pagesDone: 1, pagesTotal: 2 },
      { pagesDone: 2, pagesTotal: 2 },
    ]);
    expect(out.pages).toBe(2);
    expect(out.text.split('\f')).toHaveLength(2);
  }, 180_000);

  it('refuses, in Vietnamese and naming the setting, a scan over the size, page or time limits', async () => {
    const big = await rejection(reader({ maxBytes: 1000 }).read({ bytes: scan, mimeType: 'application/pdf' }));
    expect(big.reason).toBe('too_large');
    expect(big.message).toMatch(/^Tệp quét quá lớn \(.+ MB; giới hạn .+, OCR_MAX_MB\)\.$/u);

    const pages = await rejection(reader({ maxPages: 1 }).read({ bytes: twoPages, mimeType: 'application/pdf' }));
    expect(pages.reason).toBe('too_many_pages');
    expect(pages.message).toBe('Bản quét có 2 trang, vượt giới hạn 1 trang (OCR_MAX_PAGES); hãy tách thành nhiều tệp.');

    // The child is killed at the limit: the call ends with a refusal instead of waiting for it.
    const slow = await rejection(reader({ pageTimeoutMs: 1 }).read({ bytes: scan, mimeType: 'application/pdf' }));
    expect(slow.reason).toBe('timeout');
    expect(slow.message).toMatch(/^Nhận dạng chữ trang 1 mất hơn 0 giây \(OCR_PAGE_TIMEOUT_SECONDS\)/u);

    const tall = await rejection(reader({ maxPagePixels: 100_000 }).read({ bytes: scan, mimeType: 'application/pdf' }));
    expect(tall).toMatchObject({ reason: 'too_large', message: 'Trang 1 của bản quét có khổ quá lớn để nhận dạng chữ.' });
  }, 120_000);

  it('refuses a corrupt PDF, a corrupt image and a file that is no scan', async () => {
    const pdf = await rejection(reader().read({ bytes: Buffer.from('%PDF-1.4\nkhông phải PDF\n'), mimeType: 'application/pdf' }));
    expect(pdf).toMatchObject({ reason: 'unreadable', message: 'Không đọc được tệp của bản quét: tệp hỏng hoặc không phải PDF/ảnh hợp lệ.' });
    const png = await rejection(reader().read({ bytes: Buffer.concat([scan.subarray(0, 0), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]), mimeType: 'image/png' }));
    expect(png.reason).toBe('unreadable');
    const text = await rejection(reader().read({ bytes: Buffer.from('Xin chào'), mimeType: 'text/plain' }));
    expect(text).toMatchObject({ reason: 'unsupported', message: 'Chỉ nhận dạng chữ được tệp PDF hoặc ảnh PNG, JPEG, TIFF.' });
  }, 60_000);
});
