import type { StoredPassage } from '../storage/knowledge-store.js';

/** One retrieved passage with every score that led to its rank. */
export interface ScoredPassage {
  passage: StoredPassage;
  /** Fused score in [0, 1]: (1 − w)·BM25F/best BM25F + w·cosine. */
  score: number;
  /** Raw BM25F score (0 when the passage matched no query term). */
  lexicalScore: number;
  /** BM25F score divided by the best one of this query. */
  lexicalNormalized: number;
  /** IDF-weighted share of the question's words found in the passage (words unknown to the knowledge base weigh most). */
  lexicalCoverage: number;
  /** Cosine similarity of query and passage vectors (not a distance). */
  vectorSimilarity: number;
}

export interface SearchResult {
  hits: ScoredPassage[];
  /** The question as the engine understood it (abbreviations expanded). */
  expandedQuery: string;
  typedWithDiacritics: boolean;
}

/** A hit by the passage's position in the searcher's list (cheap to send between threads). */
export type RankedHit = Omit<ScoredPassage, 'passage'> & { index: number };

export interface RankedResult extends Omit<SearchResult, 'hits'> {
  hits: RankedHit[];
}

/**
 * What a searcher needs from a search thread holding a copy of it (SearchThread implements it): the
 * ranking of a query against the copy of `generation`, or `undefined` when the thread cannot answer
 * (not loaded yet, a newer snapshot, an error, the thread gone) and the caller ranks itself.
 */
export interface ThreadRanker {
  search(generation: number, query: string, k: number): Promise<RankedResult | undefined>;
}
