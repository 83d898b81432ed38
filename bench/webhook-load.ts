/**
 * Load on the real server: the Telegram webhook route of the express app on 127.0.0.1, the real app
 * (SQLite file, real knowledge base), the grammY adapter. The emulated Bot API with the fake LLM server,
 * and the load generator, run in two worker threads (bench/load-worker.ts), so the server keeps the main
 * thread, as it would in production. Bounded in count and time; traffic stays on 127.0.0.1.
 */
import type { Server } from 'node:http';
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
}

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
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/telegram`;

  // Warm-up on other chats, not measured: a server that has run a while (JIT-compiled hot paths, grown heap,
  // pools filled). With only a few hundred updates of warm-up the same rows measure 10–20 % slower.
  worker.postMessage({ type: 'run', url, plan: { chats: 40, questionsPerChat: 50, questions: plan.questions, chatOffset: 50_000 } });
  await nextMessage(worker, 'done');
  await deps.background.idle();

  const profiler = process.env['BENCH_PROFILE_DIR'] ? await startProfile() : undefined;
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  worker.postMessage({ type: 'run', url, plan: { chats: plan.chats, questionsPerChat: plan.questionsPerChat, rate: plan.rate, seconds: plan.seconds, questions: plan.questions } });
  const { samples } = await nextMessage<{ samples: LoadSamples }>(worker, 'done');
  if (process.env['BENCH_DEBUG']) console.log('slowest acks (index: ms)', samples.acks.map((v, i) => [i, Math.round(v)]).sort((a, b) => b[1]! - a[1]!).slice(0, 8).map(([i, v]) => `${i}: ${v}`).join(', '));
  await deps.background.idle();
  const busy = performance.eventLoopUtilization(elu);
  const cpuUsed = process.cpuUsage(cpu);
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  await profiler?.(`${plan.slowLlmMs ? 'llm-' : ''}${plan.chats}-chats-${plan.rate ?? 'closed'}`);

  let answeredTwice = 0;
  let lost = 0;
  for (const { asked, answered } of Object.values(samples.perChat)) {
    if (answered > asked) answeredTwice += answered - asked;
    if (answered < asked) lost += asked - answered;
  }
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
    rssMb,
    mainThreadMsPerUpdate: busy.active / Math.max(1, samples.sent),
    processCpuMsPerUpdate: (cpuUsed.user + cpuUsed.system) / 1000 / Math.max(1, samples.sent),
    clientLagP99Ms: samples.clientLagP99Ms,
  };
}

/** BENCH_PROFILE_DIR=dir: a CPU profile of the server thread over the measured run (not the warm-up). */
async function startProfile(): Promise<(name: string) => Promise<void>> {
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

function nextMessage<T>(worker: Worker, type: string): Promise<T> {
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
