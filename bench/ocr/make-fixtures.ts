/**
 * Writes the OCR fixtures (run once, the output is committed): for each page of fixture-pages.ts, the
 * excerpt's lines as the true text, the page printed to PDF by Chromium, and the same page rasterised at
 * 200 dpi and printed again as an image-only PDF (a scan: no text layer).
 *
 *   node bin/run-ts.js bench/ocr/make-fixtures.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { FIXTURE_PAGES, fixtureFiles, OCR_FIXTURE_DIR } from './fixture-pages.js';

const ROOT = path.resolve(OCR_FIXTURE_DIR, '../../..');
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function excerptLines(source: string, from: string, to: string): Promise<string[]> {
  const text = (await readFile(path.join(ROOT, source), 'utf8')).normalize('NFC');
  const start = text.indexOf(from);
  const end = text.indexOf(to, start);
  if (start < 0 || end < 0) throw new Error(`excerpt not found in ${source}`);
  return text
    .slice(start, end)
    .split('\n')
    .map((line) => line.replace(/^#{1,6}\s+/, '').trim())
    .filter(Boolean);
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const work = await mkdtemp(path.join(tmpdir(), 'trolyxa-ocr-fixtures-'));
try {
  const page = await browser.newPage();
  for (const fixture of FIXTURE_PAGES) {
    const files = fixtureFiles(fixture.name);
    const lines = await excerptLines(fixture.source, fixture.from, fixture.to);
    await writeFile(files.truth, `${lines.join('\n')}\n`);
    await page.setContent(
      `<!doctype html><meta charset="utf-8"><style>body{font:12pt/1.45 "DejaVu Serif",serif;margin:0}p{margin:0 0 8pt;text-align:justify}</style>` +
        lines.map((line) => `<p>${escape(line)}</p>`).join(''),
    );
    await page.pdf({ path: files.textPdf, format: 'A4', margin: { top: '20mm', bottom: '20mm', left: '25mm', right: '20mm' } });
    const prefix = path.join(work, fixture.name);
    execFileSync('pdftoppm', ['-r', '200', '-gray', '-png', '-singlefile', '-f', '1', '-l', '1', files.textPdf, prefix]);
    const png = (await readFile(`${prefix}.png`)).toString('base64');
    await page.setContent(`<!doctype html><style>@page{size:A4;margin:0}body{margin:0}img{width:210mm;height:297mm;display:block}</style><img src="data:image/png;base64,${png}">`);
    await page.pdf({ path: files.scanPdf, format: 'A4', printBackground: true, margin: { top: '0', bottom: '0', left: '0', right: '0' } });
    console.log(`${fixture.name}: ${lines.length} lines`);
  }
} finally {
  await browser.close();
  await rm(work, { recursive: true, force: true });
}
