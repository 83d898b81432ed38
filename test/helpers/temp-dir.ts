import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export async function makeTempDir(prefix = 'trolyxa-test-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/**
 * A temporary folder for the test file (or the describe block it is called in): made before its tests,
 * removed after them. `file(name)` is a path inside it, usable once the tests run.
 */
export function useTempDir(): { file(name: string): string } {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await makeTempDir();
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return {
    file(name: string): string {
      if (!dir) throw new Error('the temporary folder exists only while the tests run');
      return path.join(dir, name);
    },
  };
}
