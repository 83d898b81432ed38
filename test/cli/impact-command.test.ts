import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAI_TANG, THO_CUNG, writeDoc } from '../helpers/knowledge-fixture.js';
import { runTrolyxa } from '../helpers/cli-runner.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/*
 * Provenance and impact from the terminal, through the real CLI over a real SQLite file: answers and an
 * approved expert answer rest on a small knowledge folder; an amount changes in one document and is
 * ingested again; `trolyxa impact --json` lists the document, the curated answer to review and the earlier
 * answers, and the curated answer is no longer served verbatim. An ingest that changes nothing adds nothing.
 */

let dir: string;
let knowledgeDir: string;

interface ImpactJson {
  changed_documents: string[];
  curated: { id: number; question: string; status: string }[];
  answers: { id: number; question: string; channel: string; asked_at: string }[];
}

function trolyxa(args: string[]) {
  return runTrolyxa(args, { home: dir, dataDir: path.join(dir, 'data'), knowledgeDir });
}

async function impact(): Promise<ImpactJson> {
  const result = await trolyxa(['impact', '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as ImpactJson;
}

async function ask(question: string): Promise<{ stage: string; answer: string; ticket?: number }> {
  const result = await trolyxa(['ask', question, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { stage: string; answer: string; ticket?: number };
}

const AMOUNT_QUESTION = 'Trợ cấp thờ cúng liệt sĩ mỗi năm là bao nhiêu?';
const EXPERT_QUESTION = 'mức trợ cấp thờ cúng liệt sĩ cho gia đình có hai liệt sĩ là bao nhiêu';

beforeAll(async () => {
  dir = await makeTempDir('trolyxa-impact-');
  knowledgeDir = path.join(dir, 'knowledge');
  await writeDoc(knowledgeDir, 'tho-cung.md', THO_CUNG);
  await writeDoc(knowledgeDir, 'mai-tang.md', MAI_TANG);
  expect((await trolyxa(['ingest'])).code).toBe(0);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('trolyxa impact', () => {
  let answered: number;
  let curatedQuestion: string;

  it('lists nothing while no text an answer rests on has changed, even after an ingest that changes nothing', async () => {
    const answer = await ask(AMOUNT_QUESTION);
    expect(answer.stage).toBe('retrieval');
    expect(answer.answer).toContain('1.400.000');
    expect((await ask('Hồ sơ hưởng trợ cấp mai táng gồm những gì?')).stage).toBe('retrieval');

    // An expert's answer, approved: it rests on the passages the question retrieved.
    const escalated = await ask(`Hỏi chuyên gia: ${EXPERT_QUESTION}`);
    expect(escalated.stage).toBe('escalated');
    const expert = (await trolyxa(['user', 'add', '--channel', 'telegram', '--user', '42', '--chat', '42', '--name', 'Chuyên gia A', '--role', 'expert', '--topics', '*'])).stdout;
    const admin = (await trolyxa(['user', 'add', '--channel', 'telegram', '--user', '7', '--chat', '7', '--name', 'Quản trị', '--role', 'admin'])).stdout;
    const expertId = /#?(\d+).*Chuyên gia A/.exec(expert)![1]!;
    const adminId = /#?(\d+).*Quản trị/.exec(admin)![1]!;
    const text = 'Mỗi liệt sĩ được trợ cấp thờ cúng 1.400.000 đồng một năm; hai liệt sĩ thì 2.800.000 đồng.';
    expect((await trolyxa(['answer', String(escalated.ticket), text, '--expert', expertId])).code).toBe(0);
    expect((await trolyxa(['approve', String(escalated.ticket), '--admin', adminId])).code).toBe(0);
    curatedQuestion = EXPERT_QUESTION;
    const served = await ask(EXPERT_QUESTION);
    expect(served.stage).toBe('curated');
    // A curated answer says which text it rests on, and from when it applies.
    expect(served.answer).toContain('Căn cứ: Thủ tục trợ cấp thờ cúng liệt sĩ');

    const again = JSON.parse((await trolyxa(['ingest', '--json'])).stdout) as { changed: string[]; unchanged: string[] };
    expect(again.changed).toEqual([]);
    expect(await impact()).toEqual({ changed_documents: [], curated: [], answers: [] });
    answered = 3;
  });

  it('after an amount changes: lists the document, flags the curated answer and the earlier answers, and no longer serves it verbatim', async () => {
    expect(answered).toBe(3);
    const file = path.join(knowledgeDir, 'tho-cung.md');
    await writeFile(file, (await readFile(file, 'utf8')).replace('1.400.000 đồng', '1.500.000 đồng'));
    const ingest = JSON.parse((await trolyxa(['ingest', '--json'])).stdout) as { changed: string[] };
    expect(ingest.changed).toEqual(['tho-cung.md']);

    const report = await impact();
    expect(report.changed_documents).toEqual(['tt-tho-cung']);
    expect(report.curated).toEqual([{ id: expect.any(Number), question: curatedQuestion, status: 'needs_review' }]);
    // The two answers that used the passage (the amount, and the curated reply), not the one on mai táng.
    expect(report.answers.map((a) => a.question).sort()).toEqual([AMOUNT_QUESTION, EXPERT_QUESTION].sort());
    expect(report.answers.every((a) => a.channel === 'cli' && !Number.isNaN(Date.parse(a.asked_at)))).toBe(true);

    const now = await ask(EXPERT_QUESTION);
    expect(now.stage).not.toBe('curated');
    expect(now.answer).not.toContain('2.800.000');
    expect(now.answer).toContain('Câu trả lời của chuyên gia cho câu hỏi này đang chờ xem lại');
    // New answers rest on the new text: they add nothing to the impact.
    const human = await trolyxa(['impact', '--since', '30']);
    expect(human.stdout).toContain('Câu trả lời mẫu cần xem lại: 1');
    expect(human.stdout).toContain('Câu trả lời đã gửi dựa trên đoạn đã thay đổi: 2 (2 câu hỏi)');
    expect(human.stdout).toContain('nội dung đã thay đổi');
  });
});
