/**
 * Load on the real server: the Telegram webhook route of the express app on 127.0.0.1, the real app
 * (SQLite file, real knowledge base), the grammY adapter. The emulated Bot API with the fake LLM server,
 * and the load generator, run in two worker threads (bench/load-worker.ts), so the server keeps the main
 * thread, as it would in production. Bounded in count and time; traffic stays on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { App } from '../src/app.js';
import type { AddressInfo } from 'node:net';
import { MessageChannel, Worker } from 'node:worker_threads';
import { createTelegramAdapter } from '../src/channels/telegram/adapter.js';
import { percentile } from '../src/eval/metrics.js';
import { createLogger } from '../src/logger.js';
import { createHttpApp } from '../src/web/http-app.js';
import { createTestApp } from '../test/helpers/app-fixture.js';
import { TEST_SECRET } from '../test/helpers/telegram-emulator.js';
import type { LoadPlan, LoadSamples } from './load-worker.js';
import { createChannelDeps } from '../src/channels/deps.js';
import { threadCpu } from './thread-cpu.js';

export interface LoadResult {
  chats: number;
  updates: number;
  seconds: number;
  updatesPerSecond: number;
  /** From the request on the wire to the response; `p99FromCall` also counts the generator building it. */
  ackMs: { p50: number; p95: number; p99: number; p99FromCall: number; over50: number };
  replyMs: { p50: number; p95: number; p99: number };
  errors: number;
  answeredTwice: number;
  lost: number;
  rssMb: number;
  /** Time the server's event loop was busy, per update (its capacity is about 1000 / this updates/s). */
  mainThreadMsPerUpdate: number;
  /** CPU of the whole process (server, sqlite threads, and the load worker), per update. */
  processCpuMsPerUpdate: number;
  /** p99 lateness of the load generator's own thread: part of every latency it measures. */
  clientLagP99Ms: number;
  /** PostgreSQL rows: CPU of the database server's processes serving the run's database, per update. */
  databaseCpuMsPerUpdate?: number;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function webhookLoad(plan: LoadPlan & { slowLlmMs?: number }): Promise<LoadResult> {
  const { port1, port2 } = new MessageChannel();
  const entry = new URL('./load-worker.mjs', import.meta.url);
  const platform = new Worker(entry, { workerData: { role: 'platform', slowLlmMs: plan.slowLlmMs, peer: port1 }, transferList: [port1] });
  const worker = new Worker(entry, { workerData: { role: 'generator', peer: port2 }, transferList: [port2] });
  const [{ apiRoot, token, llmUrl }] = await Promise.all([
    nextMessage<{ apiRoot: string; token: string; llmUrl?: string }>(platform, 'ready'),
    nextMessage(worker, 'ready'),
  ]);
  const { app, cleanup } = await createTestApp(
    {
      QUESTIONS_PER_MINUTE: '0',
      ...(llmUrl && { LLM_PROVIDER: 'openai', LLM_MODEL: 'fake', OPENAI_BASE_URL: llmUrl, LLM_TIMEOUT_MS: String(plan.slowLlmMs! * 3) }),
    },
    undefined,
    // As `trolyxa serve` runs by default (SEARCH_THREAD=true); BENCH_SEARCH_THREAD=false to compare.
    { searchThread: process.env['BENCH_SEARCH_THREAD'] !== 'false' },
  );
  const { deps, adapter, server, url } = await serveTelegramWebhook(app, token, apiRoot);

  // Warm-up on other chats, not measured: a server that has run a while (JIT-compiled hot paths, grown heap,
  // pools filled). With only a few hundred updates of warm-up the same rows measure 10–20 % slower.
  worker.postMessage({ type: 'run', url, plan: { chats: 40, questionsPerChat: 50, questions: plan.questions, chatOffset: 50_000 } });
  await nextMessage(worker, 'done');
  await deps.background.idle();

  const profiler = process.env['BENCH_PROFILE_DIR'] ? await startProfile() : undefined;
  const threads = threadCpu();
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  worker.postMessage({ type: 'run', url, plan: { chats: plan.chats, questionsPerChat: plan.questionsPerChat, rate: plan.rate, seconds: plan.seconds, questions: plan.questions } });
  const { samples } = await nextMessage<{ samples: LoadSamples }>(worker, 'done');
  if (process.env['BENCH_DEBUG']) console.log('slowest acks (index: ms)', samples.acks.map((v, i) => [i, Math.round(v)]).sort((a, b) => b[1]! - a[1]!).slice(0, 8).map(([i, v]) => `${i}: ${v}`).join(', '));
  await deps.background.idle();
  const busy = performance.eventLoopUtilization(elu);
  const cpuUsed = process.cpuUsage(cpu);
  if (threads) console.log(`SQLite server process: CPU by thread: ${threads.report()} (user ${Math.round(cpuUsed.user / 1000)} sys ${Math.round(cpuUsed.system / 1000)} ms)`);
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  await profiler?.(`${plan.slowLlmMs ? 'llm-' : ''}${plan.chats}-chats-${plan.rate ?? 'closed'}`);

  await adapter.stop();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await deps.background.drain();
  for (const thread of [worker, platform]) {
    thread.postMessage({ type: 'stop' });
    await new Promise((resolve) => thread.once('exit', resolve));
  }
  await cleanup();
  return toLoadResult(plan, samples, { rssMb, activeMs: busy.active, cpuMs: (cpuUsed.user + cpuUsed.system) / 1000 });
}

