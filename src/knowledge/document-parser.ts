import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import { docxXmlLimitsFor } from './docx-text.js';
import { DocumentLoadError } from './load-error.js';
import type { LoadLimits } from './loaders.js';
import { pdfInflateLimitFor } from './pdf-streams.js';
import type { FromParseThread, ParseRequest } from './parse-thread.js';
import type { Chunk, LoadedDocument } from './types.js';

/** How much one parse may cost: the parse thread's heap, and the time of one file. */
export interface ParseLimits {
  /** MiB of JavaScript heap for the parse thread (`PARSE_MEMORY_MB`). */
  memoryMb: number;
  /** Milliseconds one file may take (`PARSE_TIMEOUT_SECONDS`). */
  timeoutMs: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { memoryMb: 256, timeoutMs: 30_000 };

export interface ParsedDocument {
  doc: LoadedDocument;
  /** The chunks, when `chunkMaxChars` was given. */
  chunks?: Chunk[];
}

const MiB = 1024 * 1024;
/** How often the process's resident memory is sampled during a parse. */
const WATCH_MS = 25;
/** How long the thread may take to start (load tsx, mammoth, …) before a parse gives up. */
const START_TIMEOUT_MS = 60_000;
/** An idle thread is stopped after this long (the next file starts a new one). */
const IDLE_MS = 30_000;

interface Thread {
  worker: Worker;
  ready: Promise<void>;
}

/**
 * Loads (and chunks) knowledge files in a worker thread (src/knowledge/parse-thread.ts) with a heap cap
 * and a time limit, one file at a time. A file that runs over either — or whose buffers, which the heap
 * cap does not cover, grow the process by more than twice the cap — has its thread stopped, and is
 * refused with a Vietnamese reason ({@link DocumentLoadError} with `refused`); the next file gets a fresh
 * thread. The server's thread only waits: an upload can neither stop nor stall it.
 *
 * @example
 * const parser = new DocumentParser({ memoryMb: 256, timeoutMs: 30_000 })
 * const { doc, chunks } = await parser.parse('/srv/knowledge/uploads/x.docx', '/srv/knowledge', { chunkMaxChars: 1200 })
 */
export class DocumentParser {
  private thread: Thread | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private busy = 0;
  private closed = false;
  private readonly loadLimits: LoadLimits;

  constructor(
    readonly limits: ParseLimits = DEFAULT_PARSE_LIMITS,
    private readonly options: { logger?: Logger; idleMs?: number; loadLimits?: Partial<LoadLimits> } = {},
  ) {
    // The loader's own checks scale with the heap, so that what passes them fits in it (`loadLimits` overrides them).
    this.loadLimits = { ...docxXmlLimitsFor(limits.memoryMb), maxPdfInflatedBytes: pdfInflateLimitFor(limits.memoryMb), ...options.loadLimits };
  }

  /**
   * Loads `absPath` (relative names are taken from `rootDir`), and chunks it when `chunkMaxChars` is given.
   *
   * @throws {DocumentLoadError} what the loader reports, or a refusal (`refused`) for a file over the limits.
   * @throws {Error} when the parse thread cannot start, or the parser was closed.
   */
  parse(absPath: string, rootDir: string, options: { chunkMaxChars?: number; scanText?: string } = {}): Promise<ParsedDocument> {
    this.busy += 1;
    clearTimeout(this.idleTimer);
    const run = this.tail.then(() => this.parseNow(absPath, rootDir, options.chunkMaxChars, options.scanText));
    this.tail = run.catch(() => undefined);
    return run.finally(() => {
      this.busy -= 1;
      if (this.busy === 0) this.idle();
    });
  }

