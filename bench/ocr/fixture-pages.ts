/**
 * The OCR fixture pages: Vietnamese legal text taken from the knowledge base, printed to PDF by Chromium
 * (bench/ocr/make-fixtures.ts writes them to test/fixtures/ocr/). The true text of each page is committed
 * beside it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const OCR_FIXTURE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/ocr');

export interface FixturePage {
  name: string;
  /** The knowledge file the text comes from, and the Markdown headings that open and close the excerpt. */
  source: string;
  from: string;
  to: string;
}

export const FIXTURE_PAGES: readonly FixturePage[] = [
  { name: 'nd-131-thong-tin-chung', source: 'knowledge/phap-ly/nd-131-2021.md', from: '## Nghị định 131/2021/NĐ-CP: thông tin chung', to: '## Văn bản hợp nhất 5162/VBHN-BLĐTBXH của Nghị định 131' },
];

/** `<name>.text.pdf`: the printed page (with a text layer); `<name>.scan.pdf`: the same page as an image only; `<name>.truth.txt`. */
export function fixtureFiles(name: string) {
  return {
    textPdf: path.join(OCR_FIXTURE_DIR, `${name}.text.pdf`),
    scanPdf: path.join(OCR_FIXTURE_DIR, `${name}.scan.pdf`),
    truth: path.join(OCR_FIXTURE_DIR, `${name}.truth.txt`),
  };
}