/** BENCH_PROFILE_DIR=dir: a CPU profile of the server thread over the measured run (not the warm-up). */
export async function startProfile(): Promise<(name: string) => Promise<void>> {
  const { Session } = await import('node:inspector/promises');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (name) => {
    const { profile } = await session.post('Profiler.stop');
    const dir = process.env['BENCH_PROFILE_DIR']!;
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/${name}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  };
}

/** The next message of `type` from a worker thread or a child process. */
function nextMessage<T>(worker: EventEmitter, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string } & T) => {
      if (message.type !== type) return;
      worker.off('message', onMessage);
      worker.off('error', reject);
      resolve(message);
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
}

/**
 * The same load on `instances` servers sharing one PostgreSQL database, each in a process of its own
 * (bench/instance-server.ts) as `trolyxa serve` instances behind a load balancer would be, the generator
 * sending round-robin to them. The database is created on the server of `adminUrl` for the run and dropped
 * after it; the first instance ingests the knowledge folder into it. CPU figures are the instances' own
 * (summed), without the generator's and the emulated API's threads.
 */
export async function webhookLoadPostgres(plan: LoadPlan, options: { adminUrl: string; instances: number }): Promise<LoadResult> {
  const { port1, port2 } = new MessageChannel();
  const entry = new URL('./load-worker.mjs', import.meta.url);
  const platform = new Worker(entry, { workerData: { role: 'platform', peer: port1 }, transferList: [port1] });
  const worker = new Worker(entry, { workerData: { role: 'generator', peer: port2 }, transferList: [port2] });
  const [{ apiRoot, token }] = await Promise.all([nextMessage<{ apiRoot: string; token: string }>(platform, 'ready'), nextMessage(worker, 'ready')]);
  const name = `trolyxa_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  await withAdmin(options.adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const databaseUrl = new URL(options.adminUrl);
  databaseUrl.pathname = `/${name}`;
  const dir = await mkdtemp(path.join(tmpdir(), 'trolyxa-bench-pg-'));
  const children: ChildProcess[] = [];
  try {
    const urls: string[] = [];
    // One after the other: the first finds the database empty and ingests the knowledge folder.
    for (let i = 1; i <= options.instances; i++) {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'run-ts.js'), path.join(ROOT, 'bench', 'instance-server.ts')], {
        cwd: ROOT,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: process.env['HOME'] ?? dir,
          DATABASE_URL: databaseUrl.toString(),
          DATA_DIR: path.join(dir, `instance-${i}`),
          KNOWLEDGE_DIR: path.join(ROOT, 'knowledge'),
          INSTANCE_ID: `bench-${i}`,
          BENCH_TELEGRAM_TOKEN: token,
          BENCH_TELEGRAM_API_ROOT: apiRoot,
          ...passThrough('BENCH_SEARCH_THREAD', 'BENCH_PROFILE_DIR', 'BENCH_COUNT_QUERIES', 'BENCH_THREAD_CPU'),
        },
      });
      children.push(child);
      urls.push((await nextMessage<{ url: string }>(child, 'ready')).url);
    }
    const all = (type: string, reply: string) => Promise.all(children.map((child) => (child.send({ type }), nextMessage<Record<string, number>>(child, reply))));

    // Warm-up as for the SQLite row, spread over the instances.
    worker.postMessage({ type: 'run', url: urls, plan: { chats: 40, questionsPerChat: 50, questions: plan.questions, chatOffset: 50_000 } });
    await nextMessage(worker, 'done');
    await all('idle', 'idle');
    await all('measure', 'measuring');
    const backendsBefore = await backendCpu(options.adminUrl, name);
    worker.postMessage({ type: 'run', url: urls, plan: { chats: plan.chats, questionsPerChat: plan.questionsPerChat, rate: plan.rate, seconds: plan.seconds, questions: plan.questions } });
    const { samples } = await nextMessage<{ samples: LoadSamples }>(worker, 'done');
    await all('idle', 'idle');
    const backendsAfter = await backendCpu(options.adminUrl, name);
    const databaseCpuMs = [...backendsAfter].reduce((total, [pid, ms]) => total + ms - (backendsBefore.get(pid) ?? 0), 0);
    const stopped = await all('stop', 'stopped');
    const sum = (key: string) => stopped.reduce((total, s) => total + (s[key] ?? 0), 0);
    return {
      ...toLoadResult(plan, samples, { rssMb: sum('rssMb'), activeMs: sum('activeMs'), cpuMs: sum('cpuMs') }),
      ...(databaseCpuMs > 0 && { databaseCpuMsPerUpdate: databaseCpuMs / Math.max(1, samples.sent) }),
    };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    for (const thread of [worker, platform]) {
      thread.postMessage({ type: 'stop' });
      await new Promise((resolve) => thread.once('exit', resolve));
    }
    await withAdmin(options.adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * CPU used so far (ms) by each server process serving database `name`, when the server runs on this
 * machine (read from /proc; an empty map elsewhere). A backend that closed during the run is not counted.
 */
async function backendCpu(adminUrl: string, name: string): Promise<Map<number, number>> {
  const { readFile } = await import('node:fs/promises');
  const pids = await withAdmin(adminUrl, (client) => client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [name]));
  const cpu = new Map<number, number>();
  for (const { pid } of pids.rows) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields) cpu.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / 100); // utime + stime, in 1/100 s
  }
  return cpu;
}

/** The bench settings an instance process inherits (its environment is otherwise built from scratch). */
function passThrough(...names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])));
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The real app's Telegram webhook on 127.0.0.1 with Telegram's quota off, pointed at the emulated Bot API. */
export async function serveTelegramWebhook(app: App, token: string, apiRoot: string) {
  const logger = createLogger('silent');
  const deps = createChannelDeps(app, logger);
  // Real Telegram allows about 30 messages a second per bot; the throttler that enforces it is off here
  // so the benchmark measures this server, not Telegram's quota.
  const adapter = createTelegramAdapter(
    { token, mode: 'webhook', webhookUrl: 'https://trolyxa.example.vn/webhooks/telegram', webhookSecret: TEST_SECRET, apiRoot },
    deps,
    { throttle: false },
  );
  const http = createHttpApp({ adapters: [adapter], logger });
  const server = await new Promise<Server>((resolve) => {
    const s = http.listen(0, '127.0.0.1', () => resolve(s));
  });
  await adapter.start();
  await app.kb.searcher();
  await app.kb.searchThreadReady();
  return { deps, adapter, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/telegram` };
}