  /** Stops the thread; parses under way fail (not as refusals), later ones are refused to run. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const thread = this.thread;
    this.thread = undefined;
    await thread?.worker.terminate();
  }

  private async parseNow(absPath: string, rootDir: string, chunkMaxChars: number | undefined, scanText: string | undefined): Promise<ParsedDocument> {
    if (this.closed) throw new Error('the document parser is closed');
    const file = path.relative(path.resolve(rootDir), path.resolve(absPath)).split(path.sep).join('/');
    const thread = await this.start();
    const { worker } = thread;
    const id = this.nextId++;
    const { memoryMb, timeoutMs } = this.limits;

    return new Promise<ParsedDocument>((resolve, reject) => {
      const startRss = process.memoryUsage.rss();
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(watch);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        outcome();
      };
      const refuse = (reason: string, detail: Record<string, unknown>) => {
        this.discard(thread);
        this.options.logger?.warn({ file, ...detail }, 'knowledge file refused by the parse thread');
        settle(() => reject(new DocumentLoadError(file, reason, { refused: true })));
      };
      const overMemory = () =>
        `đọc tệp cần hơn ${memoryMb} MB bộ nhớ, vượt giới hạn của luồng đọc tài liệu (PARSE_MEMORY_MB); tệp quá lớn, hoặc được dựng để làm tràn bộ nhớ`;

      const onMessage = (message: FromParseThread) => {
        if (message.type === 'parsed' && message.id === id) {
          settle(() => resolve({ doc: message.doc, chunks: message.chunks }));
        } else if (message.type === 'failed' && message.id === id) {
          settle(() => reject(new DocumentLoadError(message.file || file, message.reason, { refused: message.refused, needsOcr: message.needsOcr })));
        }
      };
      const onError = (error: Error & { code?: string }) => {
        if (this.closed) return settle(() => reject(new Error('the document parser was closed during the parse')));
        if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') return refuse(overMemory(), { limit: 'heap', memoryMb });
        refuse(`luồng đọc tài liệu dừng bất thường khi đọc tệp này (${error.message})`, { err: error });
      };
      const onExit = (code: number) => {
        if (this.closed) return settle(() => reject(new Error('the document parser was closed during the parse')));
        refuse(`luồng đọc tài liệu dừng bất thường khi đọc tệp này (mã thoát ${code})`, { exitCode: code });
      };
      const timer = setTimeout(() => {
        const seconds = (timeoutMs / 1000).toLocaleString('vi-VN', { maximumFractionDigits: 1 });
        refuse(
          `đọc tệp mất hơn ${seconds} giây, vượt giới hạn thời gian của luồng đọc tài liệu (PARSE_TIMEOUT_SECONDS); tệp quá lớn, hoặc được dựng để làm treo máy chủ`,
          { limit: 'time', timeoutMs },
        );
      }, timeoutMs);
      // Buffers (typed arrays) live outside the heap the cap limits: watch the process as a whole.
      const watch = setInterval(() => {
        const growth = process.memoryUsage.rss() - startRss;
        if (growth > 2 * memoryMb * MiB) refuse(overMemory(), { limit: 'rss', growthMb: Math.round(growth / MiB), memoryMb });
      }, WATCH_MS);
      timer.unref();
      watch.unref();

      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.ref();
      worker.postMessage({ id, absPath, rootDir, limits: this.loadLimits, chunkMaxChars, scanText } satisfies ParseRequest);
    });
  }

  /** The running thread, or a new one once it says it is ready. */
  private async start(): Promise<Thread> {
    if (this.thread) {
      await this.thread.ready;
      return this.thread;
    }
    const worker = new Worker(new URL('./parse-thread.mjs', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: this.limits.memoryMb, stackSizeMb: 4 },
    });
    const ready = new Promise<void>((resolve, reject) => {
      const fail = (error: Error) => {
        clearTimeout(timer);
        worker.off('message', onReady);
        if (this.thread?.worker === worker) this.thread = undefined;
        void worker.terminate();
        reject(error);
      };
      const onReady = (message: FromParseThread) => {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        worker.off('error', onStartError).off('exit', onStartExit);
        resolve();
      };
      const onStartError = (error: Error) => fail(new Error(`the parse thread could not start: ${error.message}`, { cause: error }));
      const onStartExit = (code: number) => fail(new Error(`the parse thread exited while starting (code ${code})`));
      const timer = setTimeout(() => fail(new Error(`the parse thread did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      timer.unref();
      worker.on('message', onReady).once('error', onStartError).once('exit', onStartExit);
    });
    // An 'error' event without a listener would be thrown on this thread: each parse listens for its own.
    worker.on('error', () => undefined);
    const thread = { worker, ready };
    // A thread that ends for any reason is not used again.
    worker.once('exit', () => {
      if (this.thread === thread) this.thread = undefined;
    });
    this.thread = thread;
    await ready;
    return thread;
  }

  /** Stops a thread that went over a limit (its memory goes with it); the next parse starts another. */
  private discard(thread: Thread): void {
    if (this.thread === thread) this.thread = undefined;
    void thread.worker.terminate();
  }

  /** No parse waiting: let the process exit without the thread, and stop it after a while. */
  private idle(): void {
    const thread = this.thread;
    if (!thread) return;
    thread.worker.unref();
    this.idleTimer = setTimeout(() => {
      if (this.busy === 0 && this.thread === thread) {
        this.thread = undefined;
        void thread.worker.terminate();
      }
    }, this.options.idleMs ?? IDLE_MS);
    this.idleTimer.unref();
  }
}
