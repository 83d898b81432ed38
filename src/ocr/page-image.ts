/**
 * One page of a scan as an image a browser shows, for the OCR review: a PDF page rendered by `pdftoppm` (a
 * child process under the OCR limits), a PNG or JPEG as it is. TIFF, which browsers do not show, is refused.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OcrLimits } from './ocr-limits.js';
import { runLimited } from './run-limited.js';
import { MIME_TYPES, scanFormatOf } from './scan-format.js';
import { ScanRejected } from './scan-reader.js';

/** Enough to read the page beside its text on a screen, and quick to render. */
export const PREVIEW_DPI = 100;

export interface PageImage {
  bytes: Buffer;
  contentType: string;
}

/** Page `page` (from 1) of the scan `bytes`, as an image. */
export async function renderPageImage(bytes: Buffer, page: number, limits: OcrLimits): Promise<PageImage> {
  const format = scanFormatOf(bytes);
  if (format === 'png' || format === 'jpeg') {
    if (page !== 1) throw new ScanRejected('Ảnh chỉ có một trang.', 'unreadable');
    return { bytes, contentType: MIME_TYPES[format] };
  }
  if (format !== 'pdf') throw new ScanRejected('Không xem trước được loại tệp này trên trình duyệt (chỉ PDF, PNG, JPEG).', 'unsupported');
  const work = await mkdtemp(path.join(tmpdir(), 'trolyxa-page-'));
  try {
    const input = path.join(work, 'scan.pdf');
    const output = path.join(work, 'page');
    await writeFile(input, bytes);
    const outcome = await runLimited(
      'pdftoppm',
      ['-f', String(page), '-l', String(page), '-r', String(PREVIEW_DPI), '-png', '-singlefile', input, output],
      { timeoutMs: limits.pageTimeoutMs, memoryMb: limits.memoryMb },
    );
    if (outcome.kind === 'timeout') throw new ScanRejected('Dựng ảnh trang quét quá lâu.', 'timeout');
    if (outcome.kind !== 'ok') throw new ScanRejected(`Không dựng được ảnh trang ${page} của bản quét.`, 'unreadable');
    return { bytes: await readFile(`${output}.png`), contentType: 'image/png' };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
