/**
 * OCR character accuracy and seconds per page on the fixture pages (bench/ocr/fixture-pages.ts): each page
 * printed to PDF is rasterised by pdftoppm at 150 and 300 dpi, clean, with scanner-like noise, turned by a
 * small skew, and both; the image goes through the production reader (tesseract -l vie). The image-only
 * "scan" PDF goes through the whole reader (pdftoppm + tesseract). Accuracy is measured on the raw OCR text
 * and after the normalisation ingest applies, with the tone vocabulary of the knowledge base less the
 * page's own document (so that the page cannot repair itself from its own words).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { listKnowledgeFiles } from '../../src/knowledge/loaders.js';
import { characterAccuracy } from '../../src/ocr/char-accuracy.js';
import { DEFAULT_OCR_LIMITS } from '../../src/ocr/ocr-limits.js';
import { normaliseOcrText } from '../../src/ocr/ocr-text.js';
import { TesseractScanReader } from '../../src/ocr/tesseract-scan-reader.js';
import { buildToneVocabulary } from '../../src/ocr/tone-repair.js';
import { FIXTURE_PAGES, fixtureFiles } from './fixture-pages.js';
import { addNoise, encodePng, readPgm, rotate, type GrayImage } from './gray-image.js';

const run = promisify(execFile);

export interface OcrRow {
  page: string;
  dpi: number | 'scan PDF';
  condition: string;
  rawAccuracy: number;
  accuracy: number;
  secondsPerPage: number;
}

const CONDITIONS: { name: string; apply: (image: GrayImage) => GrayImage }[] = [
  { name: 'clean', apply: (image) => image },
  { name: 'noise (σ 25, 1 % speckle)', apply: (image) => addNoise(image, { sigma: 25, speckle: 0.01 }) },
  { name: 'skew 1.5°', apply: (image) => rotate(image, 1.5) },
  { name: 'noise + skew 1.5°', apply: (image) => addNoise(rotate(image, 1.5), { sigma: 25, speckle: 0.01 }) },
];

async function vocabularyWithout(root: string, source: string) {
  const texts: string[] = [];
  for (const file of await listKnowledgeFiles(path.join(root, 'knowledge'))) {
    if (!file.endsWith('.md') || path.resolve(file) === path.resolve(root, source)) continue;
    // The body only, as ingest's vocabulary holds passages, not front matter.
    texts.push((await readFile(file, 'utf8')).replace(/^---\n[\s\S]*?\n---\n/u, ''));
  }
  return buildToneVocabulary(texts);
}

export async function benchOcr(root: string, dpis: readonly number[] = [150, 300]): Promise<OcrRow[]> {
  const reader = new TesseractScanReader(DEFAULT_OCR_LIMITS);
  const rows: OcrRow[] = [];
  const work = await mkdtemp(path.join(tmpdir(), 'trolyxa-bench-ocr-'));
  try {
    for (const page of FIXTURE_PAGES) {
      const files = fixtureFiles(page.name);
      const truth = await readFile(files.truth, 'utf8');
      const vocabulary = await vocabularyWithout(root, page.source);
      const measure = async (dpi: OcrRow['dpi'], condition: string, bytes: Buffer) => {
        const started = performance.now();
        const out = await reader.read({ bytes, mimeType: dpi === 'scan PDF' ? 'application/pdf' : 'image/png' });
        const seconds = (performance.now() - started) / 1000;
        rows.push({
          page: page.name,
          dpi,
          condition,
          rawAccuracy: characterAccuracy(out.text, truth),
          accuracy: characterAccuracy(normaliseOcrText(out.text, { vocabulary, uncertainWords: out.uncertainWords }), truth),
          secondsPerPage: seconds / out.pages,
        });
      };
      for (const dpi of dpis) {
        const prefix = path.join(work, `${page.name}-${dpi}`);
        await run('pdftoppm', ['-r', String(dpi), '-gray', '-singlefile', '-f', '1', '-l', '1', files.textPdf, prefix]);
        const image = readPgm(await readFile(`${prefix}.pgm`));
        for (const condition of CONDITIONS) await measure(dpi, condition.name, encodePng(condition.apply(image)));
      }
      await measure('scan PDF', 'image-only PDF, whole reader at 300 dpi', await readFile(files.scanPdf));
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return rows;
}
