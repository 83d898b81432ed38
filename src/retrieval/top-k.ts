export interface ScoredIndex {
  index: number;
  score: number;
}

/**
 * Indices of the `k` largest positive scores, best first (ties by lower index), through a bounded
 * min-heap: O(n log k) with no per-element allocation, which matters on the hot path of every question.
 */
export function topK(scores: ArrayLike<number>, k: number): ScoredIndex[] {
  if (k <= 0) return [];
  const heapScore = new Float64Array(k);
  const heapIndex = new Int32Array(k);
  let size = 0;
  // "a is worse than b": the heap's root is the worst hit kept so far.
  const worse = (sa: number, ia: number, sb: number, ib: number) => sa < sb || (sa === sb && ia > ib);
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i]!;
    if (!(score > 0)) continue;
    if (size < k) {
      let pos = size++;
      while (pos > 0) {
        const parent = (pos - 1) >> 1;
        if (!worse(score, i, heapScore[parent]!, heapIndex[parent]!)) break;
        heapScore[pos] = heapScore[parent]!;
        heapIndex[pos] = heapIndex[parent]!;
        pos = parent;
      }
      heapScore[pos] = score;
      heapIndex[pos] = i;
    } else if (worse(heapScore[0]!, heapIndex[0]!, score, i)) {
      let pos = 0;
      for (;;) {
        const left = 2 * pos + 1;
        if (left >= size) break;
        const right = left + 1;
        const child = right < size && worse(heapScore[right]!, heapIndex[right]!, heapScore[left]!, heapIndex[left]!) ? right : left;
        if (!worse(heapScore[child]!, heapIndex[child]!, score, i)) break;
        heapScore[pos] = heapScore[child]!;
        heapIndex[pos] = heapIndex[child]!;
        pos = child;
      }
      heapScore[pos] = score;
      heapIndex[pos] = i;
    }
  }
  const hits: ScoredIndex[] = new Array(size);
  for (let j = 0; j < size; j++) hits[j] = { index: heapIndex[j]!, score: heapScore[j]! };
  return hits.sort((a, b) => b.score - a.score || a.index - b.index);
}
