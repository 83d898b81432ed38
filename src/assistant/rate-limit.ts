/** A sliding one-minute window of questions per asker, so that one chat cannot starve the others. */
export class QuestionRateLimiter {
  private readonly recent = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a question; returns 0 when allowed, else how many seconds to wait. */
  take(key: string): number {
    if (this.perMinute <= 0) return 0;
    const now = this.now();
    const window = (this.recent.get(key) ?? []).filter((t) => now - t < 60_000);
    if (window.length >= this.perMinute) {
      this.recent.set(key, window);
      return Math.max(1, Math.ceil((60_000 - (now - window[0]!)) / 1000));
    }
    window.push(now);
    this.recent.set(key, window);
    if (this.recent.size > 100_000) this.sweep(now);
    return 0;
  }

  private sweep(now: number): void {
    for (const [key, times] of this.recent) if (times.every((t) => now - t >= 60_000)) this.recent.delete(key);
  }
}
