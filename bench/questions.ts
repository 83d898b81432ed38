import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { readQuestionSet } from '../src/eval/question-sets.js';
import type { HybridSearcher } from '../src/retrieval/hybrid-search.js';
import { fold } from '../src/text/normalize.js';

const comparable = (text: string) => fold(text.toLowerCase()).replace(/\s+/g, ' ');

/** Top-1/3/5 document hit rates on the project's own question set. */
export async function ownQuestionHitRates(searcher: HybridSearcher, dir: string) {
  const questions = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.jsonl') && !f.startsWith('heldout-'))) questions.push(...(await readQuestionSet(path.join(dir, file))));
  const ranks: number[] = [];
  for (const q of questions) {
    const { hits } = await searcher.search(q.q, 15);
    const docs: string[] = [];
    for (const hit of hits) if (!docs.includes(hit.passage.docId)) docs.push(hit.passage.docId);
    const wanted = Array.isArray(q.doc) ? q.doc : [q.doc];
    ranks.push(docs.findIndex((d) => wanted.includes(d)));
  }
  const at = (k: number) => ranks.filter((r) => r >= 0 && r < k).length / Math.max(1, ranks.length);
  return { questions: questions.length, top1: at(1), top3: at(3), top5: at(5) };
}

/** Share of the shared dev questions whose expected facts all appear in the text of the top 5 sources. */
export async function devQuestionFactRate(searcher: HybridSearcher, file: string) {
  if (!existsSync(file)) return undefined;
  const questions = (await readQuestionSet(file)).filter((q) => q.kind !== 'out-of-domain');
  const missed: string[] = [];
  for (const q of questions) {
    const { hits } = await searcher.search(q.q, 5);
    const text = comparable(hits.map((h) => `${h.passage.heading}\n${h.passage.text}`).join('\n'));
    const ok = (q.must ?? []).every((group) => group.some((fact) => text.includes(comparable(fact))));
    if (!ok) missed.push(`${q.id}: ${q.q}`);
  }
  return { questions: questions.length, rate: (questions.length - missed.length) / Math.max(1, questions.length), missed };
}
