import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ScanRejected, type ScanInput, type ScanReadOptions, type ScanReader, type ScanText } from '../../src/ocr/scan-reader.js';
import { describe } from 'vitest';

/** A ScanReader that returns known text for every file (and records what it was given). */
export class FakeScanReader implements ScanReader {
  readonly inputs: ScanInput[] = [];

  constructor(
    private readonly text: string,
    private readonly options: { pages?: number; delayMs?: number } = {},
  ) {}

  async read(input: ScanInput, options: ScanReadOptions = {}): Promise<ScanText> {
    this.inputs.push(input);
    const pages = this.options.pages ?? 1;
    options.onProgress?.({ pagesDone: 0, pagesTotal: pages });
    if (options.signal?.aborted) throw options.signal.reason;
    if (this.options.delayMs) await new Promise((resolve) => setTimeout(resolve, this.options.delayMs));
    return { text: this.text.normalize('NFC'), pages, meanConfidence: 90 };
  }
}

/** Whether `tesseract` with its Vietnamese model is installed here (CI installs it). */
export function hasTesseract(): boolean {
  const run = spawnSync('tesseract', ['--list-langs'], { encoding: 'utf8' });
  return run.status === 0 && /\bvie\b/.test(run.stdout);
}

/** Whether the OCR tools are installed here: tesseract with its Vietnamese model and poppler (CI installs them). */
export function hasOcrTools(): boolean {
  return hasTesseract() && spawnSync('pdftoppm', ['-v'], { encoding: 'utf8' }).status === 0;
}

/** Skips a suite that needs the OCR tools where they are missing, saying so (never on CI, which installs them). */
export function describeWithOcrTools(name: string): typeof describe | typeof describe.skip {
  if (hasOcrTools()) return describe;
  console.warn(`${name}: tesseract (vie) or pdftoppm is not installed; these OCR tests are skipped (CI installs them)`);
  if (process.env['CI']) throw new Error(`${name}: the OCR tools must be installed on CI`);
  return describe.skip;
}

/**
 * A tiny real ScanReader for tests: one image through `tesseract <file> - -l vie`, in a temporary folder
 * removed afterwards. Not the production reader (that one renders PDFs with pdftoppm and has its limits).
 */
export class TesseractImageReader implements ScanReader {
  async read(input: ScanInput, options: ScanReadOptions = {}): Promise<ScanText> {
    if (!input.mimeType.startsWith('image/')) throw new ScanRejected('Chỉ đọc được ảnh.', 'unsupported');
    const dir = await mkdtemp(path.join(tmpdir(), 'trolyxa-ocr-'));
    try {
      const file = path.join(dir, 'page');
      await writeFile(file, input.bytes);
      options.onProgress?.({ pagesDone: 0, pagesTotal: 1 });
      const text = await new Promise<string>((resolve, reject) => {
        const child = spawn('tesseract', [file, '-', '-l', 'vie'], { stdio: ['ignore', 'pipe', 'ignore'], signal: options.signal });
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
        child.once('error', reject);
        child.once('close', (code) => (code === 0 ? resolve(out) : reject(new ScanRejected('Không đọc được ảnh.', 'unreadable'))));
      });
      return { text: text.normalize('NFC'), pages: 1, meanConfidence: null };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
