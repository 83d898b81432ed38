import type { ChannelAdapter } from '../channels/types.js';
import type { Logger } from '../logger.js';
import { SingleInstanceLock, type LeaderLock } from '../storage/leader-lock.js';
import { describeStartFailure, platformOf } from './channel-problems.js';

/** Where a channel is: connecting, working, waiting to retry after a transient failure, or given up. */
export type ChannelStatus =
  | { state: 'starting'; since: number; note?: string }
  | { state: 'active' }
  | { state: 'retrying'; reason: string }
  | { state: 'failed'; reason: string }
  /** A polling channel another instance runs (or whose lock cannot be checked now): this one takes over when it can. */
  | { state: 'standby'; reason: string }
  | { state: 'stopped' };

export interface ChannelSupervisorOptions {
  logger: Logger;
  /** How long `startAll` waits for the channels before it carries on and says which are still connecting. Default 10 s. */
  patienceMs?: number;
  /** While a channel is still connecting, the log says so again this often. Default 5 minutes. */
  stillConnectingEveryMs?: number;
  /** Waits between attempts after a transient failure (the last one repeats). Default 5 s, 15 s, 30 s, 60 s. */
  retryDelaysMs?: readonly number[];
  /**
   * Who runs a polling channel among the instances sharing the database (see ChannelAdapter.polling).
   * Default: this process alone (SQLite).
   */
  lock?: LeaderLock;
  /** While another instance polls, this one tries to take the lock this often. Default 10 s. */
  lockRetryMs?: number;
  /** While this instance polls, it checks it still holds the lock this often. Default 10 s. */
  lockCheckMs?: number;
  now?: () => number;
}

interface Entry {
  adapter: ChannelAdapter;
  status: ChannelStatus;
  attempts: number;
  lastProblem?: string;
  pending?: Promise<void>;
  timer?: NodeJS.Timeout;
  /** The leader lock a polling channel runs under. */
  lockName?: string;
  /** This instance holds `lockName`: the channel may run. */
  leading?: boolean;
  /** Bumped each time the lock is taken, so a check scheduled under an earlier hold stops. */
  term?: number;
}

const DEFAULT_RETRY_DELAYS_MS = [5_000, 15_000, 30_000, 60_000];

/**
 * Starts the channel adapters without letting one bad channel stop the others or the server: a channel
 * whose platform rejects its credentials is marked failed (the log says which variable to fix); one
 * that cannot reach its platform, or fails otherwise, is retried with a growing delay; one that takes
 * long to connect is reported after `patienceMs` while it keeps trying. `health()` gives each channel's
 * state for /healthz.
 *
 * A polling channel runs on one instance at a time: it is started only once this instance holds its
 * leader lock (`poll:<channel>`; the others stand by and try again every `lockRetryMs`), and stopped as
 * soon as the lock is lost (its database connection broke) — then this instance stands by in turn.
 */
export class ChannelSupervisor {
  private readonly entries: Entry[];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly patienceMs: number;
  private readonly retryDelaysMs: readonly number[];
  private readonly now: () => number;
  private readonly lock: LeaderLock;
  private readonly unsubscribeLost: () => void;

  constructor(
    adapters: readonly ChannelAdapter[],
    private readonly options: ChannelSupervisorOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.entries = adapters.map((adapter) => ({
      adapter,
      status: { state: 'starting', since: this.now() },
      attempts: 0,
      ...(adapter.polling && { lockName: `poll:${adapter.name}`, leading: false, term: 0 }),
    }));
    this.patienceMs = options.patienceMs ?? 10_000;
    this.retryDelaysMs = options.retryDelaysMs?.length ? options.retryDelaysMs : DEFAULT_RETRY_DELAYS_MS;
    this.lock = options.lock ?? new SingleInstanceLock();
    this.unsubscribeLost = this.lock.onLost(() => {
      for (const entry of this.entries) if (entry.leading) void this.checkLead(entry, entry.term!);
    });
  }