/** The figures of one run; `activeMs` and `cpuMs` are the servers' event-loop time and CPU over it. */
function toLoadResult(plan: LoadPlan, samples: LoadSamples, server: { rssMb: number; activeMs: number; cpuMs: number }): LoadResult {
  let answeredTwice = 0;
  let lost = 0;
  for (const { asked, answered } of Object.values(samples.perChat)) {
    if (answered > asked) answeredTwice += answered - asked;
    if (answered < asked) lost += asked - answered;
  }
  return {
    chats: plan.chats,
    updates: samples.sent,
    seconds: samples.seconds,
    updatesPerSecond: samples.sent / samples.seconds,
    ackMs: {
      p50: percentile(samples.acks, 50),
      p95: percentile(samples.acks, 95),
      p99: percentile(samples.acks, 99),
      p99FromCall: percentile(samples.acksFromCall, 99),
      over50: samples.acks.filter((ms) => ms > 50).length,
    },
    replyMs: { p50: percentile(samples.replies, 50), p95: percentile(samples.replies, 95), p99: percentile(samples.replies, 99) },
    errors: samples.errors,
    answeredTwice,
    lost,
    rssMb: server.rssMb,
    mainThreadMsPerUpdate: server.activeMs / Math.max(1, samples.sent),
    processCpuMsPerUpdate: server.cpuMs / Math.max(1, samples.sent),
    clientLagP99Ms: samples.clientLagP99Ms,
  };
}
