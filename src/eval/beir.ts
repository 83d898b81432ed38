import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Qrels } from './metrics.js';

export interface BeirDocument {
  id: string;
  title: string;
  text: string;
}
export interface BeirQuery {
  id: string;
  text: string;
}
export interface BeirDataset {
  corpus: BeirDocument[];
  queries: BeirQuery[];
  qrels: Qrels;
}

/** Reads a BEIR folder: corpus.jsonl, queries.jsonl and qrels.tsv (or qrels/test.tsv). Only judged queries are kept. */
export async function loadBeir(dir: string): Promise<BeirDataset> {
  const corpus = parseJsonl(await readRequired(dir, 'corpus.jsonl'), 'corpus.jsonl').map((row) => ({
    id: String(row['_id']),
    title: String(row['title'] ?? ''),
    text: String(row['text'] ?? ''),
  }));
  const allQueries = parseJsonl(await readRequired(dir, 'queries.jsonl'), 'queries.jsonl').map((row) => ({
    id: String(row['_id']),
    text: String(row['text'] ?? ''),
  }));
  const qrelsText = await readFile(path.join(dir, 'qrels.tsv'), 'utf8').catch(() => readRequired(dir, 'qrels/test.tsv'));
  const qrels = parseQrels(qrelsText);
  const queries = allQueries.filter((q) => qrels.has(q.id));
  return { corpus, queries, qrels };
}

async function readRequired(dir: string, name: string): Promise<string> {
  try {
    return await readFile(path.join(dir, name), 'utf8');
  } catch {
    throw new Error(`${path.join(dir, name)}: not found (a BEIR folder has corpus.jsonl, queries.jsonl and qrels.tsv)`);
  }
}

function parseJsonl(text: string, name: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line.length > 0)
    .map(([line, n]) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`${name}:${n}: not valid JSON`);
      }
    });
}

/** Parses `query-id<TAB>corpus-id<TAB>score` lines, skipping a header line. */
export function parseQrels(text: string): Qrels {
  const qrels: Qrels = new Map();
  for (const line of text.split('\n')) {
    const [qid, did, score] = line.trim().split('\t');
    if (!qid || !did || qid === 'query-id') continue;
    const grade = Number(score ?? 1);
    if (!Number.isFinite(grade)) continue;
    const judged = qrels.get(qid) ?? new Map<string, number>();
    judged.set(did, grade);
    qrels.set(qid, judged);
  }
  return qrels;
}
