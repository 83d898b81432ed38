import { existsSync } from 'node:fs';
import type { AppConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { createEmbeddingsSetup, type EmbeddingsSetup } from '../retrieval/embeddings.js';
import { HybridSearcher } from '../retrieval/hybrid-search.js';
import { SearchThread } from '../retrieval/search-thread-client.js';
import { RETRIEVAL_SETTINGS, type RetrievalSettings } from '../retrieval/settings.js';
import { Database } from '../storage/database.js';
import { SqliteKnowledgeStore, type KnowledgeStore } from '../storage/knowledge-store.js';
import { AbbreviationDictionary } from '../text/abbreviations.js';
import { DEFAULT_PARSE_LIMITS, DocumentParser } from './document-parser.js';
import { ingestKnowledge, type IngestReport } from './ingest.js';

/**
 * The knowledge base as the rest of the program sees it: the store (source of truth), ingest, and a
 * searcher over the current snapshot, rebuilt after every ingest that changed something.
 */
export class KnowledgeBase {
  private searcherPromise: Promise<HybridSearcher> | undefined;
  private generation = 0;
  /** Files refused by the parse thread, by content hash: not read again while unchanged. */
  private readonly refusals = new Map<string, string>();

  private constructor(
    readonly db: Database,
    readonly store: KnowledgeStore,
    /** Reads documents in a worker thread under the `parse` limits of the configuration. */
    readonly parser: DocumentParser,
    private readonly config: Pick<AppConfig, 'knowledgeDir' | 'vectorDir' | 'abbreviationsFile' | 'embeddings'>,
    private readonly embeddings: EmbeddingsSetup,
    readonly settings: RetrievalSettings,
    private readonly logger?: Logger,
    private readonly thread?: SearchThread,
  ) {}

  /** `searchThread`: searches run in a worker thread holding a copy of the index (the server's choice). */
  static async open(
    config: Pick<AppConfig, 'databaseFile' | 'knowledgeDir' | 'vectorDir' | 'abbreviationsFile' | 'embeddings'> & Partial<Pick<AppConfig, 'parse'>>,
    options: { logger?: Logger; settings?: RetrievalSettings; db?: Database; searchThread?: boolean } = {},
  ): Promise<KnowledgeBase> {
    const settings = options.settings ?? RETRIEVAL_SETTINGS;
    const db = options.db ?? (await Database.open(config.databaseFile));
    return new KnowledgeBase(
      db,
      new SqliteKnowledgeStore(db),
      new DocumentParser(config.parse ?? DEFAULT_PARSE_LIMITS, { logger: options.logger }),
      config,
      createEmbeddingsSetup(config.embeddings, settings),
      settings,
      options.logger,
      options.searchThread ? new SearchThread(options.logger) : undefined,
    );
  }

  /** The knowledge folder ingests read by default. */
  get knowledgeDir(): string {
    return this.config.knowledgeDir;
  }

  /** The abbreviation dictionary, re-read on every searcher rebuild so that admins' edits take effect. */
  loadDictionary(): AbbreviationDictionary {
    const file = this.config.abbreviationsFile;
    if (!existsSync(file)) {
      this.logger?.warn({ file }, 'abbreviation dictionary not found; queries are not expanded');
      return AbbreviationDictionary.empty();
    }
    return AbbreviationDictionary.load(file);
  }

  async ingest(
    options: { dir?: string; onProgress?: (done: number, total: number, file: string) => void } = {},
  ): Promise<IngestReport> {
    const report = await ingestKnowledge({
      store: this.store,
      dir: options.dir ?? this.config.knowledgeDir,
      chunkMaxChars: this.settings.chunkMaxChars,
      onProgress: options.onProgress,
      parser: this.parser,
      refusals: this.refusals,
    });
    if (report.added.length || report.changed.length || report.removed.length) this.searcherPromise = undefined;
    return report;
  }

  /** The searcher over the stored passages (built once, then reused until the next changing ingest). */
  searcher(): Promise<HybridSearcher> {
    this.searcherPromise ??= this.buildSearcher().catch((error: unknown) => {
      this.searcherPromise = undefined;
      throw error;
    });
    return this.searcherPromise;
  }

  private async buildSearcher(): Promise<HybridSearcher> {
    const started = performance.now();
    const passages = await this.store.listPassages();
    const searcher = await HybridSearcher.create({
      passages,
      dictionary: this.loadDictionary(),
      settings: this.settings,
      embeddings: this.embeddings,
      vectorRoot: this.config.vectorDir,
      onRebuild: () => this.logger?.info({ passages: passages.length }, 'rebuilding the vector index'),
    });
    this.logger?.debug({ passages: passages.length, ms: Math.round(performance.now() - started) }, 'searcher ready');
    if (this.thread) {
      // After this thread's build, so the vector index is on disk and the copy only loads it.
      const generation = ++this.generation;
      const file = this.config.abbreviationsFile;
      this.thread.load({
        generation,
        passages,
        abbreviationsFile: existsSync(file) ? file : undefined,
        settings: this.settings,
        embeddings: this.config.embeddings,
        vectorRoot: this.config.vectorDir,
      });
      searcher.useThread(this.thread, generation);
    }
    return searcher;
  }

  /** Resolves once the search thread answers for the current searcher: true, or false without one. */
  async searchThreadReady(): Promise<boolean> {
    await this.searcher();
    return this.thread ? this.thread.ready(this.generation) : false;
  }

  /** Searches the search thread has answered so far (0 without one). */
  get threadSearches(): number {
    return this.thread?.answered ?? 0;
  }

  /** Stops the search thread, if there is one (the database is the caller's). */
  async stopSearchThread(): Promise<void> {
    await this.thread?.close();
  }

  /** Stops the search thread and the parse thread (the database is the caller's). */
  async stopThreads(): Promise<void> {
    await Promise.all([this.stopSearchThread(), this.parser.close()]);
  }

  async close(): Promise<void> {
    await this.stopThreads();
    await this.db.close();
  }
}
