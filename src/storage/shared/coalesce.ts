/** Rows per statement at most (a longer queue takes several, one after the other). */
const MAX_BATCH = 200;

interface Waiting<K, V> {
  key: K;
  resolve(value: V): void;
  reject(error: unknown): void;
}

/**
 * At most one read on the way at a time; the keys asked for meanwhile are read together by the next.
 * Alone, a key is read at once, as by a plain query; under load, when each round trip waits for the
 * CPU, one statement carries every key that came in during it. (The inbox's writes batch by event-loop
 * turn instead: they arrive in bursts, this read comes one per answered message.)
 *
 * @example
 * const waiting = new Coalescer<Chat, boolean>(async (chats) => chats.map((c) => found.has(keyOf(c))));
 * await waiting.get({ channel: 'telegram', chatId: '42' }); // true or false
 */
export class Coalescer<K, V> {
  private queue: Waiting<K, V>[] = [];
  private reading = false;

  /** `read` answers the keys' values in their order. */
  constructor(private readonly read: (keys: K[]) => Promise<V[]>) {}

  get(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      this.queue.push({ key, resolve, reject });
      if (!this.reading) this.next();
    });
  }

  private next(): void {
    const batch = this.queue.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    this.reading = true;
    this.read(batch.map((w) => w.key))
      .then(
        (values) => batch.forEach((w, i) => w.resolve(values[i]!)),
        (error: unknown) => batch.forEach((w) => w.reject(error)),
      )
      .finally(() => {
        this.reading = false;
        this.next();
      });
  }
}
