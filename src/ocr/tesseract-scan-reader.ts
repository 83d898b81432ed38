/**
 * The {@link ScanReader} on the Debian tools: a PDF is measured with `pdfinfo`, each page rendered with
 * `pdftoppm` and read with `tesseract -l vie`; an image goes straight to `tesseract`. Every tool runs as a
 * child process under the time and memory limits of {@link OcrLimits}, one page at a time, in a temporary
 * folder removed afterwards: the server's thread only waits for them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { megabytes } from '../knowledge/load-error.js';
import { DEFAULT_OCR_LIMITS, type OcrLimits } from './ocr-limits.js';
import { runLimited, type ChildOutcome } from './run-limited.js';
import { declaredImageSize, scanFormatOf, type ScanFormat } from './scan-format.js';
import { ScanRejected, type ScanInput, type ScanReader, type ScanReadOptions, type ScanText } from './scan-reader.js';
import { readTesseractTsv } from './tesseract-tsv.js';

/** pdfinfo reads only the document's structure: it has no reason to take long. */
const PDFINFO_TIMEOUT_MS = 15_000;
/** A page rendered below this resolution would be unreadable: the page is refused as too large. */
const MIN_DPI = 72;
const POINTS_PER_INCH = 72;
const TOOLS_MISSING = 'máy chủ chưa cài công cụ nhận dạng chữ (gói tesseract-ocr, tesseract-ocr-vie và poppler-utils)';

export class TesseractScanReader implements ScanReader {
  constructor(
    private readonly limits: OcrLimits = DEFAULT_OCR_LIMITS,
    private readonly language = 'vie',
  ) {}

