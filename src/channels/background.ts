import type { Logger } from '../logger.js';

/**
 * Work started after a webhook was acknowledged. Errors are logged, never thrown at the platform; the
 * server waits for everything in flight before it closes the database.
 */
export class BackgroundWork {
  private readonly inFlight = new Set<Promise<void>>();
  private accepting = true;

  constructor(private readonly logger?: Logger) {}

  /** Starts `task` now; returns false (and does not start it) once shutdown has begun. */
  run(label: string, task: () => Promise<void>): boolean {
    if (!this.accepting) return false;
    const promise = task()
      .catch((error: unknown) => this.logger?.error({ err: error, task: label }, 'background task failed'))
      .finally(() => this.inFlight.delete(promise));
    this.inFlight.add(promise);
    return true;
  }

  get size(): number {
    return this.inFlight.size;
  }

  /** Stops accepting work and waits for what is running (up to `timeoutMs`). */
  async drain(timeoutMs = 10_000): Promise<void> {
    this.accepting = false;
    const all = Promise.allSettled([...this.inFlight]);
    await Promise.race([all, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }

  /** Waits for everything currently running (for tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}
