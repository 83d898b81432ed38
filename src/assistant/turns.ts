/**
 * When the steps of answering may run: the assistant and the channels' intake share one, injected by
 * the app. `TurnTaker` is the server's; `immediateTurns` lets every step run at once (tools and tests
 * that serve no webhooks).
 */
export interface TurnScheduler {
  /** Resolves when the caller's step may start. */
  next(): Promise<void>;
  /** Holds back the steps while webhooks are being stored, until the returned function is called. */
  hold(): () => void;
}

/** Every step at once: for a process that acknowledges no webhooks. */
export const immediateTurns: TurnScheduler = {
  next: () => Promise.resolve(),
  hold: () => () => undefined,
};

/**
 * Hands out event-loop turns, one at a time, to the steps of answering (starting to handle a stored
 * update; matching and retrieval; what follows the search and the model). Between two such steps the
 * loop polls for I/O, so webhooks that arrive in a burst are read, stored and acknowledged within a
 * step's time instead of after every answer queued before them. Throughput is unchanged: the steps still
 * run back to back while any wait.
 *
 * While webhooks are being stored (`hold`), no step starts at all, for at most `maxHoldMs` in a row:
 * in a burst of deliveries the acknowledgements go first, the answers right after. Under a load that
 * never lets the holds drop to zero, steps run again once that time is up.
 */
export class TurnTaker implements TurnScheduler {
  private readonly waiting: (() => void)[] = [];
  private armed = false;
  private holds = 0;
  private heldSince = 0;
  private holdTimer: NodeJS.Timeout | undefined;

  constructor(private readonly maxHoldMs = 20) {}

  /** Resolves at the start of a turn of its own (first come, first served). */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.arm();
    });
  }

  /** Holds back the steps until the returned function is called (each hold once; holds nest). */
  hold(): () => void {
    if (this.holds++ === 0) this.heldSince = performance.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds -= 1;
      if (this.holds === 0) {
        clearTimeout(this.holdTimer);
        this.holdTimer = undefined;
        this.arm();
      }
    };
  }

  private arm(): void {
    if (this.armed || this.waiting.length === 0 || this.holdTimer) return;
    this.armed = true;
    setImmediate(this.turn);
  }

  private readonly turn = () => {
    this.armed = false;
    const heldFor = this.holds > 0 ? performance.now() - this.heldSince : Infinity;
    if (heldFor < this.maxHoldMs) {
      // Released early by the last hold, or by this timer when the holds outlast it.
      this.holdTimer = setTimeout(() => {
        this.holdTimer = undefined;
        this.heldSince = Number.NEGATIVE_INFINITY;
        this.arm();
      }, this.maxHoldMs - heldFor);
      return;
    }
    // The step runs in this turn's microtasks; an immediate armed now runs only after the next poll.
    this.waiting.shift()?.();
    this.arm();
  };
}
