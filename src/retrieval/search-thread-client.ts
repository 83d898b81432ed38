import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import type { RankedResult, ThreadRanker } from './search-results.js';
import type { FromSearchThread, SearcherSnapshot, ToSearchThread } from './search-thread-protocol.js';

/**
 * A worker thread (src/retrieval/search-thread.ts) that searches a copy of the current searcher. The
 * server's main thread acknowledges webhooks and sends replies; scoring was about a quarter of its
 * work per answer and, at a few hundred updates a second, the cause of its queueing. The copy doubles
 * the index's memory (SEARCH_THREAD=false turns it off). Every failure — not loaded yet, a newer
 * snapshot, an error, the thread gone — answers `undefined`, and the caller searches on its own thread.
 */
export class SearchThread implements ThreadRanker {
  private readonly worker: Worker;
  private readonly calls = new Map<number, (result: RankedResult | undefined) => void>();
  private nextId = 1;
  private loaded = -1;
  private alive = true;
  private readonly settled = new Map<number, boolean>();
  private readonly waiters: (() => void)[] = [];
  /** Searches the thread answered (the others fell back to the caller's thread). */
  answered = 0;

  constructor(private readonly logger?: Logger) {
    this.worker = new Worker(new URL('./search-thread.mjs', import.meta.url));
    this.worker.unref();
    this.worker.on('message', (message: FromSearchThread) => this.onMessage(message));
    this.worker.on('error', (error) => this.logger?.error({ err: error }, 'search thread failed; searching on the main thread'));
    this.worker.on('exit', () => {
      this.alive = false;
      for (const resolve of [...this.calls.values()]) resolve(undefined);
      this.wake();
    });
  }

  /** Hands the thread a new snapshot; searches of older generations are answered `undefined` from then on. */
  load(snapshot: SearcherSnapshot): void {
    if (this.alive) this.worker.postMessage({ type: 'load', ...snapshot } satisfies ToSearchThread);
  }

  search(generation: number, query: string, k: number): Promise<RankedResult | undefined> {
    if (!this.alive || this.loaded !== generation) return Promise.resolve(undefined);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.calls.set(id, (result) => {
        this.calls.delete(id);
        if (this.calls.size === 0) this.worker.unref();
        resolve(result);
      });
      // Referenced while a call is pending, so a process waiting for it does not exit under it.
      this.worker.ref();
      this.worker.postMessage({ type: 'search', id, generation, query, k } satisfies ToSearchThread);
    });
  }

  /** Whether the thread took the snapshot of `generation` (false: it failed, or the thread is gone). */
  async ready(generation: number): Promise<boolean> {
    while (this.alive && !this.settled.has(generation)) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.settled.get(generation) ?? false;
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  async close(): Promise<void> {
    this.alive = false;
    await this.worker.terminate();
  }

  private onMessage(message: FromSearchThread): void {
    switch (message.type) {
      case 'loaded':
        this.loaded = message.generation;
        this.settled.set(message.generation, true);
        this.wake();
        this.logger?.debug({ generation: message.generation }, 'search thread ready');
        return;
      case 'load_failed':
        this.settled.set(message.generation, false);
        this.wake();
        this.logger?.error({ generation: message.generation, error: message.message }, 'search thread could not load the index; searching on the main thread');
        return;
      case 'hits': {
        const { type: _type, id, ...result } = message;
        this.answered += 1;
        this.calls.get(id)?.(result);
        return;
      }
      case 'stale':
        this.calls.get(message.id)?.(undefined);
        return;
      case 'error':
        this.logger?.warn({ error: message.message }, 'search thread failed a search; searching on the main thread');
        this.calls.get(message.id)?.(undefined);
    }
  }
}
