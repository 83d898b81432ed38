import { existsSync } from 'node:fs';
import type { AppConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { createEmbeddingsSetup, type EmbeddingsSetup } from '../retrieval/embeddings.js';
import { HybridSearcher } from '../retrieval/hybrid-search.js';
import { SearchThread } from '../retrieval/search-thread-client.js';
import { RETRIEVAL_SETTINGS, type RetrievalSettings } from '../retrieval/settings.js';
import type { Database } from '../storage/database.js';
import type { KnowledgeChanges, Unsubscribe } from '../storage/knowledge-changes.js';
import type { KnowledgeStore } from '../storage/knowledge-store.js';
import { openKnowledgeStorage, sqliteKnowledgeStorage, type KnowledgeStorage } from '../storage/knowledge-storage.js';
import { AbbreviationDictionary } from '../text/abbreviations.js';
import { DEFAULT_PARSE_LIMITS, DocumentParser } from './document-parser.js';
import { ingestKnowledge, type IngestReport } from './ingest.js';
import type { ScanProgress, ScanReader } from '../ocr/scan-reader.js';
import { TesseractScanReader } from '../ocr/tesseract-scan-reader.js';
import { DEFAULT_OCR_LIMITS } from '../ocr/ocr-limits.js';

type KnowledgeBaseConfig = Pick<AppConfig, 'knowledgeDir' | 'vectorDir' | 'abbreviationsFile' | 'embeddings'> & Partial<Pick<AppConfig, 'parse' | 'ocr'>>;

export interface KnowledgeBaseOptions {
  logger?: Logger;
  settings?: RetrievalSettings;
  /** Searches run in a worker thread holding a copy of the index (the server's choice). */
  searchThread?: boolean;
  /** After a failed background rebuild, how long until it is tried again (default 5 s). */
  refreshRetryMs?: number;
  /** Reads scans during ingest (default: Tesseract under the configured OCR limits). */
  scanReader?: ScanReader;
}

/** A searcher and the knowledge version its passages were read at. */
interface BuiltSearcher {
  searcher: HybridSearcher;
  version: number;
}

/**
 * The knowledge base as the rest of the program sees it: the store (source of truth), ingest, and a
 * searcher over the current snapshot, rebuilt after every ingest that changed something.
 *
 * Instances sharing one database hear of each other's changes (`KnowledgeChanges`): on a newer knowledge
 * version than the searcher's, a new searcher is built in the background and takes the old one's place
 * once ready, so answers never wait for the rebuild.
 */
export class KnowledgeBase {
  private searcherPromise: Promise<HybridSearcher> | undefined;
  /** The newest knowledge version a searcher was (or is being) built from; -1 before the first. */
  private newestBuild = -1;
  /** The knowledge version of the searcher in use. */
  private servingVersion = -1;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Bumped when a local ingest drops the searcher: a background rebuild started before must not bring back an older one. */
  private epoch = 0;
  /** Builds, one at a time (they share the vector index folder). */
  private builds: Promise<unknown> = Promise.resolve();
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private generation = 0;
  private readonly unsubscribe: Unsubscribe;
  /** Files refused by the parse thread, by content hash: not read again while unchanged. */
  private readonly refusals = new Map<string, string>();
  readonly store: KnowledgeStore;
  private readonly changes: KnowledgeChanges;

  private constructor(
    private readonly storage: KnowledgeStorage,
    /** Reads documents in a worker thread under the `parse` limits of the configuration. */
    readonly parser: DocumentParser,
    private readonly config: KnowledgeBaseConfig,
    private readonly embeddings: EmbeddingsSetup,
    readonly settings: RetrievalSettings,
    private readonly logger?: Logger,
    private readonly thread?: SearchThread,
    private readonly refreshRetryMs = 5000,
    /** Reads scanned documents (OCR); the chat channels may use it too. */
    readonly scanReader?: ScanReader,
  ) {
    this.store = storage.store;
    this.changes = storage.changes;
    this.unsubscribe = this.changes.subscribe((version) => this.onKnowledgeChange(version));
  }

  /**
   * A knowledge base over the given storage (the composition root picks its engine). `close()` closes
   * the storage too.
   */
  static create(config: KnowledgeBaseConfig, storage: KnowledgeStorage, options: KnowledgeBaseOptions = {}): KnowledgeBase {
    const settings = options.settings ?? RETRIEVAL_SETTINGS;
    return new KnowledgeBase(
      storage,
      new DocumentParser(config.parse ?? DEFAULT_PARSE_LIMITS, { logger: options.logger }),
      config,
      createEmbeddingsSetup(config.embeddings, settings),
      settings,
      options.logger,
      options.searchThread ? new SearchThread(options.logger) : undefined,
      options.refreshRetryMs,
      options.scanReader ?? new TesseractScanReader(config.ocr ?? DEFAULT_OCR_LIMITS),
    );
  }

  /**
   * A knowledge base on SQLite: over `db` when given (the caller keeps it and closes it), otherwise over
   * the file `databaseFile`, which `close()` closes.
   */
  static async open(
    config: KnowledgeBaseConfig & Pick<AppConfig, 'databaseFile'>,
    options: KnowledgeBaseOptions & { db?: Database } = {},
  ): Promise<KnowledgeBase> {
    const storage = options.db ? sqliteKnowledgeStorage(options.db) : await openKnowledgeStorage({ kind: 'sqlite', file: config.databaseFile });
    return KnowledgeBase.create(config, storage, options);
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
    options: {
      dir?: string;
      onProgress?: (done: number, total: number, file: string) => void;
      onScanProgress?: (file: string, progress: ScanProgress) => void;
    } = {},
  ): Promise<IngestReport> {
    const report = await ingestKnowledge({
      store: this.store,
      dir: options.dir ?? this.config.knowledgeDir,
      chunkMaxChars: this.settings.chunkMaxChars,
      onProgress: options.onProgress,
      onScanProgress: options.onScanProgress,
      parser: this.parser,
      refusals: this.refusals,
      scanReader: this.scanReader,
    });
    if (report.added.length || report.changed.length || report.removed.length) await this.knowledgeChanged();
    return report;
  }

  /**
   * Publishes a document read by OCR once an admin has checked its text: it becomes searchable. False when
   * no document with that id awaits review.
   */
  async acceptOcr(docId: string, by: string): Promise<boolean> {
    const version = await this.store.acceptOcr(docId, by);
    if (version === undefined) return false;
    await this.knowledgeChanged();
    return true;
  }

  private async knowledgeChanged(): Promise<void> {
    // The next search waits for the new searcher: whoever changed the knowledge expects to find it.
    this.epoch += 1;
    this.searcherPromise = undefined;
    await this.publish();
  }

  /** Tells the other instances; a failure only delays them until their next version check. */
  private async publish(): Promise<void> {
    try {
      await this.changes.published(await this.store.version());
    } catch (error) {
      this.logger?.warn({ err: error }, 'could not announce the knowledge change; other instances see it at their next version check');
    }
  }

  /** The searcher over the stored passages (built once, then reused until the knowledge changes). */
  searcher(): Promise<HybridSearcher> {
    this.searcherPromise ??= this.build()
      .then((built) => {
        this.servingVersion = built.version;
        return built.searcher;
      })
      .catch((error: unknown) => {
        this.searcherPromise = undefined;
        throw error;
      });
    return this.searcherPromise;
  }

  /** Another instance (or this one) changed the knowledge: rebuild in the background if the searcher is older. */
  private onKnowledgeChange(version: number): void {
    // Before the first searcher, or while one is dropped after a local ingest, the next build reads the newest.
    if (!this.searcherPromise || version <= this.newestBuild) return;
    this.startRefresh();
  }

  private startRefresh(): void {
    if (this.stopped) return;
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = this.refresh().finally(() => {
      this.refreshing = undefined;
    });
  }

  /** Resolves once the background rebuild in progress, if any, has ended (swapped in or failed). */
  async refreshed(): Promise<void> {
    while (this.refreshing) await this.refreshing;
  }

  private async refresh(): Promise<void> {
    do {
      this.refreshAgain = false;
      const epoch = this.epoch;
      try {
        const built = await this.build();
        if (epoch === this.epoch && this.searcherPromise) {
          this.searcherPromise = Promise.resolve(built.searcher);
          this.servingVersion = built.version;
          this.logger?.info({ version: built.version, passages: built.searcher.size }, 'knowledge changed: the searcher was rebuilt');
        }
      } catch (error) {
        // The old searcher keeps answering; the rebuild is tried again a little later (the version it was
        // for is not announced twice), or at the next change.
        this.logger?.error({ err: error }, 'could not rebuild the searcher after a knowledge change; trying again shortly');
        this.newestBuild = this.servingVersion;
        if (!this.stopped && !this.retryTimer) {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            if (this.searcherPromise) this.startRefresh();
          }, this.refreshRetryMs);
          this.retryTimer.unref();
        }
        return;
      }
    } while (this.refreshAgain);
  }

  /** Builds a searcher from the store, after any build in progress. */
  private build(): Promise<BuiltSearcher> {
    const next = this.builds.then(() => this.buildSearcher());
    this.builds = next.catch(() => undefined);
    return next;
  }

  private async buildSearcher(): Promise<BuiltSearcher> {
    const started = performance.now();
    // Read before the passages: a change committed in between makes the searcher look older than it is
    // (one needless rebuild), never newer.
    const version = await this.store.version();
    this.newestBuild = Math.max(this.newestBuild, version);
    const passages = await this.store.listPassages();
    const searcher = await HybridSearcher.create({
      passages,
      dictionary: this.loadDictionary(),
      settings: this.settings,
      embeddings: this.embeddings,
      vectorRoot: this.config.vectorDir,
      onRebuild: () => this.logger?.info({ passages: passages.length }, 'rebuilding the vector index'),
    });
    this.logger?.debug({ passages: passages.length, version, ms: Math.round(performance.now() - started) }, 'searcher ready');
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
    return { searcher, version };
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

  /** Stops the search thread and the parse thread, and listening for changes (the storage is the caller's). */
  async stopThreads(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.unsubscribe();
    await Promise.all([this.stopSearchThread(), this.parser.close()]);
    await this.refreshing;
  }

  /** Stops the threads and closes the storage (a database handed to `open` stays open). */
  async close(): Promise<void> {
    await this.stopThreads();
    await this.storage.close();
  }
}
