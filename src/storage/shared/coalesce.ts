/** Items per statement at most, unless told (a longer queue takes several). */
const MAX_BATCH = 200;

interface Waiting<K, V> {
  item: K;
  resolve(value: V): void;
  reject(error: unknown): void;
}

/**
 * Items given in the same event-loop turn go to the database in one statement. With `oneAtATime`, also
 * never two statements on the way at once: the items given while one is go together in the next, so
 * under load, when each round trip waits for the CPU, a statement carries every item that came in during
 * the last. Without it (the inbox's stores, whose acknowledgements wait for them), each turn's items go
 * at once.
 *
 * @example
 * const waiting = new Coalescer<Chat, boolean>(async (chats) => chats.map((c) => found.has(keyOf(c))), { oneAtATime: true });
 * await waiting.add({ channel: 'telegram', chatId: '42' }); // true or false
 */
export class Coalescer<K, V> {
  private queue: Waiting<K, V>[] = [];
  private scheduled = false;
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly oneAtATime: boolean;

  /** `run` answers the items' values in their order. */
  constructor(
    private readonly run: (items: K[]) => Promise<V[]>,
    options: { maxBatch?: number; oneAtATime?: boolean } = {},
  ) {
    this.maxBatch = options.maxBatch ?? MAX_BATCH;
    this.oneAtATime = options.oneAtATime ?? false;
  }

  add(item: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    });
  }

  private flush(): void {
    while (this.queue.length > 0 && !(this.oneAtATime && this.inFlight > 0)) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight += 1;
      this.run(batch.map((w) => w.item))
        .then(
          (values) => batch.forEach((w, i) => w.resolve(values[i]!)),
          (error: unknown) => batch.forEach((w) => w.reject(error)),
        )
        .finally(() => {
          this.inFlight -= 1;
          if (this.oneAtATime) this.flush();
        });
    }
  }
}
