import { describe, expect, it } from 'vitest';
import { evaluateRun, mrrAt, ndcgAt, percentile, recallAt, type Qrels, type Run } from '../../src/eval/metrics.js';

const judged = (entries: Record<string, number>): Map<string, number> => new Map(Object.entries(entries));

/*
 * Hand-computed example (gain 2^rel − 1, discount log2(rank + 1)):
 *
 * q1  qrels {d1: 1, d2: 0}       run [d3, d1, d2]
 *     DCG  = 1/log2(3) = 0.6309297536   IDCG = 1/log2(2) = 1   nDCG@10 = 0.6309297536
 *     recall@1 = 0, @5 = 1, @10 = 1      MRR@10 = 1/2            (d2 has grade 0: not relevant)
 *
 * q2  qrels {d4: 2, d5: 1}       run [d5, d6, d4]        (graded, two relevant documents)
 *     DCG  = (2^1−1)/log2(2) + (2^2−1)/log2(4) = 1 + 3/2 = 2.5
 *     IDCG = (2^2−1)/log2(2) + (2^1−1)/log2(3) = 3 + 0.6309297536 = 3.6309297536
 *     nDCG@10 = 2.5 / 3.6309297536 = 0.6885288809
 *     recall@1 = 1/2, @5 = 1, @10 = 1    MRR@10 = 1
 *
 * q3  qrels {d7: 1}              run [d8, d9, d10, d11, d12, d7]   (relevant at rank 6)
 *     nDCG@10 = 1/log2(7) = 0.3562071871
 *     recall@1 = 0, @5 = 0, @10 = 1      MRR@10 = 1/6
 *
 * q4  qrels {d1: 1}              absent from the run: every metric 0
 *
 * Means over the 4 judged queries:
 *     nDCG@10  = (0.6309297536 + 0.6885288809 + 0.3562071871 + 0) / 4 = 0.4189164554
 *     recall@1 = (0 + 0.5 + 0 + 0) / 4 = 0.125
 *     recall@5 = (1 + 1 + 0 + 0) / 4 = 0.5
 *     recall@10 = recall@100 = (1 + 1 + 1 + 0) / 4 = 0.75
 *     MRR@10   = (0.5 + 1 + 1/6 + 0) / 4 = 0.4166666667
 */
const qrels: Qrels = new Map([
  ['q1', judged({ d1: 1, d2: 0 })],
  ['q2', judged({ d4: 2, d5: 1 })],
  ['q3', judged({ d7: 1 })],
  ['q4', judged({ d1: 1 })],
]);
const run: Run = new Map([
  ['q1', ['d3', 'd1', 'd2']],
  ['q2', ['d5', 'd6', 'd4']],
  ['q3', ['d8', 'd9', 'd10', 'd11', 'd12', 'd7']],
  ['q99', ['d1']], // not judged: ignored
]);

describe('per-query metrics', () => {
  it('q1: one relevant document at rank 2', () => {
    const ranking = run.get('q1')!;
    const rel = qrels.get('q1')!;
    expect(ndcgAt(ranking, rel, 10)).toBeCloseTo(0.6309297536, 6);
    expect(recallAt(ranking, rel, 1)).toBe(0);
    expect(recallAt(ranking, rel, 5)).toBe(1);
    expect(recallAt(ranking, rel, 10)).toBe(1);
    expect(mrrAt(ranking, rel, 10)).toBeCloseTo(0.5, 6);
  });

  it('q2: graded judgements, two relevant documents', () => {
    const ranking = run.get('q2')!;
    const rel = qrels.get('q2')!;
    expect(ndcgAt(ranking, rel, 10)).toBeCloseTo(0.6885288809, 6);
    expect(recallAt(ranking, rel, 1)).toBeCloseTo(0.5, 6);
    expect(recallAt(ranking, rel, 5)).toBe(1);
    expect(mrrAt(ranking, rel, 10)).toBe(1);
  });

  it('q3: relevant document at rank 6', () => {
    const ranking = run.get('q3')!;
    const rel = qrels.get('q3')!;
    expect(ndcgAt(ranking, rel, 10)).toBeCloseTo(0.3562071871, 6);
    expect(ndcgAt(ranking, rel, 5)).toBe(0); // cut off before rank 6
    expect(recallAt(ranking, rel, 5)).toBe(0);
    expect(recallAt(ranking, rel, 10)).toBe(1);
    expect(mrrAt(ranking, rel, 10)).toBeCloseTo(1 / 6, 6);
    expect(mrrAt(ranking, rel, 5)).toBe(0);
  });

  it('a perfect ranking scores 1 and the ideal ranking is cut at k', () => {
    const rel = judged({ a: 2, b: 1, c: 1 });
    expect(ndcgAt(['a', 'b', 'c'], rel, 10)).toBeCloseTo(1, 6);
    // k = 1: IDCG counts only the best document (gain 3); ranking "b" first gives 1/3.
    expect(ndcgAt(['b', 'a', 'c'], rel, 1)).toBeCloseTo(1 / 3, 6);
    // k = 2, ranking [b, c]: DCG = 1 + 1/log2(3); IDCG = 3 + 1/log2(3)
    expect(ndcgAt(['b', 'c', 'a'], rel, 2)).toBeCloseTo((1 + 1 / Math.log2(3)) / (3 + 1 / Math.log2(3)), 6);
  });

  it('a query without any relevant document scores 0 everywhere (no division by zero)', () => {
    const rel = judged({ d1: 0 });
    expect(ndcgAt(['d1'], rel, 10)).toBe(0);
    expect(recallAt(['d1'], rel, 10)).toBe(0);
    expect(mrrAt(['d1'], rel, 10)).toBe(0);
  });

  it('an empty ranking scores 0', () => {
    const rel = judged({ d1: 1 });
    expect(ndcgAt([], rel, 10)).toBe(0);
    expect(recallAt([], rel, 10)).toBe(0);
    expect(mrrAt([], rel, 10)).toBe(0);
  });
});

