import { createHash } from 'node:crypto';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { StoredPassage } from '../storage/knowledge-store.js';
import type { AbbreviationDictionary } from '../text/abbreviations.js';
import { analyzeQuery } from '../text/query.js';
import type { EmbeddingsSetup } from './embeddings.js';
import { LexicalIndex } from './lexical-index.js';
import { compileReferences, parseReferences, ReferenceTargets } from './references.js';
import { topK } from './top-k.js';
import type { RetrievalSettings } from './settings.js';
import { toQueryVector, VectorIndex } from './vector-index.js';
import type { RankedHit, RankedResult, SearchResult, ThreadRanker } from './search-results.js';

export type { RankedHit, RankedResult, ScoredPassage, SearchResult, ThreadRanker } from './search-results.js';

/** The text each passage is indexed and embedded under. */
export function passageTitle(p: StoredPassage): string {
  return p.heading || p.meta.title;
}
export function passageEmbeddingText(p: StoredPassage): string {
  return `${passageTitle(p)}\n${p.text}`;
}

/**
 * Hybrid retrieval over one snapshot of the passages: the BM25F lexical index and the HNSW vector
 * index, fused on scores (unlike langchain's EnsembleRetriever, which keeps only ranks).
 */
export class HybridSearcher {
  private thread: { client: ThreadRanker; generation: number } | undefined;
  /** The passages of each document, in order: built on the first passagesOf (answers ask for it several times). */
  private byDocument: Map<string, StoredPassage[]> | undefined;
  private readonly referenceTargets: ReferenceTargets;

  private constructor(
    readonly passages: readonly StoredPassage[],
    private readonly lexical: LexicalIndex,
    private readonly vector: VectorIndex | undefined,
    private readonly embeddings: EmbeddingsInterface | undefined,
    private readonly dictionary: AbbreviationDictionary,
    readonly settings: RetrievalSettings,
  ) {
    this.referenceTargets = new ReferenceTargets(passages);
  }

  /**
   * Builds the lexical index in memory and loads the vector index from `vectorRoot`, rebuilding it
   * (into a new version folder, swapped atomically) when it is missing or was built from other passages
   * or another embedding model.
   */
  static async create(options: {
    passages: readonly StoredPassage[];
    dictionary: AbbreviationDictionary;
    settings: RetrievalSettings;
    embeddings: EmbeddingsSetup;
    vectorRoot: string;
    onRebuild?: () => void;
  }): Promise<HybridSearcher> {
    const { passages, settings } = options;
    const lexical = LexicalIndex.build(
      passages.map((p) => ({ title: passageTitle(p), body: p.text })),
      settings.bm25,
    );
    const fingerprint = fingerprintOf(passages, options.embeddings.describe(), settings);
    const manifest = await VectorIndex.readManifest(options.vectorRoot);
    let vector: VectorIndex | undefined;
    let embeddings: EmbeddingsInterface | undefined;
    if (manifest?.fingerprint === fingerprint) {
      embeddings = await options.embeddings.restore((manifest.embedding['state'] ?? {}) as Record<string, unknown>);
      vector = await VectorIndex.load(options.vectorRoot, embeddings);
    }
    if (!vector) {
      options.onRebuild?.();
      const texts = passages.map(passageEmbeddingText);
      const prepared = await options.embeddings.prepare(texts);
      embeddings = prepared.embeddings;
      vector = await VectorIndex.build(
        options.vectorRoot,
        passages.map((p, i) => ({ id: p.id, text: texts[i]! })),
        embeddings,
        { fingerprint, embedding: { ...options.embeddings.describe(), state: prepared.state } },
        settings.hnsw,
      );
    }
    return new HybridSearcher(passages, lexical, vector, embeddings, options.dictionary, settings);
  }

  get size(): number {
    return this.passages.length;
  }

  /** The vector of a question as the vector leg sees it (abbreviations expanded), or undefined without a vector leg. */
  async embedQuestion(text: string): Promise<number[] | undefined> {
    if (!this.embeddings) return undefined;
    const analysis = analyzeQuery(text, this.dictionary, this.settings.query);
    return this.embeddings.embedQuery(analysis.expanded || text);
  }

  /** The passages of one document, in order. */
  passagesOf(docId: string): StoredPassage[] {
    if (!this.byDocument) {
      this.byDocument = new Map();
      for (const p of this.passages) {
        const list = this.byDocument.get(p.docId);
        if (list) list.push(p);
        else this.byDocument.set(p.docId, [p]);
      }
    }
    return [...(this.byDocument.get(docId) ?? [])];
  }