  async read(input: ScanInput, options: ScanReadOptions = {}): Promise<ScanText> {
    const { limits } = this;
    if (input.bytes.length > limits.maxBytes) {
      throw new ScanRejected(`Tệp quét quá lớn (${megabytes(input.bytes.length)}; giới hạn ${megabytes(limits.maxBytes)}, OCR_MAX_MB).`, 'too_large');
    }
    const format = scanFormatOf(input.bytes);
    if (!format) throw new ScanRejected('Chỉ nhận dạng chữ được tệp PDF hoặc ảnh PNG, JPEG, TIFF.', 'unsupported');
    const work = await mkdtemp(path.join(tmpdir(), 'trolyxa-ocr-'));
    try {
      const file = path.join(work, `scan.${format === 'jpeg' ? 'jpg' : format}`);
      await writeFile(file, input.bytes);
      return format === 'pdf' ? await this.readPdf(file, work, options) : await this.readImage(file, format, input.bytes, options);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  private async readImage(file: string, format: ScanFormat, bytes: Uint8Array, options: ScanReadOptions): Promise<ScanText> {
    const size = declaredImageSize(bytes, format);
    if (size && size.width * size.height > this.limits.maxPagePixels) {
      throw new ScanRejected(
        `Ảnh quá lớn (${size.width} × ${size.height} điểm ảnh; giới hạn ${Math.round(this.limits.maxPagePixels / 1e6)} triệu điểm ảnh).`,
        'too_large',
      );
    }
    options.onProgress?.({ pagesDone: 0, pagesTotal: 1 });
    const page = await this.recognise(file, 1, options.signal);
    options.onProgress?.({ pagesDone: 1, pagesTotal: 1 });
    return { text: page.text.normalize('NFC'), pages: 1, meanConfidence: page.meanConfidence, uncertainWords: page.uncertain };
  }

  private async readPdf(file: string, work: string, options: ScanReadOptions): Promise<ScanText> {
    const pageSizes = await this.pdfPageSizes(file, options.signal);
    const texts: string[] = [];
    let confidenceSum = 0;
    let words = 0;
    const uncertain = new Set<string>();
    options.onProgress?.({ pagesDone: 0, pagesTotal: pageSizes.length });
    for (const [index, size] of pageSizes.entries()) {
      const pageNo = index + 1;
      const image = path.join(work, `page-${pageNo}`);
      const dpi = this.dpiFor(size, pageNo);
      const rendered = await runLimited(
        'pdftoppm',
        ['-f', String(pageNo), '-l', String(pageNo), '-r', String(dpi), '-gray', '-png', '-singlefile', file, image],
        this.childLimits(options.signal),
      );
      this.check(rendered, pageNo);
      const page = await this.recognise(`${image}.png`, pageNo, options.signal);
      await rm(`${image}.png`, { force: true });
      texts.push(page.text);
      for (const word of page.uncertain) uncertain.add(word);
      if (page.meanConfidence !== null) {
        confidenceSum += page.meanConfidence * page.words;
        words += page.words;
      }
      options.onProgress?.({ pagesDone: pageNo, pagesTotal: pageSizes.length });
    }
    return {
      text: texts.join('\f').normalize('NFC'),
      pages: pageSizes.length,
      meanConfidence: words ? confidenceSum / words : null,
      uncertainWords: [...uncertain],
    };
  }

  /** Width and height in points of each page, after checking the page count. */
  private async pdfPageSizes(file: string, signal: AbortSignal | undefined): Promise<{ width: number; height: number }[]> {
    const info = await runLimited('pdfinfo', [file], { ...this.childLimits(signal), timeoutMs: PDFINFO_TIMEOUT_MS });
    const summary = this.check(info, 0).toString('utf8');
    const pages = Number(/^Pages:\s+(\d+)/m.exec(summary)?.[1] ?? NaN);
    if (!Number.isInteger(pages) || pages < 1) throw new ScanRejected('Không đọc được tệp PDF quét: tệp hỏng hoặc không có trang nào.', 'unreadable');
    if (pages > this.limits.maxPages) {
      throw new ScanRejected(`Bản quét có ${pages} trang, vượt giới hạn ${this.limits.maxPages} trang (OCR_MAX_PAGES); hãy tách thành nhiều tệp.`, 'too_many_pages');
    }
    const detail = await runLimited('pdfinfo', ['-f', '1', '-l', String(pages), file], { ...this.childLimits(signal), timeoutMs: PDFINFO_TIMEOUT_MS });
    const sizes = [...this.check(detail, 0).toString('utf8').matchAll(/^Page\s+\d+\s+size:\s+([\d.]+)\s+x\s+([\d.]+)/gm)].map((m) => ({
      width: Number(m[1]),
      height: Number(m[2]),
    }));
    return sizes.length === pages ? sizes : Array.from({ length: pages }, () => ({ width: 595, height: 842 }));
  }

  /** The configured resolution, lowered so that the page stays under the pixel cap. */
  private dpiFor(size: { width: number; height: number }, pageNo: number): number {
    const squareInches = (size.width / POINTS_PER_INCH) * (size.height / POINTS_PER_INCH);
    const fitting = Math.floor(Math.sqrt(this.limits.maxPagePixels / Math.max(squareInches, 1e-6)));
    const dpi = Math.min(this.limits.dpi, fitting);
    if (dpi < MIN_DPI) throw new ScanRejected(`Trang ${pageNo} của bản quét có khổ quá lớn để nhận dạng chữ.`, 'too_large');
    return dpi;
  }

  private async recognise(image: string, pageNo: number, signal: AbortSignal | undefined) {
    // One OpenMP thread: the other core keeps answering.
    const env = { ...process.env, OMP_THREAD_LIMIT: '1' };
    const outcome = await runLimited('tesseract', [image, 'stdout', '-l', this.language, 'tsv'], { ...this.childLimits(signal), env });
    return readTesseractTsv(this.check(outcome, pageNo).toString('utf8'));
  }

  private childLimits(signal: AbortSignal | undefined) {
    return { timeoutMs: this.limits.pageTimeoutMs, memoryMb: this.limits.memoryMb, signal };
  }

  /** The child's output, or the refusal its ending calls for. */
  private check(outcome: ChildOutcome, pageNo: number): Buffer {
    const where = pageNo > 0 ? `trang ${pageNo}` : 'tệp';
    switch (outcome.kind) {
      case 'ok':
        return outcome.stdout;
      case 'missing':
        throw new ScanRejected(`Không nhận dạng được chữ: ${TOOLS_MISSING}.`, 'unsupported');
      case 'timeout': {
        const seconds = (this.limits.pageTimeoutMs / 1000).toLocaleString('vi-VN', { maximumFractionDigits: 1 });
        throw new ScanRejected(`Nhận dạng chữ ${where} mất hơn ${seconds} giây (OCR_PAGE_TIMEOUT_SECONDS); bản quét quá phức tạp hoặc bị hỏng.`, 'timeout');
      }
      case 'aborted':
        throw new ScanRejected('Đã dừng nhận dạng chữ.', 'timeout');
      case 'too_much_output':
        throw new ScanRejected(`Nhận dạng chữ ${where} cho ra quá nhiều dữ liệu; bản quét bất thường.`, 'too_large');
      case 'failed':
        if (/alloc|memory/i.test(outcome.stderr) || outcome.signal === 'SIGSEGV' || outcome.signal === 'SIGABRT') {
          throw new ScanRejected(`Nhận dạng chữ ${where} cần quá nhiều bộ nhớ (giới hạn ${this.limits.memoryMb} MB, OCR_MEMORY_MB).`, 'too_large');
        }
        throw new ScanRejected(`Không đọc được ${where} của bản quét: tệp hỏng hoặc không phải PDF/ảnh hợp lệ.`, 'unreadable');
    }
  }
}
