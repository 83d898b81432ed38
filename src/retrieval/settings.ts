import { DEFAULT_QUERY_ANALYSIS, type QueryAnalysisOptions } from '../text/query.js';
import { DEFAULT_BM25, type Bm25Parameters } from './lexical-index.js';

/**
 * Every knob of retrieval in one place. Production and `trolyxa eval` use this same object, so what the
 * benchmark measures is what users get.
 */
export interface RetrievalSettings {
  bm25: Bm25Parameters;
  query: QueryAnalysisOptions;
  /** Share of the cosine similarity in the fused score (the rest is the max-normalised BM25F score). */
  vectorWeight: number;
  /** Candidates each leg contributes before fusion. */
  candidates: number;
  /** Longest chunk the chunker makes, in characters. */
  chunkMaxChars: number;
  hashing: { dimensions: number; trigramWeight: number; bigramWeight: number };
  hnsw: { m: number; efConstruction: number; efSearch: number };
}

export const RETRIEVAL_SETTINGS: RetrievalSettings = {
  bm25: DEFAULT_BM25,
  query: DEFAULT_QUERY_ANALYSIS,
  vectorWeight: 0.2,
  candidates: 50,
  chunkMaxChars: 700,
  hashing: { dimensions: 512, trigramWeight: 0.35, bigramWeight: 1 },
  hnsw: { m: 16, efConstruction: 64, efSearch: 64 },
};
