/** Relevance judgements: query id → (corpus id → grade). */
export type Qrels = Map<string, Map<string, number>>;
/** A ranking: query id → corpus ids, best first. */
export type Run = Map<string, string[]>;

export interface RetrievalMetrics {
  'ndcg@10': number;
  'recall@1': number;
  'recall@5': number;
  'recall@10': number;
  'recall@100': number;
  'mrr@10': number;
  queries: number;
}

/** nDCG@k with graded gains (2^rel − 1) and log2 discounts, as trec_eval and BEIR compute it. */
export function ndcgAt(ranking: readonly string[], relevant: ReadonlyMap<string, number>, k: number): number {
  let dcg = 0;
  ranking.slice(0, k).forEach((id, i) => {
    const rel = relevant.get(id) ?? 0;
    if (rel > 0) dcg += (2 ** rel - 1) / Math.log2(i + 2);
  });
  const ideal = [...relevant.values()].filter((r) => r > 0).sort((a, b) => b - a).slice(0, k);
  const idcg = ideal.reduce((sum, rel, i) => sum + (2 ** rel - 1) / Math.log2(i + 2), 0);
  return idcg > 0 ? dcg / idcg : 0;
}

/** Share of the relevant documents found in the first k. */
export function recallAt(ranking: readonly string[], relevant: ReadonlyMap<string, number>, k: number): number {
  const wanted = [...relevant].filter(([, rel]) => rel > 0).map(([id]) => id);
  if (wanted.length === 0) return 0;
  const top = new Set(ranking.slice(0, k));
  return wanted.filter((id) => top.has(id)).length / wanted.length;
}

/** Reciprocal rank of the first relevant document within the first k (0 if none). */
export function mrrAt(ranking: readonly string[], relevant: ReadonlyMap<string, number>, k: number): number {
  const i = ranking.slice(0, k).findIndex((id) => (relevant.get(id) ?? 0) > 0);
  return i < 0 ? 0 : 1 / (i + 1);
}

/** Averages every metric over the queries that have judgements (a query absent from the run scores 0). */
export function evaluateRun(run: Run, qrels: Qrels): RetrievalMetrics {
  const totals = { ndcg: 0, r1: 0, r5: 0, r10: 0, r100: 0, mrr: 0 };
  let n = 0;
  for (const [queryId, relevant] of qrels) {
    const ranking = run.get(queryId) ?? [];
    totals.ndcg += ndcgAt(ranking, relevant, 10);
    totals.r1 += recallAt(ranking, relevant, 1);
    totals.r5 += recallAt(ranking, relevant, 5);
    totals.r10 += recallAt(ranking, relevant, 10);
    totals.r100 += recallAt(ranking, relevant, 100);
    totals.mrr += mrrAt(ranking, relevant, 10);
    n += 1;
  }
  const avg = (v: number): number => (n ? v / n : 0);
  return {
    'ndcg@10': avg(totals.ndcg),
    'recall@1': avg(totals.r1),
    'recall@5': avg(totals.r5),
    'recall@10': avg(totals.r10),
    'recall@100': avg(totals.r100),
    'mrr@10': avg(totals.mrr),
    queries: n,
  };
}

/** The p-th percentile (0–100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}
