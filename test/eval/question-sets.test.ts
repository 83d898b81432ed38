import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readQuestionSet } from '../../src/eval/question-sets.js';
import { ROOT } from '../helpers/app-fixture.js';

describe('question sets', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'trolyxa-qsets-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const write = async (name: string, lines: string[]) => {
    const file = path.join(dir, name);
    await writeFile(file, `${lines.join('\n')}\n`);
    return file;
  };

  it('reads a set and names the file and line of an unknown kind, which would count the question as in the domain', async () => {
    const good = await write('good.jsonl', ['{"id":"a","q":"tb 81% bn","must":[["7.240.000"]]}', '', '{"id":"b","q":"thời tiết mai thế nào","kind":"out-of-domain","must":[]}']);
    expect((await readQuestionSet(good)).map((q) => q.kind)).toEqual([undefined, 'out-of-domain']);
    const ood = await write('ood.jsonl', ['{"id":"a","q":"tb 81% bn"}', '{"id":"b","q":"thời tiết","kind":"ood"}']);
    await expect(readQuestionSet(ood)).rejects.toThrow(/ood\.jsonl:2: kind/);
    const broken = await write('broken.jsonl', ['{"id":"a","q":"tb 81% bn"', '{"id":"b","q":""}']);
    await expect(readQuestionSet(broken)).rejects.toThrow(/broken\.jsonl:1: not a JSON object/);
    const empty = await write('empty.jsonl', ['{"id":"b","q":""}']);
    await expect(readQuestionSet(empty)).rejects.toThrow(/empty\.jsonl:1: q/);
  });

  it('accepts every question set of the project', async () => {
    const dirs = [path.join(ROOT, 'test', 'questions'), path.join(ROOT, 'test', 'questions', 'tune')];
    let files = 0;
    for (const d of dirs) {
      for (const f of (await readdir(d)).filter((name) => name.endsWith('.jsonl'))) {
        await expect(readQuestionSet(path.join(d, f))).resolves.not.toHaveLength(0);
        files += 1;
      }
    }
    expect(files).toBeGreaterThan(10);
  });
});
