import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chunkDocument } from '../knowledge/chunker.js';
import type { Chunk, DocumentMeta, LoadedDocument } from '../knowledge/types.js';
import type { EmbeddingsSetup } from '../retrieval/embeddings.js';
import { HybridSearcher } from '../retrieval/hybrid-search.js';
import type { RetrievalSettings } from '../retrieval/settings.js';
import type { StoredDocument } from '../storage/knowledge-store.js';
import { openKnowledgeStorage, type KnowledgeStorage } from '../storage/knowledge-storage.js';
import type { AbbreviationDictionary } from '../text/abbreviations.js';
import { fold } from '../text/normalize.js';
import { loadBeir, type BeirDataset } from './beir.js';
import { evaluateRun, percentile, type RetrievalMetrics, type Run } from './metrics.js';

export interface BeirIndexOptions {
  settings: RetrievalSettings;
  dictionary: AbbreviationDictionary;
  embeddings: EmbeddingsSetup;
  onProgress?: (stage: string) => void;
}

export interface RankOptions {
  /** Ranking depth per query (documents). */
  depth?: number;
  /** Strip diacritics from the questions (to measure how much unaccented typing costs). */
  foldQueries?: boolean;
  /** Rewrite each question before searching (e.g. to add typos). */
  transform?: (text: string) => string;
  /** Override the fusion weight (0 = lexical leg only, 1 = vector leg only). */
  vectorWeight?: number;
}

export interface BeirRanking extends RetrievalMetrics {
  latency_ms: { p50: number; p99: number };
  run: Run;
  scores: Map<string, number[]>;
}

/**
 * A BEIR corpus indexed by the production pipeline: the same chunker, store and index builder as the
 * knowledge base, in a temporary folder removed by `close()`.
 */
export class BeirIndex {
  private constructor(
    readonly dataset: BeirDataset,
    readonly searcher: HybridSearcher,
    readonly passages: number,
    readonly storeMs: number,
    readonly indexMs: number,
    private readonly storage: KnowledgeStorage,
    private readonly work: string,
  ) {}

  static async build(dir: string | BeirDataset, options: BeirIndexOptions): Promise<BeirIndex> {
    const dataset = typeof dir === 'string' ? await loadBeir(dir) : dir;
    const { settings } = options;
    const work = await mkdtemp(path.join(tmpdir(), 'trolyxa-eval-'));
    const storage = await openKnowledgeStorage({ kind: 'sqlite', file: path.join(work, 'eval.sqlite') });
    try {
      options.onProgress?.('storing corpus');
      const storeStarted = performance.now();
      const { store } = storage;
      const items = dataset.corpus.map((d, i) => {
        const meta = { id: `d${i}`, title: d.title, citation: d.title, status: 'in_force', verified: true } as DocumentMeta;
        const loaded: LoadedDocument = { meta, body: d.text.normalize('NFC'), format: 'text', sourcePath: `${i}` };
        const chunks: Chunk[] = chunkDocument(loaded, { maxChars: settings.chunkMaxChars });
        const doc: StoredDocument = { id: meta.id, sourcePath: `${i}`, contentHash: '', meta };
        return { doc, chunks };
      });
      await store.applyChanges(items);
      const passages = await store.listPassages();
      const storeMs = performance.now() - storeStarted;

      options.onProgress?.('building indexes');
      const indexStarted = performance.now();
      const searcher = await HybridSearcher.create({
        passages,
        dictionary: options.dictionary,
        settings,
        embeddings: options.embeddings,
        vectorRoot: path.join(work, 'vectors'),
      });
      const indexMs = performance.now() - indexStarted;
      return new BeirIndex(dataset, searcher, passages.length, Math.round(storeMs), Math.round(indexMs), storage, work);
    } catch (error) {
      await storage.close();
      await rm(work, { recursive: true, force: true });
      throw error;
    }
  }

  /** Runs every judged query; each document takes the score of its best passage. */
  async rank(options: RankOptions = {}): Promise<BeirRanking> {
    const depth = options.depth ?? 100;
    const { dataset } = this;
    const run: Run = new Map();
    const scores = new Map<string, number[]>();
    const latencies: number[] = [];
    for (const query of dataset.queries) {
      let text = options.foldQueries ? fold(query.text) : query.text;
      if (options.transform) text = options.transform(text);
      const started = performance.now();
      // Passages, not documents, are ranked: ask for enough of them to fill `depth` documents.
      const { hits } = await this.searcher.search(text, depth * 2, {
        candidates: depth * 2,
        vectorWeight: options.vectorWeight,
      });
      latencies.push(performance.now() - started);
      const best = new Map<string, number>();
      for (const hit of hits) if (!best.has(hit.passage.docId)) best.set(hit.passage.docId, hit.score);
      const ranked = [...best].slice(0, depth);
      run.set(query.id, ranked.map(([docId]) => dataset.corpus[Number(docId.slice(1))]!.id));
      scores.set(query.id, ranked.map(([, score]) => score));
    }
    return {
      ...evaluateRun(run, dataset.qrels),
      latency_ms: { p50: round2(percentile(latencies, 50)), p99: round2(percentile(latencies, 99)) },
      run,
      scores,
    };
  }

  async close(): Promise<void> {
    await this.storage.close();
    await rm(this.work, { recursive: true, force: true });
  }
}

export interface BeirEvalResult extends BeirRanking {
  docs: number;
  passages: number;
  /** Time to write the corpus into the store (chunking + SQLite). */
  store_ms: number;
  /** Time to build both indexes from the stored passages. */
  index_ms: number;
}

/** Indexes a BEIR folder with the production settings, runs every query, and scores the ranking. */
export async function evaluateBeir(dir: string | BeirDataset, options: BeirIndexOptions & RankOptions): Promise<BeirEvalResult> {
  const index = await BeirIndex.build(dir, options);
  try {
    options.onProgress?.('running queries');
    const ranking = await index.rank(options);
    return {
      ...ranking,
      docs: index.dataset.corpus.length,
      passages: index.passages,
      store_ms: index.storeMs,
      index_ms: index.indexMs,
    };
  } finally {
    await index.close();
  }
}

/** Writes a run as TSV: query-id, corpus-id, rank, score (what trec_eval-style tools read). */
export async function writeRunTsv(file: string, result: Pick<BeirEvalResult, 'run' | 'scores'>): Promise<void> {
  const lines: string[] = [];
  for (const [queryId, ids] of result.run) {
    const scores = result.scores.get(queryId) ?? [];
    ids.forEach((id, i) => lines.push(`${queryId}\t${id}\t${i + 1}\t${(scores[i] ?? 0).toFixed(6)}`));
  }
  await writeFile(file, lines.join('\n') + '\n');
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
