import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fixtureFiles } from '../../bench/ocr/fixture-pages.js';

/** The scanned fixture page (an image-only PDF of a Nghị định 131 excerpt, no text layer) and its true text. */
export const SCAN_FIXTURE = fixtureFiles('nd-131-thong-tin-chung');

/** A phrase of the scanned page that no other test document holds. */
export const SCAN_PHRASE = 'Văn bản hợp nhất 5162 Nghị định 131';

/** Copies the scanned page into a knowledge folder as `relative`, with a sidecar giving it `id` and a title. */
export async function putScan(knowledgeDir: string, relative: string, id: string): Promise<void> {
  const file = path.join(knowledgeDir, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await copyFile(SCAN_FIXTURE.scanPdf, file);
  const stem = file.slice(0, file.length - path.extname(file).length);
  await writeFile(`${stem}.meta.yaml`, `id: ${id}\ntitle: "Nghị định 131 (bản quét)"\ndoc_type: nghi-dinh\nstatus: in_force\nverified: false\n`);
}
