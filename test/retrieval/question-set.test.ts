import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import type { HybridSearcher } from '../../src/retrieval/hybrid-search.js';
import { fold } from '../../src/text/normalize.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const QUESTIONS_DIR = path.join(ROOT, 'test', 'questions');

/** One question of the project's own set: the document(s) that must come back and the facts they hold. */
interface Question {
  id: string;
  q: string;
  /** The document that must come back, or the documents that state the same fact (any one will do). */
  doc: string | string[];
  must: string[][];
}

const questions: Question[] = [];
for (const file of (await readdir(QUESTIONS_DIR)).filter((f) => f.endsWith('.jsonl') && !f.startsWith('heldout-')).sort()) {
  const lines = (await readFile(path.join(QUESTIONS_DIR, file), 'utf8')).split('\n').filter((l) => l.trim());
  questions.push(...lines.map((l) => JSON.parse(l) as Question));
}

const comparable = (text: string) => fold(text.toLowerCase()).replace(/\s+/g, ' ');

let dir: string;
let kb: KnowledgeBase;
let searcher: HybridSearcher;

beforeAll(async () => {
  dir = await makeTempDir();
  kb = await KnowledgeBase.open({
    databaseFile: path.join(dir, 'kb.sqlite'),
    vectorDir: path.join(dir, 'vectors'),
    knowledgeDir: path.join(ROOT, 'knowledge'),
    abbreviationsFile: path.join(ROOT, 'knowledge', 'abbreviations.tsv'),
    embeddings: { provider: 'hashing' },
  });
  const report = await kb.ingest();
  expect(report.failed).toEqual([]);
  searcher = await kb.searcher();
});

afterAll(async () => {
  await kb?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the project's question set", () => {
  it('has at least 80 questions, with and without diacritics', () => {
    expect(questions.length).toBeGreaterThanOrEqual(80);
    const unaccented = questions.filter((q) => fold(q.q) === q.q).length;
    expect(unaccented).toBeGreaterThanOrEqual(20);
    expect(questions.length - unaccented).toBeGreaterThanOrEqual(20);
    expect(new Set(questions.map((q) => q.id)).size).toBe(questions.length);
  });

  it('names documents that exist and facts that those documents contain', async () => {
    const passages = await kb.store.listPassages();
    const textOf = new Map<string, string>();
    for (const p of passages) textOf.set(p.docId, (textOf.get(p.docId) ?? '') + '\n' + comparable(p.text));
    for (const q of questions) {
      const wanted = Array.isArray(q.doc) ? q.doc : [q.doc];
      for (const id of wanted) {
        const text = textOf.get(id);
        expect(text, `${q.id}: document ${id}`).toBeDefined();
        for (const group of q.must) {
          expect(group.some((fact) => text!.includes(comparable(fact))), `${q.id}: ${id} lacks ${group.join(' | ')}`).toBe(true);
        }
      }
    }
  });

  it('brings the right document into the top 3 for at least 95% of questions and into the top 5 for all', async () => {
    const misses3: string[] = [];
    const misses5: string[] = [];
    for (const q of questions) {
      const { hits } = await searcher.search(q.q, 15);
      const docs: string[] = [];
      for (const hit of hits) if (!docs.includes(hit.passage.docId)) docs.push(hit.passage.docId);
      const wanted = Array.isArray(q.doc) ? q.doc : [q.doc];
      const rank = docs.findIndex((d) => wanted.includes(d));
      if (rank < 0 || rank >= 3) misses3.push(`${q.id} "${q.q}" → ${docs.slice(0, 3).join(', ')}`);
      if (rank < 0 || rank >= 5) misses5.push(`${q.id} "${q.q}" → ${docs.slice(0, 5).join(', ')}`);
    }
    expect(misses5).toEqual([]);
    expect(misses3.length / questions.length, misses3.join('\n')).toBeLessThanOrEqual(0.05);
  });
});
