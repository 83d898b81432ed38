import cliProgress from 'cli-progress';

/** A progress bar on a terminal, nothing when output is piped. */
export function createProgress(label: string): { update(done: number, total: number, item: string): void; stop(): void } {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} {item}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, item) {
      if (!started) {
        bar.start(total, 0, { item: '' });
        started = true;
      }
      bar.update(done, { item: item.length > 40 ? '…' + item.slice(-39) : item });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
