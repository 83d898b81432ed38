/**
 * Leadership of a named job among the instances that share one database — a polling loop a platform lets
 * only one client run, e.g. `poll:telegram`: at most one instance holds a name at a time, and when that
 * instance dies (its connection to the database goes with it) the name is free for another.
 *
 * @example
 * if (await lock.tryAcquire('poll:telegram')) startPolling();
 * // …then, every few seconds:
 * if (!(await lock.isHeld('poll:telegram'))) stopPolling();
 */
export interface LeaderLock {
  /**
   * Takes `name` when no instance holds it. True while this instance holds it (also when it already did),
   * false when another instance does. Rejects when the database cannot be reached.
   */
  tryAcquire(name: string): Promise<boolean>;
  /** Whether this instance still holds `name`: false once the connection behind it is lost. */
  isHeld(name: string): Promise<boolean>;
  /** Lets `name` go, so another instance can take it at once (a stopping instance). */
  release(name: string): Promise<void>;
  /** Calls `listener` when every lock held is lost at once (their connection broke). Returns the unsubscribe. */
  onLost(listener: () => void): () => void;
  /** Lets every name go and closes the connection. */
  close(): Promise<void>;
}

/** One process alone on its database (SQLite): every name is always held. */
export class SingleInstanceLock implements LeaderLock {
  async tryAcquire(): Promise<boolean> {
    return true;
  }

  async isHeld(): Promise<boolean> {
    return true;
  }

  async release(): Promise<void> {}

  onLost(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {}
}