describe('evaluateRun', () => {
  it('averages the hand-computed example over the judged queries', () => {
    const m = evaluateRun(run, qrels);
    expect(m.queries).toBe(4);
    expect(m['ndcg@10']).toBeCloseTo(0.4189164554, 6);
    expect(m['recall@1']).toBeCloseTo(0.125, 6);
    expect(m['recall@5']).toBeCloseTo(0.5, 6);
    expect(m['recall@10']).toBeCloseTo(0.75, 6);
    expect(m['recall@100']).toBeCloseTo(0.75, 6);
    expect(m['mrr@10']).toBeCloseTo(0.4166666667, 6);
  });

  it('a query missing from the run scores 0', () => {
    const m = evaluateRun(new Map(), new Map([['q4', judged({ d1: 1 })]]));
    expect(m).toEqual({
      'ndcg@10': 0,
      'recall@1': 0,
      'recall@5': 0,
      'recall@10': 0,
      'recall@100': 0,
      'mrr@10': 0,
      queries: 1,
    });
  });

  it('dropping the missing query raises every mean by 4/3', () => {
    const three: Qrels = new Map([...qrels].filter(([id]) => id !== 'q4'));
    const m = evaluateRun(run, three);
    expect(m.queries).toBe(3);
    expect(m['ndcg@10']).toBeCloseTo((0.6309297536 + 0.6885288809 + 0.3562071871) / 3, 6);
    expect(m['mrr@10']).toBeCloseTo((0.5 + 1 + 1 / 6) / 3, 6);
  });

  it('no judged queries gives zeros, not NaN', () => {
    const m = evaluateRun(run, new Map());
    expect(m.queries).toBe(0);
    expect(m['ndcg@10']).toBe(0);
    expect(m['mrr@10']).toBe(0);
  });
});

describe('percentile (nearest rank)', () => {
  const values = [50, 15, 40, 20, 35];

  it('picks the nearest-rank value of the sorted list', () => {
    // sorted: 15 20 35 40 50; rank = ceil(p/100 · 5)
    expect(percentile(values, 0)).toBe(15);
    expect(percentile(values, 5)).toBe(15);
    expect(percentile(values, 25)).toBe(20); // rank ceil(1.25) = 2
    expect(percentile(values, 30)).toBe(20);
    expect(percentile(values, 40)).toBe(20);
    expect(percentile(values, 45)).toBe(35); // rank ceil(2.25) = 3
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 80)).toBe(40);
    expect(percentile(values, 99)).toBe(50);
    expect(percentile(values, 100)).toBe(50);
  });

  it('does not reorder the input', () => {
    percentile(values, 50);
    expect(values).toEqual([50, 15, 40, 20, 35]);
  });

  it('sorts numerically, not as strings', () => {
    // numeric order 3 9 20 100 (as strings it would be 100 20 3 9)
    expect(percentile([100, 9, 20, 3], 25)).toBe(3);
    expect(percentile([100, 9, 20, 3], 100)).toBe(100);
  });

  it('an empty list gives 0; one value gives that value', () => {
    expect(percentile([], 50)).toBe(0);
    expect(percentile([7.5], 99)).toBe(7.5);
  });
});
