import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/app-fixture.js';
import { MAI_TANG, writeDoc } from '../helpers/knowledge-fixture.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** `trolyxa notice`: the console's notices from the command line — preview, send into the outbox, report. */

const run = promisify(execFile);
let dir: string;

async function trolyxa(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, 'bin', 'trolyxa.js'), ...args], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '', HOME: dir, DATA_DIR: path.join(dir, 'data'), KNOWLEDGE_DIR: path.join(dir, 'knowledge'), LOG_LEVEL: 'warn' },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const lastJson = <T>(stdout: string): T => JSON.parse(stdout.trim().split('\n').at(-1)!) as T;

beforeAll(async () => {
  dir = await makeTempDir('trolyxa-notice-');
  await writeDoc(path.join(dir, 'knowledge'), 'mai-tang.md', MAI_TANG);
  for (const [channel, user, name, commune] of [
    ['telegram', '101', 'Cán bộ A', 'Xã Tịnh Sơn'],
    ['zalo', '202', 'Cán bộ B', 'Xã Tịnh Sơn'],
    ['telegram', '303', 'Cán bộ C', 'Xã Bình Minh'],
  ] as const) {
    const added = await trolyxa(['user', 'add', '--channel', channel, '--user', user, '--chat', user, '--name', name, '--role', 'official', '--commune', commune]);
    expect(added.code, added.stderr).toBe(0);
  }
}, 120_000);

describe('trolyxa notice', () => {
  it('previews, then queues one message per official of the commune, and reports them pending', async () => {
    const preview = await trolyxa(['notice', '--commune', 'Xã Tịnh Sơn', '--json']);
    expect(preview.code, preview.stderr).toBe(0);
    const seen = lastJson<{ recipients: { name: string; channel: string }[] }>(preview.stdout);
    expect(seen.recipients.map((r) => r.name).sort()).toEqual(['Cán bộ A', 'Cán bộ B']);

    const sent = await trolyxa(['notice', '--commune', 'Xã Tịnh Sơn', '--title', 'Nghị định mới', '--text', 'Mức chuẩn mới áp dụng từ 01/7/2026.', '--yes', '--json']);
    expect(sent.code, sent.stderr).toBe(0);
    const { id } = lastJson<{ id: number }>(sent.stdout);

    const report = await trolyxa(['notice', 'report', String(id), '--json']);
    expect(report.code, report.stderr).toBe(0);
    expect(lastJson<{ total: { sent: number; failed: number; pending: number } }>(report.stdout).total).toEqual({ sent: 0, failed: 0, pending: 2 });
  }, 120_000);

  it('refuses to send without a title and text, in Vietnamese', async () => {
    const refused = await trolyxa(['notice', '--commune', 'Xã Bình Minh', '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Cần --title và --text');
  }, 60_000);
});

describe('trolyxa follow-up', () => {
  it('refuses answers it cannot find, and answers asked from the command line (no chat to write back to)', async () => {
    const unknown = await trolyxa(['follow-up', '--answers', '999', '--reason', 'Nghị định mới', '--content', 'Mức mới.']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Không tìm thấy câu trả lời nào');
    const asked = await trolyxa(['ask', 'thủ tục mai táng phí', '--json']);
    expect(asked.code, asked.stderr).toBe(0);
    const { answerId } = JSON.parse(asked.stdout) as { answerId?: number };
    const cli = await trolyxa(['follow-up', '--answers', String(answerId ?? 1), '--reason', 'Nghị định mới', '--content', 'Mức mới.']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('người hỏi không có cuộc trò chuyện để nhắn lại');
    const none = await trolyxa(['follow-up', '--impact', '--reason', 'Nghị định mới', '--content', 'Mức mới.']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('Không có câu trả lời nào bị ảnh hưởng');
  }, 120_000);
});
