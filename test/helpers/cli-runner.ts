import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './app-fixture.js';

const run = promisify(execFile);

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `trolyxa` command in a child process with only the environment given (PATH, HOME, the data
 * and knowledge folders, quiet logs), as a user's shell would; a failing command returns its exit code.
 */
export async function runTrolyxa(
  args: readonly string[],
  where: { home: string; dataDir: string; knowledgeDir: string },
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<CliRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, 'bin', 'trolyxa.js'), ...args], {
      cwd: where.home,
      env: { PATH: process.env['PATH'] ?? '', HOME: where.home, DATA_DIR: where.dataDir, KNOWLEDGE_DIR: where.knowledgeDir, LOG_LEVEL: 'warn', ...env },
      timeout: timeoutMs,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
