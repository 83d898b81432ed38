import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/app-fixture.js';
import { runTrolyxa } from './helpers/cli-runner.js';
import { makeTempDir } from './helpers/temp-dir.js';

let dataDir: string;

function trolyxa(args: string[], env: Record<string, string> = {}) {
  return runTrolyxa(args, { home: dataDir, dataDir: path.join(dataDir, 'data'), knowledgeDir: path.join(ROOT, 'knowledge') }, env);
}

beforeAll(async () => {
  dataDir = await makeTempDir();
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('the trolyxa command', () => {
  it('ingests incrementally and says so', async () => {
    const first = await trolyxa(['ingest', '--json']);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as { added: string[]; unchanged: string[]; failed: unknown[]; passages: number };
    expect(report.added.length).toBeGreaterThanOrEqual(50);
    expect(report.failed).toEqual([]);
    const second = JSON.parse((await trolyxa(['ingest', '--json'])).stdout) as typeof report;
    expect(second.added).toEqual([]);
    expect(second.unchanged.length).toBe(report.added.length);
    expect(second.passages).toBe(report.passages);
  });

  it('searches with --json and --batch (one JSON line per question)', async () => {
    const single = await trolyxa(['search', 'trợ cấp thờ cúng liệt sĩ bao nhiêu', '--k', '3', '--json']);
    const parsed = JSON.parse(single.stdout) as { query: string; results: { id: string; title: string; citation: string; score: number; text: string }[] };
    expect(parsed.results).toHaveLength(3);
    expect(parsed.results[0]).toEqual(expect.objectContaining({ id: expect.any(String), title: expect.any(String), citation: expect.any(String), score: expect.any(Number), text: expect.stringContaining('1.400.000') }));

    const batch = path.join(dataDir, 'questions.txt');
    await writeFile(batch, 'hs mai tang ncc\n\nbenh binh 71% huong bao nhieu\n');
    const lines = (await trolyxa(['search', '--batch', batch])).stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => (JSON.parse(l) as { query: string }).query)).toEqual(['hs mai tang ncc', 'benh binh 71% huong bao nhieu']);
  });

  it('evaluates a BEIR folder and prints the metrics as JSON on the last line, and the run as TSV', async () => {
    const runFile = path.join(dataDir, 'run.tsv');
    const result = await trolyxa(['eval', '--beir', path.join(ROOT, 'test', 'fixtures', 'beir-mini'), '--json', '--run-out', runFile]);
    expect(result.code).toBe(0);
    const last = result.stdout.trim().split('\n').at(-1)!;
    const metrics = JSON.parse(last) as Record<string, unknown>;
    expect(Object.keys(metrics)).toEqual(expect.arrayContaining(['ndcg@10', 'recall@1', 'recall@5', 'recall@10', 'recall@100', 'mrr@10', 'queries', 'docs', 'index_ms', 'latency_ms']));
    expect(metrics['queries']).toBe(3);
    expect(metrics['docs']).toBe(4);
    expect(metrics['recall@1']).toBe(1);
    const rows = (await readFile(runFile, 'utf8')).trim().split('\n').map((l) => l.split('\t'));
    expect(rows[0]).toEqual(['q1', 'PL|2', '1', expect.stringMatching(/^\d\.\d{6}$/)]);
  });

  it('answers with ask --json, and runs the expert loop from the terminal', async () => {
    const answered = JSON.parse((await trolyxa(['ask', 'benh binh 71% huong bao nhieu', '--json'])).stdout) as Record<string, unknown>;
    expect(answered).toMatchObject({ stage: 'retrieval', query: 'benh binh 71% huong bao nhieu' });
    expect(answered['answer']).toEqual(expect.stringContaining('5.329.000'));
    expect((answered['citations'] as { id: string; citation: string }[])[0]).toEqual({ id: expect.any(String), citation: expect.any(String), source_url: expect.any(String) });

    const escalated = JSON.parse((await trolyxa(['ask', 'Thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ?', '--json'])).stdout) as { stage: string; ticket: number };
    expect(escalated.stage).toBe('escalated');
    expect((await trolyxa(['user', 'add', '--channel', 'telegram', '--user', '42', '--chat', '42', '--name', 'Chuyên gia A', '--role', 'expert', '--topics', '*'])).code).toBe(0);
    expect((await trolyxa(['user', 'add', '--channel', 'telegram', '--user', '7', '--chat', '7', '--name', 'Quản trị', '--role', 'admin'])).code).toBe(0);
    const users = (await trolyxa(['user', 'list'])).stdout;
    expect(users).toContain('Chuyên gia A');
    const open = (await trolyxa(['tickets', '--status', 'open'])).stdout;
    expect(open).toContain(`#${escalated.ticket}`);
    const expertId = /#?(\d+).*Chuyên gia A/.exec(users)?.[1] ?? '1';
    const answer = await trolyxa(['answer', String(escalated.ticket), 'Xã không giải quyết thủ tục này; hướng dẫn người dân liên hệ cơ quan cấp phép xây dựng.', '--expert', expertId]);
    expect(answer.code, answer.stderr).toBe(0);
    const adminId = /#?(\d+).*Quản trị/.exec(users)?.[1] ?? '2';
    expect((await trolyxa(['approve', String(escalated.ticket), '--admin', adminId])).code).toBe(0);
    const curated = JSON.parse((await trolyxa(['ask', 'thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ', '--json'])).stdout) as { stage: string; answer: string };
    expect(curated.stage).toBe('curated');
    expect(curated.answer).toContain('Xã không giải quyết thủ tục này');
  });

  it('stops with a message naming the variable when the configuration is wrong', async () => {
    const bad = await trolyxa(['search', 'x'], { EMBEDDINGS_PROVIDER: 'magic' });
    expect(bad.code).toBe(78);
    expect(bad.stderr).toContain('EMBEDDINGS_PROVIDER: giá trị “magic” không hợp lệ; chọn một trong: hashing, openai, ollama');
    expect(bad.stderr).not.toMatch(/Invalid|Expected/);
    const help = await trolyxa(['eval', '--help']);
    expect(help.stdout).toContain('--beir <dir>');
  });
  it('answers every line of ask --batch, never rate-limited and never read as a follow-up of the line before', async () => {
    const batch = path.join(dataDir, 'questions-55.txt');
    const lines = Array.from({ length: 55 }, (_, i) => (i % 2 ? 'trợ cấp thờ cúng liệt sĩ bao nhiêu' : 'hs mai tang ncc gom gi'));
    await writeFile(batch, `${lines.join('\n')}\n`);
    const result = await trolyxa(['ask', '--batch', batch]);
    expect(result.code, result.stderr).toBe(0);
    const replies = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { stage: string; answer: string });
    expect(replies).toHaveLength(55);
    expect(replies.filter((r) => r.answer.includes('nhanh quá'))).toEqual([]);
    expect(new Set(replies.map((r) => r.stage))).toEqual(new Set(['retrieval']));
    expect(replies[54]!.answer).toEqual(replies[0]!.answer);
  });

  it('chat shows only the conversation: log lines go to data/logs/chat.log, not between the answers', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'trolyxa.js'), 'chat'], {
        cwd: dataDir,
        env: { PATH: process.env['PATH'] ?? '', HOME: dataDir, DATA_DIR: path.join(dataDir, 'data'), KNOWLEDGE_DIR: path.join(ROOT, 'knowledge'), LOG_LEVEL: 'debug' },
      });
      let out = '';
      let err = '';
      // One line per prompt, as a person types.
      const lines = ['trợ cấp thờ cúng liệt sĩ bao nhiêu', 'Thời tiết Quảng Ngãi ngày mai thế nào?', ''];
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        out += c;
        if (c.includes('❓') && lines.length) child.stdin.write(`${lines.shift()}\n`);
      });
      child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
      child.on('exit', (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }));
    });
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('1.400.000 đồng');
    expect(stdout).toMatch(/phiếu số #\d+/);
    expect(stdout).toContain('(Nhật ký hoạt động ghi vào data/logs/chat.log.)');
    // Not one JSON log line on the terminal, on either stream.
    expect(stdout.split('\n').filter((l) => l.trim().startsWith('{'))).toEqual([]);
    expect(stderr).toBe('');
    const log = (await readFile(path.join(dataDir, 'data', 'logs', 'chat.log'), 'utf8')).trim().split('\n');
    expect(log.length).toBeGreaterThan(0);
    expect(log.every((l) => typeof (JSON.parse(l) as { level: unknown }).level === 'number')).toBe(true);
  });
});
