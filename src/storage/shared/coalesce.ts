/** Items per statement at most (a longer queue takes several, one after the other). */
const MAX_BATCH = 200;

interface Waiting<K, V> {
  item: K;
  resolve(value: V): void;
  reject(error: unknown): void;
}

/**
 * At most one statement on the way at a time; the items given meanwhile go together in the next. Alone,
 * an item goes at once, as by a plain query; under load, when each round trip waits for the CPU, one
 * statement carries every item that came in during the last. (The inbox's writes batch by event-loop
 * turn instead: they arrive in bursts, while these come one per answered message.)
 *
 * @example
 * const waiting = new Coalescer<Chat, boolean>(async (chats) => chats.map((c) => found.has(keyOf(c))), 200);
 * await waiting.add({ channel: 'telegram', chatId: '42' }); // true or false
 */
export class Coalescer<K, V> {
  private queue: Waiting<K, V>[] = [];
  private busy = false;

  /** `run` answers the items' values in their order; `maxBatch` items per call at most. */
  constructor(
    private readonly run: (items: K[]) => Promise<V[]>,
    private readonly maxBatch = MAX_BATCH,
  ) {}

  add(item: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.busy) this.next();
    });
  }

  private next(): void {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.busy = true;
    this.run(batch.map((w) => w.item))
      .then(
        (values) => batch.forEach((w, i) => w.resolve(values[i]!)),
        (error: unknown) => batch.forEach((w) => w.reject(error)),
      )
      .finally(() => {
        this.busy = false;
        this.next();
      });
  }
}
