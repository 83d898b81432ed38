import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Vitest leaves a core free by default: on a 2-core CI machine that is one test file at a time. Most files
    // wait on child processes, sockets and Chromium, so two at a time keep both cores busy.
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
