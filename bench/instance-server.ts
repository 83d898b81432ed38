/**
 * One instance of the PostgreSQL load rows, in a process of its own (`node bin/run-ts.js
 * bench/instance-server.ts`, spawned by bench/webhook-load.ts): the same server as the SQLite row — the real
 * app (on the PostgreSQL database of DATABASE_URL), the grammY adapter with Telegram's quota off, the express
 * app on 127.0.0.1 — plus the inbox sweep and lease renewal a real instance runs. It tells its parent over
 * IPC when it listens, and on 'stop' reports its event-loop time and CPU since 'measure'.
 */
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { countQueries } from './query-count.js';
import { threadCpu } from './thread-cpu.js';
import { serveTelegramWebhook, startProfile } from './webhook-load.js';

const send = (message: unknown) => process.send!(message);
// BENCH_COUNT_QUERIES=1: each instance prints the statements it sent over the measured run, by count.
const queries = process.env['BENCH_COUNT_QUERIES'] ? countQueries() : undefined;
const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', QUESTIONS_PER_MINUTE: '0' });
const logger = createLogger('silent');
const app = await createApp(config, { logger, searchThread: process.env['BENCH_SEARCH_THREAD'] !== 'false' });
const { deps, adapter, server, url } = await serveTelegramWebhook(app, process.env['BENCH_TELEGRAM_TOKEN']!, process.env['BENCH_TELEGRAM_API_ROOT']!);
const timers = [
  setInterval(() => void deps.leases.sweep(), 10_000),
  setInterval(() => void deps.leases.renew(), Math.max(1_000, Math.floor(config.inbox.leaseMs / 3))),
];

let elu = performance.eventLoopUtilization();
let cpu = process.cpuUsage();
let profiler: ((name: string) => Promise<void>) | undefined;
let threads: ReturnType<typeof threadCpu>;
process.on('message', (message: { type: 'measure' | 'idle' | 'stop' }) => {
  void (async () => {
    if (message.type === 'measure') {
      if (process.env['BENCH_PROFILE_DIR']) profiler = await startProfile();
      queries?.reset();
      threads = threadCpu();
      elu = performance.eventLoopUtilization();
      cpu = process.cpuUsage();
      send({ type: 'measuring' });
    } else if (message.type === 'idle') {
      await deps.background.idle();
      send({ type: 'idle' });
    } else {
      const busy = performance.eventLoopUtilization(elu);
      const used = process.cpuUsage(cpu);
      if (threads) console.log(`${process.env['INSTANCE_ID']}: CPU by thread: ${threads.report()} (user ${Math.round(used.user / 1000)} sys ${Math.round(used.system / 1000)} ms)`);
      for (const timer of timers) clearInterval(timer);
      await profiler?.(`pg-${process.env['INSTANCE_ID'] ?? 'instance'}-${process.pid}`);
      if (queries) console.log(`${process.env['INSTANCE_ID']}: statements over the measured run\n${queries.report()}`);
      await adapter.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await deps.background.drain();
      await app.close();
      send({ type: 'stopped', activeMs: busy.active, cpuMs: (used.user + used.system) / 1000, rssMb: process.memoryUsage().rss / 2 ** 20 });
      process.disconnect();
    }
  })();
});
send({ type: 'ready', url });
