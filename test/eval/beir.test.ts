import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadBeir, parseQrels } from '../../src/eval/beir.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'trolyxa-beir-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const jsonl = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

const CORPUS = jsonl([
  { _id: 'd1', title: 'Nghị định 131/2021/NĐ-CP', text: 'Hướng dẫn Pháp lệnh Ưu đãi người có công.' },
  { _id: 'd2', title: '', text: 'Trợ cấp mai táng.' },
  { _id: 3, text: 'Không có tiêu đề, id là số.' },
]);
const QUERIES = jsonl([
  { _id: 'q1', text: 'hồ sơ người có công' },
  { _id: 'q2', text: 'trợ cấp mai táng bao nhiêu' },
  { _id: 'q3', text: 'câu hỏi không có đánh giá' },
]);
const QRELS = 'query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t2\nq2\t3\t0\n';

async function writeFolder(files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content, 'utf8');
  }
}

describe('loadBeir', () => {
  it('reads corpus, queries and qrels, keeping only judged queries', async () => {
    await writeFolder({ 'corpus.jsonl': CORPUS, 'queries.jsonl': QUERIES, 'qrels.tsv': QRELS });
    const data = await loadBeir(dir);
    expect(data.corpus).toEqual([
      { id: 'd1', title: 'Nghị định 131/2021/NĐ-CP', text: 'Hướng dẫn Pháp lệnh Ưu đãi người có công.' },
      { id: 'd2', title: '', text: 'Trợ cấp mai táng.' },
      { id: '3', title: '', text: 'Không có tiêu đề, id là số.' },
    ]);
    expect(data.queries).toEqual([
      { id: 'q1', text: 'hồ sơ người có công' },
      { id: 'q2', text: 'trợ cấp mai táng bao nhiêu' },
    ]);
    expect(data.qrels).toEqual(
      new Map([
        ['q1', new Map([['d1', 1]])],
        [
          'q2',
          new Map([
            ['d2', 2],
            ['3', 0],
          ]),
        ],
      ]),
    );
  });

  it('falls back to qrels/test.tsv', async () => {
    await writeFolder({
      'corpus.jsonl': CORPUS,
      'queries.jsonl': QUERIES,
      'qrels/test.tsv': 'query-id\tcorpus-id\tscore\nq3\td2\t1\n',
    });
    const data = await loadBeir(dir);
    expect(data.queries).toEqual([{ id: 'q3', text: 'câu hỏi không có đánh giá' }]);
    expect(data.qrels).toEqual(new Map([['q3', new Map([['d2', 1]])]]));
  });

  it('tolerates CRLF line ends and blank lines', async () => {
    await writeFolder({
      'corpus.jsonl': CORPUS.replace(/\n/g, '\r\n') + '\r\n\r\n',
      'queries.jsonl': '\n' + QUERIES.replace(/\n/g, '\r\n'),
      'qrels.tsv': QRELS.replace(/\n/g, '\r\n'),
    });
    const data = await loadBeir(dir);
    expect(data.corpus.map((d) => d.id)).toEqual(['d1', 'd2', '3']);
    expect(data.queries.map((q) => q.id)).toEqual(['q1', 'q2']);
    expect(data.qrels.get('q2')?.get('d2')).toBe(2);
  });

  it('names a missing corpus.jsonl', async () => {
    await writeFolder({ 'queries.jsonl': QUERIES, 'qrels.tsv': QRELS });
    await expect(loadBeir(dir)).rejects.toThrowError(`${path.join(dir, 'corpus.jsonl')}: not found`);
  });

  it('names a missing queries.jsonl', async () => {
    await writeFolder({ 'corpus.jsonl': CORPUS, 'qrels.tsv': QRELS });
    await expect(loadBeir(dir)).rejects.toThrowError(`${path.join(dir, 'queries.jsonl')}: not found`);
  });

  it('names the qrels file when neither qrels.tsv nor qrels/test.tsv exists', async () => {
    await writeFolder({ 'corpus.jsonl': CORPUS, 'queries.jsonl': QUERIES });
    await expect(loadBeir(dir)).rejects.toThrowError(/qrels/);
    await expect(loadBeir(dir)).rejects.toThrowError(`${path.join(dir, 'qrels', 'test.tsv')}: not found`);
  });

  it('reports the line number of a malformed JSON line (blank lines counted)', async () => {
    await writeFolder({
      'corpus.jsonl': CORPUS,
      'queries.jsonl': '{"_id": "q1", "text": "a"}\n\n{"_id": "q2", "text": \n',
      'qrels.tsv': QRELS,
    });
    await expect(loadBeir(dir)).rejects.toThrowError('queries.jsonl:3: not valid JSON');
  });

  it('reports a malformed corpus line', async () => {
    await writeFolder({ 'corpus.jsonl': '{"_id": "d1"}\nnot json\n', 'queries.jsonl': QUERIES, 'qrels.tsv': QRELS });
    await expect(loadBeir(dir)).rejects.toThrowError('corpus.jsonl:2: not valid JSON');
  });
});

describe('parseQrels', () => {
  it('skips the header, reads grades, defaults a missing score to 1', () => {
    const qrels = parseQrels('query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\nq2\td3\t0\n');
    expect(qrels).toEqual(
      new Map([
        [
          'q1',
          new Map([
            ['d1', 2],
            ['d2', 1],
          ]),
        ],
        ['q2', new Map([['d3', 0]])],
      ]),
    );
  });

  it('skips blank, incomplete and non-numeric lines', () => {
    const qrels = parseQrels('\nq1\n\nq1\td1\tyes\nq2\td2\t1\n');
    expect([...qrels.keys()]).toEqual(['q2']);
    expect(qrels.get('q2')).toEqual(new Map([['d2', 1]]));
  });

  it('a later line for the same pair overrides the earlier grade', () => {
    expect(parseQrels('q1\td1\t1\nq1\td1\t3\n').get('q1')?.get('d1')).toBe(3);
  });

  it('an empty text gives no judgements', () => {
    expect(parseQrels('').size).toBe(0);
  });
});
