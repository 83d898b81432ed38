import type { ChannelAdapter } from '../channels/types.js';
import type { Logger } from '../logger.js';
import { describeStartFailure, platformOf } from './channel-problems.js';

/** Where a channel is: connecting, working, waiting to retry after a transient failure, or given up. */
export type ChannelStatus =
  | { state: 'starting'; since: number; note?: string }
  | { state: 'active' }
  | { state: 'retrying'; reason: string }
  | { state: 'failed'; reason: string }
  | { state: 'stopped' };

export interface ChannelSupervisorOptions {
  logger: Logger;
  /** How long `startAll` waits for the channels before it carries on and says which are still connecting. Default 10 s. */
  patienceMs?: number;
  /** While a channel is still connecting, the log says so again this often. Default 5 minutes. */
  stillConnectingEveryMs?: number;
  /** Waits between attempts after a transient failure (the last one repeats). Default 5 s, 15 s, 30 s, 60 s. */
  retryDelaysMs?: readonly number[];
  now?: () => number;
}

interface Entry {
  adapter: ChannelAdapter;
  status: ChannelStatus;
  attempts: number;
  lastProblem?: string;
  pending?: Promise<void>;
  timer?: NodeJS.Timeout;
}

const DEFAULT_RETRY_DELAYS_MS = [5_000, 15_000, 30_000, 60_000];

/**
 * Starts the channel adapters without letting one bad channel stop the others or the server: a channel
 * whose platform rejects its credentials is marked failed (the log says which variable to fix); one
 * that cannot reach its platform, or fails otherwise, is retried with a growing delay; one that takes
 * long to connect is reported after `patienceMs` while it keeps trying. `health()` gives each channel's
 * state for /healthz.
 */
export class ChannelSupervisor {
  private readonly entries: Entry[];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly patienceMs: number;
  private readonly retryDelaysMs: readonly number[];
  private readonly now: () => number;

  constructor(
    adapters: readonly ChannelAdapter[],
    private readonly options: ChannelSupervisorOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.entries = adapters.map((adapter) => ({ adapter, status: { state: 'starting', since: this.now() }, attempts: 0 }));
    this.patienceMs = options.patienceMs ?? 10_000;
    this.retryDelaysMs = options.retryDelaysMs?.length ? options.retryDelaysMs : DEFAULT_RETRY_DELAYS_MS;
  }

  /** Makes the first attempt for every channel; resolves when all have settled or `patienceMs` has passed. */
  async startAll(): Promise<void> {
    const first = this.entries.map((entry) => this.attempt(entry));
    let patience: NodeJS.Timeout | undefined;
    const waited = new Promise<'late'>((resolve) => {
      patience = setTimeout(() => resolve('late'), this.patienceMs);
    });
    const outcome = await Promise.race([Promise.all(first).then(() => 'settled' as const), waited]);
    clearTimeout(patience);
    if (outcome === 'late') {
      for (const entry of this.entries) if (entry.status.state === 'starting') this.reportStillConnecting(entry);
    }
  }

  /** Each channel's state for /healthz: "active", "starting", "retrying: …", "failed: …", "stopped". */
  health(): { ok: boolean; channels: Record<string, string> } {
    const channels: Record<string, string> = {};
    for (const { adapter, status } of this.entries) {
      channels[adapter.name] =
        status.state === 'retrying' || status.state === 'failed'
          ? `${status.state}: ${status.reason}`
          : status.state === 'starting' && status.note
            ? `starting: ${status.note}`
            : status.state;
    }
    return { ok: this.entries.every((e) => e.status.state === 'active'), channels };
  }

  statusOf(name: string): ChannelStatus | undefined {
    return this.entries.find((e) => e.adapter.name === name)?.status;
  }

  /** Cancels retries and stops every adapter (an attempt still connecting is not waited for). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const { logger } = this.options;
    await Promise.all(
      this.entries.map(async (entry) => {
        entry.status = { state: 'stopped' };
        await entry.adapter.stop().catch((error: unknown) => logger.error({ err: error, channel: entry.adapter.name }, 'channel stop failed'));
      }),
    );
  }

  private attempt(entry: Entry): Promise<void> {
    if (this.stopped) return Promise.resolve();
    entry.attempts += 1;
    const { logger } = this.options;
    const name = entry.adapter.name;
    const pending = entry.adapter.start().then(
      () => {
        if (this.stopped) {
          // It connected after shutdown began: undo it.
          void entry.adapter.stop().catch(() => undefined);
          return;
        }
        const wasDown = entry.attempts > 1 || entry.lastProblem !== undefined;
        entry.status = { state: 'active' };
        entry.lastProblem = undefined;
        logger.info({ channel: name }, 'channel started');
        if (wasDown) logger.info({ channel: name }, `Đã kết nối được ${platformOf(name).name}; kênh hoạt động trở lại.`);
      },
      (error: unknown) => {
        if (this.stopped) return;
        const delay = this.retryDelaysMs[Math.min(entry.attempts - 1, this.retryDelaysMs.length - 1)]!;
        const problem = describeStartFailure(name, error, delay);
        const detail = { channel: name, problem: problem.kind, error: error instanceof Error ? error.message : String(error) };
        if (problem.permanent) {
          entry.status = { state: 'failed', reason: problem.summary };
          logger.error(detail, problem.text);
          return;
        }
        entry.status = { state: 'retrying', reason: problem.summary };
        // Said once per kind of problem, not on every retry.
        if (entry.lastProblem !== problem.summary) logger.warn(detail, problem.text);
        else logger.debug(detail, problem.text);
        entry.lastProblem = problem.summary;
        this.later(delay, () => void this.attempt(entry));
      },
    );
    entry.pending = pending;
    return pending;
  }

  private reportStillConnecting(entry: Entry): void {
    if (this.stopped || entry.status.state !== 'starting') return;
    const platform = platformOf(entry.adapter.name).name;
    const since = entry.status.since;
    const waited = Math.round((this.now() - since) / 1000);
    entry.status = { state: 'starting', since, note: `chưa kết nối được tới ${platform} sau ${waited} giây, đang thử tiếp` };
    this.options.logger.warn(
      { channel: entry.adapter.name, waitedSeconds: waited },
      `Chưa kết nối được tới ${platform} sau ${waited} giây: máy chủ có thể chưa có mạng hoặc không tới được ${platform} (kiểm tra mạng, DNS, tường lửa). ` +
        `Trợ lý vẫn chạy trang web và các kênh khác, và tiếp tục thử kết nối ${platform}.`,
    );
    this.later(this.options.stillConnectingEveryMs ?? 300_000, () => this.reportStillConnecting(entry));
  }

  private later(ms: number, run: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }
}
