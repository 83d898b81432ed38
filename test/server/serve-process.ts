import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { ROOT } from '../helpers/app-fixture.js';

/** `trolyxa serve` as a user runs it, in its own process, with what it printed so far. */
export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Everything written to stderr so far (log lines and the messages for the person at the terminal). */
  stderr(): string;
  /** Resolves with the exit code (or the signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Waits until stderr matches (up to `timeoutMs`). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Waits until /healthz answers with a body that `accept` returns true for. */
  waitForHealth(accept: (body: HealthBody) => boolean, timeoutMs?: number): Promise<HealthBody>;
}

export interface HealthBody {
  ok: boolean;
  channels: Record<string, string>;
  /** The instance's id (INSTANCE_ID). */
  instance?: string;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP server that accepts connections and never answers: a platform behind a dead network. */
export async function blackHole(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Starts `node bin/trolyxa.js serve` in `cwd` (no .env there) with only the given environment. */
export function startServe(env: Record<string, string>, cwd: string): ServeProcess {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'trolyxa.js'), 'serve'], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: cwd, HOST: '127.0.0.1', LOG_LEVEL: 'info', SEARCH_THREAD: 'false', KNOWLEDGE_DIR: path.join(ROOT, 'knowledge'), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let ended = false;
  void exited.then(() => (ended = true));
  const url = `http://127.0.0.1:${env['PORT']}`;

  const poll = async <T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (ended) throw new Error(`trolyxa serve ended while waiting for ${what}:\n${stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  return {
    child,
    url,
    stderr: () => stderr,
    exited,
    waitForOutput: (pattern, timeoutMs = 60_000) => poll(async () => pattern.exec(stderr)?.[0], String(pattern), timeoutMs),
    waitForHealth: (accept, timeoutMs = 60_000) =>
      poll(
        async () => {
          const body = (await fetch(`${url}/healthz`).then((r) => (r.ok ? r.json() : undefined), () => undefined)) as HealthBody | undefined;
          return body && accept(body) ? body : undefined;
        },
        '/healthz',
        timeoutMs,
      ),
  };
}
