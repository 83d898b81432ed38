import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChannelDeps } from '../../src/channels/deps.js';
import type { ChannelAdapter, ChannelDeps } from '../../src/channels/types.js';
import { EscalationService } from '../../src/escalation/escalation-service.js';
import { ChannelRouter } from '../../src/escalation/outbound-port.js';
import { createLogger } from '../../src/logger.js';
import { createHttpApp } from '../../src/web/http-app.js';
import { createTestApp, type TestApp } from './app-fixture.js';
import type { ScanReader } from '../../src/ocr/scan-reader.js';

/**
 * A real App (real knowledge folder, temp data dir) behind the real express app of the server, listening
 * on 127.0.0.1:0, with the channel adapters `makeAdapters` builds once the base URL is known (so a
 * webhook URL can point at it).
 */
export interface ChannelHarness {
  app: TestApp;
  deps: ChannelDeps;
  adapters: ChannelAdapter[];
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** Waits until every update taken so far has been answered. */
  idle(): Promise<void>;
  /** Questions in the question log. */
  questionCount(): Promise<number>;
  /** Runs the outbox through the adapters' ports with no backoff, until nothing is due (at most `rounds`). */
  drainOutbox(rounds?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startChannelHarness(
  makeAdapters: (ctx: { baseUrl: string; deps: ChannelDeps; app: TestApp }) => ChannelAdapter[],
  /** `scanReader`: reads the photos and PDFs users send (none: they are answered that files are not read). */
  options: { scanReader?: ScanReader; env?: Record<string, string> } = {},
): Promise<ChannelHarness> {
  const { app, cleanup } = await createTestApp(options.env, undefined, options.scanReader ? { scanReader: options.scanReader } : {});
  const logger = createLogger('silent');
  const deps = createChannelDeps(app, logger);
  const { background } = deps;
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const adapters = makeAdapters({ baseUrl, deps, app });
  server.on('request', createHttpApp({ adapters, logger }));

  // The outbox worker of the server, with retries due at once instead of after 30 s.
  const worker = new EscalationService(app.stores, { backoff: () => 0 });
  const router = new ChannelRouter();
  for (const adapter of adapters) router.register(adapter.name, adapter.port);

  return {
    app,
    deps,
    adapters,
    baseUrl,
    idle: () => background.idle(),
    async questionCount() {
      const row = await app.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM question_log');
      return row?.n ?? 0;
    },
    async drainOutbox(rounds = 10) {
      for (let i = 0; i < rounds; i += 1) {
        const report = await worker.processOutbox(router);
        if (report.claimed === 0) return;
      }
    },
    async close() {
      for (const adapter of adapters) await adapter.stop().catch(() => undefined);
      await background.drain(5000);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await cleanup();
    },
  };
}
