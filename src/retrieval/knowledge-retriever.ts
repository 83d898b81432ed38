import type { CallbackManagerForRetrieverRun } from '@langchain/core/callbacks/manager';
import { Document } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import type { HybridSearcher, ScoredPassage } from './hybrid-search.js';

/** Metadata of every Document the retriever returns. */
export interface RetrievedMetadata {
  id: string;
  docId: string;
  title: string;
  citation: string;
  heading: string;
  path: string[];
  sourceUrls: string[];
  status: string;
  supersededBy?: string;
  verified: boolean;
  effective?: string;
  /** Fused score in [0, 1]. */
  score: number;
  /** BM25F score of the lexical leg. */
  lexicalScore: number;
  /** Cosine similarity of the vector leg (higher is closer). */
  vectorSimilarity: number;
  lexicalCoverage: number;
}

export interface KnowledgeRetrieverInput extends BaseRetrieverInput {
  /** The searcher, or a function that returns the current one (it changes after an ingest). */
  searcher: HybridSearcher | (() => Promise<HybridSearcher>);
  k?: number;
}

/**
 * The knowledge base as a langchain retriever: hybrid search with scores kept in the metadata,
 * so it drops into any langchain chain.
 */
export class KnowledgeRetriever extends BaseRetriever {
  static override lc_name(): string {
    return 'KnowledgeRetriever';
  }
  override lc_namespace = ['trolyxa', 'retrievers'];

  private readonly source: KnowledgeRetrieverInput['searcher'];
  readonly k: number;

  constructor(fields: KnowledgeRetrieverInput) {
    super(fields);
    this.source = fields.searcher;
    this.k = fields.k ?? 5;
  }

  override async _getRelevantDocuments(query: string, _runManager?: CallbackManagerForRetrieverRun): Promise<Document[]> {
    const searcher = typeof this.source === 'function' ? await this.source() : this.source;
    const { hits } = await searcher.search(query, this.k);
    return hits.map(toDocument);
  }
}

export function toDocument(hit: ScoredPassage): Document<RetrievedMetadata> {
  const { passage } = hit;
  const metadata: RetrievedMetadata = {
    id: passage.id,
    docId: passage.docId,
    title: passage.meta.title,
    citation: passage.citation,
    heading: passage.heading,
    path: passage.path,
    sourceUrls: passage.meta.source_url ?? [],
    status: passage.meta.status,
    verified: passage.meta.verified,
    score: hit.score,
    lexicalScore: hit.lexicalScore,
    vectorSimilarity: hit.vectorSimilarity,
    lexicalCoverage: hit.lexicalCoverage,
  };
  if (passage.meta.superseded_by) metadata.supersededBy = passage.meta.superseded_by;
  if (passage.meta.effective) metadata.effective = passage.meta.effective;
  return new Document({ pageContent: passage.text, metadata, id: passage.id });
}
