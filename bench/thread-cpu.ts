import { readdirSync, readFileSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';

/** /proc counts CPU in clock ticks: 100 a second on Linux. */
const TICK_MS = 10;

/**
 * BENCH_THREAD_CPU=1: this process's CPU by thread (Linux /proc), to tell the main thread's share from the
 * search thread's, V8's helpers' (compiler, garbage collector) and libuv's pool; and the main thread's GC pauses.
 */
export function threadCpu(): { report(): string } | undefined {
  if (!process.env['BENCH_THREAD_CPU']) return undefined;
  const read = () => {
    const byThread = new Map<string, number>();
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const name = tid === String(process.pid) ? 'main' : readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
        byThread.set(`${name}#${tid}`, (Number(fields[11]) + Number(fields[12])) * TICK_MS);
      } catch {
        // the thread ended
      }
    }
    return byThread;
  };
  const before = read();
  const gc = new Map<string, { count: number; ms: number }>();
  const kinds: Record<number, string> = { [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb' };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = kinds[(entry as unknown as { detail: { kind: number } }).detail.kind] ?? 'other';
      const seen = gc.get(kind) ?? { count: 0, ms: 0 };
      gc.set(kind, { count: seen.count + 1, ms: seen.ms + entry.duration });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    report: () => {
      const after = read();
      const rows = [...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)] as const).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
      observer.disconnect();
      const pauses = [...gc].map(([k, v]) => `${k} ${v.count}× ${Math.round(v.ms)} ms`).join(', ');
      return `${rows.map(([k, v]) => `${k} ${v} ms`).join(', ')}; main-thread GC pauses: ${pauses}`;
    },
  };
}
