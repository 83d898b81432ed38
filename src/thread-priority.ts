import { setPriority } from 'node:os';

/**
 * Lowers the calling worker thread's CPU priority to `nice`, so that under contention for the cores
 * the main thread, which acknowledges webhooks, goes first. Linux only: there the nice value is per
 * thread (elsewhere it would lower the whole process). Where it is not allowed, the thread keeps the
 * normal priority.
 */
export function lowerThreadPriority(nice: number): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(0, nice);
  } catch {
    // Not allowed here: the thread runs at the normal priority.
  }
}
