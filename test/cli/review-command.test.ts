import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithOcrTools } from '../helpers/scan-readers.js';
import { MAI_TANG, writeDoc } from '../helpers/knowledge-fixture.js';
import { putScan, SCAN_PHRASE } from '../helpers/ocr-fixture.js';
import { runTrolyxa } from '../helpers/cli-runner.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/*
 * Scanned documents from the terminal, through the real CLI over a real SQLite file and the real OCR
 * (pdftoppm + tesseract): `ingest` reads the scan and reports it waiting for review, the search does not
 * find it; `review list --json` lists it; `review accept` refuses an unknown id in Vietnamese and publishes
 * the right one, which the search then finds.
 */

let dir: string;
let knowledgeDir: string;

function trolyxa(args: string[]) {
  return runTrolyxa(args, { home: dir, dataDir: path.join(dir, 'data'), knowledgeDir }, {}, 120_000);
}

async function searchIds(question: string): Promise<string[]> {
  const result = await trolyxa(['search', question, '--json', '--k', '3']);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { results: { id: string }[] }).results.map((r) => r.id.split('#')[0]!);
}

async function reviewList(): Promise<Record<string, unknown>[]> {
  const result = await trolyxa(['review', 'list', '--json']);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

beforeAll(async () => {
  dir = await makeTempDir('trolyxa-review-');
  knowledgeDir = path.join(dir, 'knowledge');
  await writeDoc(knowledgeDir, 'mai-tang.md', MAI_TANG);
  await putScan(knowledgeDir, 'quet/nd-131-quet.pdf', 'nd-131-quet');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeWithOcrTools('trolyxa review')('trolyxa review', () => {
  it('ingests a scan as waiting for review, lists it, refuses an unknown id and publishes the accepted one', async () => {
    const ingest = await trolyxa(['ingest', '--json']);
    expect(ingest.code, ingest.stderr).toBe(0);
    const report = JSON.parse(ingest.stdout.trim().split('\n').at(-1)!) as { added: string[]; awaitingReview: string[] };
    expect(report.added).toContain('quet/nd-131-quet.pdf');
    expect(report.awaitingReview).toEqual(['quet/nd-131-quet.pdf']);
    expect(await searchIds(SCAN_PHRASE)).not.toContain('nd-131-quet');

    const waiting = await reviewList();
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ id: 'nd-131-quet', title: 'Nghị định 131 (bản quét)', file: 'quet/nd-131-quet.pdf', pages: 1 });
    expect(waiting[0]!['confidence']).toBeGreaterThan(50);
    expect(typeof waiting[0]!['created']).toBe('string');

    const text = await trolyxa(['review', 'list']);
    expect(text.stdout).toContain('1 tài liệu nhận dạng chữ (OCR) đang chờ duyệt');

    const unknown = await trolyxa(['review', 'accept', 'khong-co']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('Không có tài liệu OCR nào mã “khong-co” đang chờ duyệt');

    const accepted = await trolyxa(['review', 'accept', 'nd-131-quet']);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toContain('Đã xác nhận và đăng');
    expect(await searchIds(SCAN_PHRASE)).toContain('nd-131-quet');
    expect(await reviewList()).toEqual([]);

    // Accepting twice is refused: nothing waits any more.
    expect((await trolyxa(['review', 'accept', 'nd-131-quet'])).code).not.toBe(0);
    // An unchanged scan is not read again, and stays published.
    const again = JSON.parse((await trolyxa(['ingest', '--json'])).stdout.trim().split('\n').at(-1)!) as { unchanged: string[] };
    expect(again.unchanged).toContain('quet/nd-131-quet.pdf');
    expect(await searchIds(SCAN_PHRASE)).toContain('nd-131-quet');
  }, 300_000);
});
