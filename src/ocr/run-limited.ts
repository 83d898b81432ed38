/**
 * Runs one external program (poppler, tesseract) as a child process with an argument array, a time limit
 * and, where `prlimit` exists, a cap on its address space: a scan built to exhaust memory or to run forever
 * ends the child, never the server.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface ChildLimits {
  /** Killed (SIGKILL) after this long. */
  timeoutMs: number;
  /** Address space of the child, in MiB (applied through prlimit when it is installed). */
  memoryMb: number;
  /** At most this much standard output is kept; more ends the child. */
  maxOutputBytes?: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

export type ChildOutcome =
  | { kind: 'ok'; stdout: Buffer; stderr: string }
  | { kind: 'failed'; code: number | null; signal: NodeJS.Signals | null; stderr: string }
  | { kind: 'timeout' }
  | { kind: 'too_much_output' }
  | { kind: 'aborted' }
  | { kind: 'missing' };

const PRLIMIT = '/usr/bin/prlimit';
const MAX_STDERR_CHARS = 2000;
const DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;

/** The command line with the memory cap in front, when `prlimit` is there to apply it. */
export function limitedCommand(program: string, args: readonly string[], memoryMb: number, hasPrlimit = existsSync(PRLIMIT)): [string, string[]] {
  if (!hasPrlimit) return [program, [...args]];
  return [PRLIMIT, [`--as=${Math.round(memoryMb * 1024 * 1024)}`, '--', program, ...args]];
}

/**
 * Runs `program args…` and resolves with how it ended; never rejects. The child is killed on timeout, on
 * too much output and on abort.
 */
export function runLimited(program: string, args: readonly string[], limits: ChildLimits): Promise<ChildOutcome> {
  const [command, commandArgs] = limitedCommand(program, args, limits.memoryMb);
  const maxOutput = limits.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  return new Promise((resolve) => {
    if (limits.signal?.aborted) return resolve({ kind: 'aborted' });
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'], env: limits.env ?? process.env });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let ended: ChildOutcome | undefined;
    const stop = (outcome: ChildOutcome) => {
      ended ??= outcome;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop({ kind: 'timeout' }), limits.timeoutMs);
    const onAbort = () => stop({ kind: 'aborted' });
    limits.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxOutput) return stop({ kind: 'too_much_output' });
      chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR_CHARS) stderr += chunk.toString('utf8').slice(0, MAX_STDERR_CHARS - stderr.length);
    });
    const finish = (outcome: ChildOutcome) => {
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', onAbort);
      resolve(ended ?? outcome);
    };
    child.once('error', (error: NodeJS.ErrnoException) => finish(error.code === 'ENOENT' ? { kind: 'missing' } : { kind: 'failed', code: null, signal: null, stderr: error.message }));
    child.once('close', (code, signal) => {
      finish(code === 0 ? { kind: 'ok', stdout: Buffer.concat(chunks), stderr } : { kind: 'failed', code, signal, stderr });
    });
  });
}
