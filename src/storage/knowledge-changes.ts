/**
 * How instances that share one database learn that its knowledge changed, so each rebuilds the search
 * index it keeps in memory. The version is the store's knowledge version (KnowledgeStore.version()).
 */
export type Unsubscribe = () => void;

export interface KnowledgeChanges {
  /** Tells every instance (this one included) that the knowledge is now at `version`; call it after the commit. */
  published(version: number): Promise<void>;
  /**
   * Calls `onChange` with each newer version seen (published here, announced by another instance, or found
   * by a version check); a version is never reported twice, but one may be skipped for a later one.
   */
  subscribe(onChange: (version: number) => void): Unsubscribe;
  /** Stops listening and checking. */
  close(): Promise<void>;
}

export interface VersionCheck {
  /** Reads the current knowledge version from the database. */
  version(): Promise<number>;
  /** How often (default: never). */
  intervalMs: number;
  /** A failed check (the database unreachable): logged by the caller; the next check tries again. */
  onError?: (error: unknown) => void;
}

/**
 * Knowledge changes within one process (what one SQLite instance needs), and the shared part of the
 * other engines' implementations: the listeners, the highest version seen, and an optional periodic
 * version check.
 */
export class InProcessKnowledgeChanges implements KnowledgeChanges {
  private readonly listeners = new Set<(version: number) => void>();
  private highest = -1;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private checkAgain = false;
  protected closed = false;

  constructor(private readonly check?: VersionCheck) {
    if (check && check.intervalMs > 0) {
      this.timer = setInterval(() => void this.checkNow(), check.intervalMs);
      this.timer.unref();
    }
  }

  async published(version: number): Promise<void> {
    this.seen(version);
  }

  subscribe(onChange: (version: number) => void): Unsubscribe {
    this.listeners.add(onChange);
    return () => {
      this.listeners.delete(onChange);
    };
  }

  /**
   * Reads the version now and reports it if it is newer. One check runs at a time; a check asked for
   * while one runs is made again after it (that one may have read before the change being announced).
   */
  checkNow(): Promise<void> {
    const check = this.check;
    if (!check || this.closed) return Promise.resolve();
    if (this.checking) {
      this.checkAgain = true;
      return this.checking;
    }
    this.checking = (async () => {
      do {
        this.checkAgain = false;
        try {
          this.seen(await check.version());
        } catch (error) {
          check.onError?.(error);
        }
      } while (this.checkAgain && !this.closed);
    })().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  /** Reports `version` to the listeners if no higher one was reported before. */
  protected seen(version: number): void {
    if (this.closed || !(version > this.highest)) return;
    this.highest = version;
    for (const listener of [...this.listeners]) {
      try {
        listener(version);
      } catch {
        // A listener's failure is its own business; the others still hear of the change.
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.listeners.clear();
    await this.checking;
  }
}
