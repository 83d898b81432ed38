/**
 * Hands out event-loop turns, one at a time, to the steps of answering (starting to handle a stored
 * update; matching and retrieval). Between two such steps the loop polls for I/O, so webhooks that
 * arrive in a burst are read, stored and acknowledged within a step's time instead of after every
 * answer queued before them. Throughput is unchanged: the steps still run back to back while any wait.
 */
export class TurnTaker {
  private readonly waiting: (() => void)[] = [];
  private armed = false;

  /** Resolves at the start of a turn of its own (first come, first served). */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.arm();
    });
  }

  private arm(): void {
    if (this.armed) return;
    this.armed = true;
    setImmediate(this.turn);
  }

  private readonly turn = () => {
    this.armed = false;
    // The step runs in this turn's microtasks; an immediate armed now runs only after the next poll.
    this.waiting.shift()?.();
    if (this.waiting.length > 0) this.arm();
  };
}

/** One per process: the steps of every channel and chat share the one event loop. */
export const answerTurns = new TurnTaker();