  /**
   * Lets a search thread holding a copy of this searcher (same passages, in the same order) answer
   * plain searches; until it has loaded that copy, or if it fails, this searcher answers itself.
   */
  useThread(client: ThreadRanker, generation: number): void {
    this.thread = { client, generation };
  }

  /**
   * The `k` best passages. `candidates` (default from the settings) is how many each leg contributes;
   * `vectorWeight` overrides the fusion weight (0 = lexical leg alone, 1 = vector leg alone), for evaluation.
   */
  async search(query: string, k: number, options: { candidates?: number; vectorWeight?: number } = {}): Promise<SearchResult> {
    const remote = this.thread && options.candidates === undefined && options.vectorWeight === undefined
      ? await this.thread.client.search(this.thread.generation, query, k)
      : undefined;
    const { hits, ...rest } = remote ?? (await this.rank(query, k, options));
    return { hits: hits.map(({ index, ...scores }) => ({ passage: this.passages[index]!, ...scores })), ...rest };
  }

  /** `search`, with passages given by their position in `passages` (what a search thread sends back). */
  async rank(query: string, k: number, options: { candidates?: number; vectorWeight?: number } = {}): Promise<RankedResult> {
    const analysis = analyzeQuery(query, this.dictionary, this.settings.query);
    const vectorWeight = options.vectorWeight ?? this.settings.vectorWeight;
    const candidates = Math.max(k, options.candidates ?? this.settings.candidates);
    const lexicalScores = this.lexical.scoreAll(analysis.terms);
    const lexicalTop = topIndices(lexicalScores, candidates);
    const best = lexicalTop.length ? lexicalScores[lexicalTop[0]!]! : 0;

    const similarity = new Map<number, number>();
    if (this.vector && this.embeddings && vectorWeight > 0 && this.vector.size > 0) {
      const queryVector = toQueryVector(await this.embeddings.embedQuery(analysis.expanded || query));
      for (const hit of this.vector.search(queryVector, candidates, this.settings.hnsw.efSearch)) {
        similarity.set(hit.index, hit.similarity);
      }
      for (const index of lexicalTop) {
        if (!similarity.has(index)) similarity.set(index, this.vector.similarity(queryVector, index));
      }
    }

    const pool = new Set<number>(vectorWeight < 1 ? [...lexicalTop, ...similarity.keys()] : similarity.keys());
    const hits: RankedHit[] = [];
    for (const index of pool) {
      const lexicalScore = lexicalScores[index]!;
      const lexicalNormalized = best > 0 ? lexicalScore / best : 0;
      const vectorSimilarity = Math.max(0, similarity.get(index) ?? 0);
      const score = (1 - vectorWeight) * lexicalNormalized + vectorWeight * vectorSimilarity;
      if (score <= 0) continue;
      hits.push({
        index,
        score,
        lexicalScore,
        lexicalNormalized,
        lexicalCoverage: 0,
        vectorSimilarity,
      });
    }
    // An explicit reference ("Điều 121 Nghị định 131", "Mẫu số 12", "NĐ 77/2024") puts what it names first.
    const refs = parseReferences(query);
    if (refs.length > 0) {
      const compiled = compileReferences(refs);
      for (let i = 0; i < this.passages.length; i++) {
        const boost = this.referenceTargets.score(i, compiled);
        if (boost <= 0) continue;
        const hit = hits.find((h) => h.index === i);
        if (hit) hit.score += boost;
        else hits.push({ index: i, score: boost, lexicalScore: lexicalScores[i]!, lexicalNormalized: best > 0 ? lexicalScores[i]! / best : 0, lexicalCoverage: 0, vectorSimilarity: 0 });
      }
    }
    hits.sort((a, b) => b.score - a.score || this.passages[a.index]!.id.localeCompare(this.passages[b.index]!.id));
    const top = hits.slice(0, k).map((hit) => ({ ...hit, lexicalCoverage: this.lexical.coverage(analysis.terms, hit.index) }));
    return { hits: top, expandedQuery: analysis.expanded, typedWithDiacritics: analysis.typedWithDiacritics };
  }
}

function topIndices(scores: Float64Array, k: number): number[] {
  return topK(scores, k).map((h) => h.index);
}

/** What the vector index was built from: passage ids and texts, the embedding model and the HNSW settings. */
export function fingerprintOf(
  passages: readonly StoredPassage[],
  embedding: Record<string, unknown>,
  settings: RetrievalSettings,
): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ embedding, hnsw: settings.hnsw }));
  for (const p of passages) hash.update(`\u0000${p.id}\u0001${passageEmbeddingText(p)}`);
  return hash.digest('hex');
}
