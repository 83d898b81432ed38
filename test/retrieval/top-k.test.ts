import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topK } from '../../src/retrieval/top-k.js';

/** The obvious definition: keep positive scores, sort best first (ties by lower index), cut at k. */
function naiveTopK(scores: number[], k: number) {
  return scores
    .map((score, index) => ({ index, score }))
    .filter((h) => h.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, Math.max(0, k));
}

describe('topK', () => {
  it('equals sorting everything and cutting at k, ties and all', () => {
    // Few distinct values, so ties are common; negatives, zeros and NaN must be skipped.
    const score = fc.oneof(fc.integer({ min: -3, max: 6 }).map((n) => n / 2), fc.constant(Number.NaN), fc.double({ min: -1, max: 1, noNaN: true }));
    fc.assert(
      fc.property(fc.array(score, { maxLength: 300 }), fc.integer({ min: 0, max: 60 }), (scores, k) => {
        expect(topK(scores, k)).toEqual(naiveTopK(scores, k));
      }),
      { numRuns: 400 },
    );
  });

  it('reads typed arrays', () => {
    expect(topK(new Float64Array([0.1, 0.9, 0, 0.5]), 2)).toEqual([
      { index: 1, score: 0.9 },
      { index: 3, score: 0.5 },
    ]);
  });
});
