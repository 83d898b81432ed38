import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export async function makeTempDir(prefix = 'trolyxa-test-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}
