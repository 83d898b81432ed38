import { rm } from 'node:fs/promises';
import type { KnowledgeBase } from '../../../knowledge/knowledge-base.js';
import type { IngestReport } from '../../../knowledge/ingest.js';
import type { Logger } from '../../../logger.js';
import { resolveInside, sidecarCandidates, UPLOADS_FOLDER } from './files.js';

/** What `GET /console/knowledge/reindex/progress` returns. */
export interface IndexProgress {
  state: 'idle' | 'running' | 'done' | 'failed';
  /** 'ingest' while files are read, 'index' while the search indexes are rebuilt. */
  phase?: 'ingest' | 'index';
  trigger?: string;
  done: number;
  total: number;
  file: string;
  /** The scan being read by OCR, page by page. */
  scan?: { file: string; pagesDone: number; pagesTotal: number };
  startedAt?: string;
  finishedAt?: string;
  report?: Pick<IngestReport, 'added' | 'changed' | 'removed' | 'failed' | 'awaitingReview' | 'chunksWritten'>;
  error?: string;
}

/**
 * Runs knowledge ingests one at a time (an upload arriving during a re-index waits for it, then runs
 * its own pass over the folder) and keeps the progress of the latest for the progress endpoint.
 */
export class IndexJobs {
  private current: IndexProgress = { state: 'idle', done: 0, total: 0, file: '' };
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly kb: KnowledgeBase,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  progress(): IndexProgress {
    return { ...this.current };
  }

  get running(): boolean {
    return this.current.state === 'running';
  }

  /** Queues an ingest of the knowledge folder followed by a rebuild of the searcher; resolves with its report. */
  run(trigger: string): Promise<IngestReport> {
    const job = this.queue.then(() => this.runNow(trigger));
    this.queue = job.catch(() => undefined);
    return job;
  }

  private async runNow(trigger: string): Promise<IngestReport> {
    this.current = { state: 'running', phase: 'ingest', trigger, done: 0, total: 0, file: '', startedAt: this.now().toISOString() };
    try {
      const report = await this.kb.ingest({
        onProgress: (done, total, file) => {
          this.current = { ...this.current, done, total, file, scan: undefined };
        },
        onScanProgress: (file, { pagesDone, pagesTotal }) => {
          this.current = { ...this.current, scan: { file, pagesDone, pagesTotal } };
        },
      });
      await this.removeRefusedUploads(report);
      this.current = { ...this.current, phase: 'index', file: '', scan: undefined };
      await this.kb.searcher();
      const { added, changed, removed, failed, awaitingReview, chunksWritten } = report;
      this.current = { ...this.current, state: 'done', finishedAt: this.now().toISOString(), report: { added, changed, removed, failed, awaitingReview, chunksWritten } };
      this.logger.info({ trigger, added: added.length, changed: changed.length, removed: removed.length, failed: failed.length }, 'knowledge re-indexed from the console');
      return report;
    } catch (error) {
      this.current = { ...this.current, state: 'failed', finishedAt: this.now().toISOString(), error: error instanceof Error ? error.message : String(error) };
      this.logger.error({ err: error, trigger }, 'knowledge re-index failed');
      throw error;
    }
  }

  /**
   * Files of the console's `uploads/` folder that the parse thread refused (over its time or memory
   * limit, a zip bomb…) are removed with their sidecars, so that no later re-index reads them again.
   * The admin's own folders are left alone: there a refusal is only reported.
   */
  private async removeRefusedUploads(report: IngestReport): Promise<void> {
    for (const failure of report.failed) {
      if (!failure.refused || !failure.file.startsWith(`${UPLOADS_FOLDER}/`)) continue;
      const file = resolveInside(this.kb.knowledgeDir, failure.file);
      if (!file) continue;
      for (const candidate of [file, ...sidecarCandidates(file)]) await rm(candidate, { force: true });
      this.logger.warn({ file: failure.file, reason: failure.reason }, 'refused upload removed from the knowledge folder');
    }
  }
}
