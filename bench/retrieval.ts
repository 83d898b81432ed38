import path from 'node:path';
import sqlite3 from 'sqlite3';
import { BeirIndex } from '../src/eval/beir-eval.js';
import { loadBeir, type BeirDataset } from '../src/eval/beir.js';
import { evaluateRun, percentile, type RetrievalMetrics, type Run } from '../src/eval/metrics.js';
import type { EmbeddingsSetup } from '../src/retrieval/embeddings.js';
import { HybridSearcher } from '../src/retrieval/hybrid-search.js';
import type { RetrievalSettings } from '../src/retrieval/settings.js';
import type { StoredPassage } from '../src/storage/knowledge-store.js';
import type { AbbreviationDictionary } from '../src/text/abbreviations.js';
import { fold } from '../src/text/normalize.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';

export interface Row {
  dataset: string;
  system: string;
  queries: string;
  metrics: RetrievalMetrics;
  p50: number;
  p99: number;
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Typing mistakes as officials make them: in about one word of six (4+ letters), a letter dropped, two
 * letters swapped, or the word's marks left out. Deterministic per question.
 */
export function withTypos(text: string): string {
  const random = rng(seedOf(text));
  return text.replace(/\p{L}{4,}/gu, (word) => {
    if (random() >= 1 / 6) return word;
    const kind = random();
    const chars = [...word];
    const i = 1 + Math.floor(random() * (chars.length - 2));
    if (kind < 0.4) chars.splice(i, 1);
    else if (kind < 0.7) [chars[i - 1], chars[i]] = [chars[i]!, chars[i - 1]!];
    else return fold(word);
    return chars.join('');
  });
}

/** The plain baseline the datasets' README describes: SQLite FTS5, unicode61 remove_diacritics 2, OR of words, bm25(). */
export async function fts5Baseline(dataset: BeirDataset, foldQueries: boolean): Promise<{ metrics: RetrievalMetrics; p50: number; p99: number }> {
  const db = new sqlite3.Database(':memory:');
  const run = (sql: string, params: unknown[] = []) =>
    new Promise<void>((resolve, reject) => db.run(sql, params, (err) => (err ? reject(err) : resolve())));
  const all = (sql: string, params: unknown[]) =>
    new Promise<{ id: string }[]>((resolve, reject) => db.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows as { id: string }[]))));
  await run(`CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, body, tokenize = "unicode61 remove_diacritics 2")`);
  await run('BEGIN');
  for (const doc of dataset.corpus) await run('INSERT INTO docs (id, body) VALUES (?, ?)', [doc.id, `${doc.title} ${doc.text}`]);
  await run('COMMIT');
  const ranking: Run = new Map();
  const latencies: number[] = [];
  for (const query of dataset.queries) {
    const text = foldQueries ? fold(query.text) : query.text;
    const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
    const match = words.map((w) => `"${w}"`).join(' OR ');
    const started = performance.now();
    const rows = match ? await all('SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 100', [match]) : [];
    latencies.push(performance.now() - started);
    ranking.set(query.id, rows.map((r) => r.id));
  }
  await new Promise<void>((resolve) => db.close(() => resolve()));
  return { metrics: evaluateRun(ranking, dataset.qrels), p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** Query latency of the production call (`search(q, 10)` with default candidates). */
export async function productionLatency(searcher: HybridSearcher, questions: readonly string[]): Promise<{ p50: number; p99: number }> {
  for (const q of questions.slice(0, 20)) await searcher.search(q, 10); // warm-up
  const latencies: number[] = [];
  for (const q of questions) {
    const started = performance.now();
    await searcher.search(q, 10);
    latencies.push(performance.now() - started);
  }
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export async function benchDataset(
  dir: string,
  options: { settings: RetrievalSettings; dictionary: AbbreviationDictionary; embeddings: EmbeddingsSetup },
): Promise<{ rows: Row[]; indexMs: number; storeMs: number; passages: number; docs: number; latency: { p50: number; p99: number } }> {
  const name = path.basename(dir);
  const dataset = await loadBeir(dir);
  const rows: Row[] = [];
  for (const folded of [false, true]) {
    const base = await fts5Baseline(dataset, folded);
    rows.push({ dataset: name, system: 'FTS5 BM25 (baseline)', queries: folded ? 'no diacritics' : 'as written', metrics: base.metrics, p50: base.p50, p99: base.p99 });
  }
  const index = await BeirIndex.build(dataset, options);
  try {
    const variants: { label: string; foldQueries?: boolean; transform?: (t: string) => string }[] = [
      { label: 'as written' },
      { label: 'no diacritics', foldQueries: true },
      { label: 'with typos', transform: withTypos },
    ];
    const systems: { label: string; vectorWeight: number }[] = [
      { label: 'lexical leg (BM25F)', vectorWeight: 0 },
      { label: 'vector leg (hashing+HNSW)', vectorWeight: 1 },
      { label: `fused (w=${options.settings.vectorWeight})`, vectorWeight: options.settings.vectorWeight },
    ];
    for (const variant of variants) {
      for (const system of systems) {
        const ranking = await index.rank({ foldQueries: variant.foldQueries, transform: variant.transform, vectorWeight: system.vectorWeight });
        rows.push({ dataset: name, system: system.label, queries: variant.label, metrics: ranking, p50: ranking.latency_ms.p50, p99: ranking.latency_ms.p99 });
      }
    }
    const latency = await productionLatency(index.searcher, dataset.queries.map((q) => q.text));
    return { rows, indexMs: index.indexMs, storeMs: index.storeMs, passages: index.passages, docs: dataset.corpus.length, latency };
  } finally {
    await index.close();
  }
}

/**
 * The corpus enlarged to `target` passages: each synthetic passage stitches sentences drawn from random
 * articles, so vocabulary and lengths stay those of real Vietnamese law.
 */
export function enlargeCorpus(dataset: BeirDataset, target: number): StoredPassage[] {
  const random = rng(42);
  const sentences = dataset.corpus.flatMap((d) => d.text.split(/(?<=[.;:])\s+|\n+/).filter((s) => s.length > 20));
  const passages: StoredPassage[] = [];
  for (let i = 0; i < target; i++) {
    const source = dataset.corpus[i % dataset.corpus.length]!;
    const parts: string[] = [];
    let length = 0;
    const wanted = 200 + Math.floor(random() * 600);
    while (length < wanted) {
      const sentence = sentences[Math.floor(random() * sentences.length)]!;
      parts.push(sentence);
      length += sentence.length;
    }
    const meta = { id: `s${i}`, title: `${source.title} (bản ${Math.floor(i / dataset.corpus.length)})`, status: 'in_force', verified: true } as StoredPassage['meta'];
    passages.push({ id: `s${i}#0`, docId: `s${i}`, ordinal: 0, citation: meta.title, path: [], heading: meta.title, text: parts.join(' '), meta });
  }
  return passages;
}

export async function benchLarge(
  dir: string,
  target: number,
  options: { settings: RetrievalSettings; dictionary: AbbreviationDictionary; embeddings: EmbeddingsSetup },
): Promise<{ passages: number; buildMs: number; p50: number; p99: number; rssMb: number }> {
  const dataset = await loadBeir(dir);
  const passages = enlargeCorpus(dataset, target);
  const work = await mkdtemp(path.join(tmpdir(), 'trolyxa-bench-'));
  try {
    const started = performance.now();
    const searcher = await HybridSearcher.create({ passages, ...options, vectorRoot: path.join(work, 'vectors') });
    const buildMs = performance.now() - started;
    const latency = await productionLatency(searcher, dataset.queries.map((q) => q.text));
    return { passages: passages.length, buildMs, ...latency, rssMb: process.memoryUsage().rss / 2 ** 20 };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
