import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAI_TANG, writeDoc } from '../helpers/knowledge-fixture.js';
import { runTrolyxa } from '../helpers/cli-runner.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** `trolyxa form`: the console's "Biểu mẫu" page from the command line — list, upload (checked), remove. */

let dir: string;

function trolyxa(args: string[], env: Record<string, string> = {}) {
  return runTrolyxa(args, { home: dir, dataDir: path.join(dir, 'data'), knowledgeDir: path.join(dir, 'knowledge') }, env);
}

beforeAll(async () => {
  dir = await makeTempDir('trolyxa-form-');
  await writeDoc(path.join(dir, 'knowledge'), 'mai-tang.md', MAI_TANG);
  await writeFile(path.join(dir, 'mau 12.pdf'), '%PDF-1.4\n% Mẫu số 12\n%%EOF\n');
  await writeFile(path.join(dir, 'gia.pdf'), 'không phải PDF');
  await writeFile(path.join(dir, 'lon.pdf'), Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(200 * 1024, 0x20)]));
});

describe('trolyxa form', () => {
  it('uploads a checked file, lists it, removes it; refuses a wrong file, an unknown form and a file over FORM_FILE_MAX_MB in Vietnamese', async () => {
    const uploaded = await trolyxa(['form', 'upload', '12', path.join(dir, 'mau 12.pdf')]);
    expect(uploaded.code, uploaded.stderr).toBe(0);
    expect(uploaded.stdout).toContain('Đã lưu tệp Mẫu số 12: Mau-so-12.pdf');

    const listed = await trolyxa(['form', 'list', '--json']);
    const forms = listed.stdout.trim().split('\n').map((line) => JSON.parse(line) as { number: string; file: { name: string } | null });
    expect(forms).toHaveLength(103);
    expect(forms.find((f) => f.number === '12')?.file?.name).toBe('Mau-so-12.pdf');
    expect(forms.filter((f) => f.file)).toHaveLength(1);

    const wrong = await trolyxa(['form', 'upload', '18', path.join(dir, 'gia.pdf')]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Tệp không phải PDF');
    const unknown = await trolyxa(['form', 'upload', '150', path.join(dir, 'mau 12.pdf')]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Không có Mẫu số 150 trong danh mục');
    const big = await trolyxa(['form', 'upload', '18', path.join(dir, 'lon.pdf')], { FORM_FILE_MAX_MB: '0.1' });
    expect(big.code).toBe(1);
    expect(big.stderr).toContain('vượt giới hạn 0,1 MB của tệp biểu mẫu (FORM_FILE_MAX_MB)');

    const removed = await trolyxa(['form', 'remove', '12']);
    expect(removed.stdout).toContain('Đã gỡ tệp Mẫu số 12');
    expect((await trolyxa(['form', 'remove', '12'])).stderr).toContain('Mẫu số 12 chưa có tệp');
  }, 120_000);
});
