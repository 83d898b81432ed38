import { execFile } from 'node:child_process';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/app-fixture.js';
import { billionLaughsMarkdown, inflatingPdf, paragraphsDocx } from '../helpers/hostile-files.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/*
 * The same hostile files in a knowledge folder, read by `trolyxa ingest` (bin/trolyxa.js, as an admin
 * runs it): each is refused with its Vietnamese reason on the report, the good document is still
 * ingested, and the command ends normally (exit code 1 for the failures), whatever the files do to the
 * parse thread — here a PDF that would take minutes, stopped by a 2-second time limit.
 */

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await makeTempDir();
  const knowledge = path.join(dir, 'knowledge');
  await mkdir(knowledge, { recursive: true });
  await copyFile(path.join(ROOT, 'test', 'fixtures', 'knowledge', 'thu-tuc-mau.md'), path.join(knowledge, 'thu-tuc-mau.md'));
  await writeFile(path.join(knowledge, 'bon-muoi.docx'), await paragraphsDocx(40));
  await writeFile(path.join(knowledge, 'cuoi.md'), billionLaughsMarkdown());
  await writeFile(path.join(knowledge, 'bung.pdf'), inflatingPdf(2048));
  await writeFile(path.join(knowledge, 'cham.pdf'), inflatingPdf(2048, '/Subtype /Image '));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('trolyxa ingest over hostile files', () => {
  it('refuses each with a Vietnamese reason and ingests the rest', async () => {
    let result: { code: number; stdout: string; stderr: string };
    try {
      const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, 'bin', 'trolyxa.js'), 'ingest'], {
        cwd: dir,
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: dir,
          DATA_DIR: path.join(dir, 'data'),
          KNOWLEDGE_DIR: path.join(dir, 'knowledge'),
          LOG_LEVEL: 'warn',
          PARSE_MEMORY_MB: '256',
          PARSE_TIMEOUT_SECONDS: '2',
        },
        timeout: 120_000,
      });
      result = { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      result = { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
    const { code, stdout, stderr } = result;
    expect(stdout).toContain('  + thu-tuc-mau.md');
    expect(stdout).toMatch(/ {2}! bon-muoi\.docx: phần văn bản XML của tệp \.docx giải nén ra 40 MB, vượt giới hạn 4 MB/);
    expect(stdout).toMatch(/ {2}! cuoi\.md: phần thông tin đầu tệp \(front matter\) dùng bí danh YAML \(\*a\)/);
    expect(stdout).toMatch(/ {2}! bung\.pdf: các luồng dữ liệu nén trong tệp PDF giải nén ra hơn 64 MB/);
    // Whichever limit of the reading thread it reaches first (time or memory, depending on the machine's
    // speed) refuses it.
    expect(stdout).toMatch(/ {2}! cham\.pdf: đọc tệp (mất hơn 2 giây, vượt giới hạn thời gian|cần hơn 256 MB bộ nhớ, vượt giới hạn)/);
    expect(stdout).toMatch(/Thêm mới: 1 · .* · Lỗi: 4/);
    expect(stdout).toBe(stdout.normalize('NFC'));
    expect(code).toBe(1);
    expect(stderr).not.toMatch(/heap|FATAL|Error:/i);
  });
});
