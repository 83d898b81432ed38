import pg from 'pg';

/**
 * Counts the statements this process sends to PostgreSQL, by SQL text (whitespace folded), for the load
 * bench's BENCH_COUNT_QUERIES: how many round trips an update costs.
 */
export function countQueries(): { reset(): void; report(): string } {
  let counts = new Map<string, number>();
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string } | null)?.text ?? '?');
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 140);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return original.apply(this, args);
  } as typeof pg.Client.prototype.query;
  return {
    reset: () => (counts = new Map()),
    report: () => {
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      const lines = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([sql, n]) => `${String(n).padStart(7)}  ${sql}`);
      return [`${String(total).padStart(7)}  (all)`, ...lines].join('\n');
    },
  };
}