  /** Makes the first attempt for every channel; resolves when all have settled or `patienceMs` has passed. */
  async startAll(): Promise<void> {
    const first = this.entries.map((entry) => (entry.lockName ? this.lead(entry) : this.attempt(entry)));
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

  /**
   * Each channel's state for /healthz: "active", "starting", "retrying: …", "failed: …", "standby: …",
   * "stopped". A channel standing by while another instance polls is not a problem.
   */
  health(): { ok: boolean; channels: Record<string, string> } {
    const channels: Record<string, string> = {};
    for (const { adapter, status } of this.entries) {
      channels[adapter.name] =
        status.state === 'retrying' || status.state === 'failed' || status.state === 'standby'
          ? `${status.state}: ${status.reason}`
          : status.state === 'starting' && status.note
            ? `starting: ${status.note}`
            : status.state;
    }
    return { ok: this.entries.every((e) => e.status.state === 'active' || e.status.state === 'standby'), channels };
  }

  statusOf(name: string): ChannelStatus | undefined {
    return this.entries.find((e) => e.adapter.name === name)?.status;
  }

  /**
   * Cancels retries and stops every adapter (an attempt still connecting is not waited for); the polling
   * channels' locks are let go, so another instance takes over at once.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribeLost();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const { logger } = this.options;
    await Promise.all(
      this.entries.map(async (entry) => {
        entry.status = { state: 'stopped' };
        await entry.adapter.stop().catch((error: unknown) => logger.error({ err: error, channel: entry.adapter.name }, 'channel stop failed'));
        if (entry.leading) {
          entry.leading = false;
          await this.lock.release(entry.lockName!).catch((error: unknown) => logger.warn({ err: error, channel: entry.adapter.name }, 'could not release the polling lock'));
        }
      }),
    );
  }

  /** A polling channel: starts it once this instance holds its lock; until then it stands by and tries again. */
  private async lead(entry: Entry): Promise<void> {
    if (this.stopped || entry.leading) return;
    const { logger } = this.options;
    const name = entry.adapter.name;
    const platform = platformOf(name).name;
    let held = false;
    let standby = `máy khác đang nhận tin ${platform}; máy này sẽ nhận thay nếu máy kia dừng`;
    let note = `Một máy khác đang nhận tin ${platform} (polling); máy này chờ và sẽ nhận thay nếu máy kia dừng.`;
    let failure: unknown;
    try {
      held = await this.lock.tryAcquire(entry.lockName!);
    } catch (error) {
      failure = error;
      standby = `chưa kiểm tra được máy nào đang nhận tin ${platform} (cơ sở dữ liệu không trả lời); đang thử lại`;
      note = `Chưa kiểm tra được máy nào đang nhận tin ${platform}: không kết nối được cơ sở dữ liệu. Máy này chưa nhận tin ${platform} và sẽ thử lại.`;
    }
    if (this.stopped) {
      if (held) await this.lock.release(entry.lockName!).catch(() => undefined);
      return;
    }
    if (!held) {
      // Said once per change, not on every try.
      if (entry.status.state !== 'standby' || entry.status.reason !== standby) {
        if (failure) logger.warn({ channel: name, err: failure }, note);
        else logger.info({ channel: name }, note);
      }
      entry.status = { state: 'standby', reason: standby };
      this.later(this.options.lockRetryMs ?? 10_000, () => void this.lead(entry));
      return;
    }
    const takingOver = entry.status.state === 'standby';
    entry.leading = true;
    entry.term! += 1;
    entry.status = { state: 'starting', since: this.now() };
    if (takingOver) logger.warn({ channel: name }, `Máy này bắt đầu nhận tin ${platform} (polling): không còn máy nào khác nhận.`);
    this.scheduleLeadCheck(entry, entry.term!);
    await this.attempt(entry);
  }

  private scheduleLeadCheck(entry: Entry, term: number): void {
    this.later(this.options.lockCheckMs ?? 10_000, () => void this.checkLead(entry, term));
  }

  /** Still holding the lock: check again later. Lost: stop polling at once and stand by. */
  private async checkLead(entry: Entry, term: number): Promise<void> {
    if (this.stopped || !entry.leading || entry.term !== term) return;
    const held = await this.lock.isHeld(entry.lockName!).catch(() => false);
    if (this.stopped || !entry.leading || entry.term !== term) return;
    if (held) {
      this.scheduleLeadCheck(entry, term);
      return;
    }
    const name = entry.adapter.name;
    const platform = platformOf(name).name;
    entry.leading = false;
    entry.status = { state: 'standby', reason: `máy này mất quyền nhận tin ${platform} (mất kết nối tới cơ sở dữ liệu); đang thử nhận lại` };
    this.options.logger.warn(
      { channel: name },
      `Máy này mất quyền nhận tin ${platform} (mất kết nối tới cơ sở dữ liệu): đã dừng nhận tin để không trùng với máy khác; sẽ thử nhận lại.`,
    );
    await entry.adapter.stop().catch((error: unknown) => this.options.logger.error({ err: error, channel: name }, 'channel stop failed'));
    this.later(this.options.lockRetryMs ?? 10_000, () => void this.lead(entry));
  }

  private attempt(entry: Entry): Promise<void> {
    // A polling channel whose lock went meanwhile is not started (again) here.
    if (this.stopped || (entry.lockName && !entry.leading)) return Promise.resolve();
    entry.attempts += 1;
    const { logger } = this.options;
    const name = entry.adapter.name;
    const pending = entry.adapter.start().then(
      () => {
        if (this.stopped || (entry.lockName && !entry.leading)) {
          // It connected after shutdown began, or after its lock was lost: undo it.
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
        if (this.stopped || (entry.lockName && !entry.leading)) return;
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
