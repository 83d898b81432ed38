import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { App } from '../app.js';
import { createChannelDeps } from '../channels/deps.js';
import { SqliteUpdateInbox } from '../channels/inbox.js';
import type { ChannelAdapter, ChannelDeps } from '../channels/types.js';
import { ChannelRouter } from '../escalation/outbound-port.js';
import type { Logger } from '../logger.js';
import { pruneWebState } from '../storage/web-housekeeping.js';
import { createHttpApp, type TrustProxy } from '../web/http-app.js';

export interface BotServerOptions {
  app: App;
  logger: Logger;
  host: string;
  port: number;
  /** Builds the channel adapters once the shared dependencies exist. */
  adapters: (deps: ChannelDeps) => ChannelAdapter[] | Promise<ChannelAdapter[]>;
  /** Extra routes (web pages). */
  mount?: (app: Express) => void;
  /** The reverse proxies believed about the client's address and scheme (`TRUST_PROXY`). Default: none. */
  trustProxy?: TrustProxy;
  outboxIntervalMs?: number;
  reminderIntervalMs?: number;
}

/**
 * The running bot: one HTTP server (health, webhooks, pages), the channel adapters, the outbox worker
 * that relays expert answers and notifies experts, and the reminder timer. `stop()` shuts down in order:
 * stop taking updates, finish work in flight, stop the timers, close the database.
 */
export class BotServer {
  private stopped = false;
  private outboxRunning: Promise<void> | undefined;
  private readonly timers: NodeJS.Timeout[] = [];

  private constructor(
    readonly http: Server,
    readonly adapters: ChannelAdapter[],
    readonly deps: ChannelDeps,
    readonly router: ChannelRouter,
    private readonly options: BotServerOptions,
  ) {}

  static async start(options: BotServerOptions): Promise<BotServer> {
    const { app, logger } = options;
    const deps = createChannelDeps(app, logger);
    const adapters = await options.adapters(deps);
    const router = new ChannelRouter();
    for (const adapter of adapters) router.register(adapter.name, adapter.port);
    const express = createHttpApp({ adapters, logger, mount: options.mount, trustProxy: options.trustProxy });
    const http = await new Promise<Server>((resolve, reject) => {
      const server = express.listen(options.port, options.host, () => resolve(server));
      server.once('error', reject);
    });
    const bot = new BotServer(http, adapters, deps, router, options);
    await app.escalation.recoverInFlight();
    for (const adapter of adapters) {
      await adapter.start();
      logger.info({ channel: adapter.name }, 'channel started');
    }
    bot.timers.push(setInterval(() => void bot.runOutbox(), options.outboxIntervalMs ?? 1000));
    bot.timers.push(
      setInterval(() => {
        app.escalation.remindOverdue().catch((error: unknown) => logger.error({ err: error }, 'reminders failed'));
      }, options.reminderIntervalMs ?? 60_000),
    );
    const pruneWeb = () =>
      pruneWebState(app.db, new Date()).then(
        (report) => logger.debug({ ...report }, 'web sessions and chat visitors pruned'),
        (error: unknown) => logger.error({ err: error }, 'web prune failed'),
      );
    await pruneWeb();
    bot.timers.push(
      setInterval(() => {
        new SqliteUpdateInbox(app.db).prune(7 * 24 * 3_600_000).catch((error: unknown) => logger.error({ err: error }, 'prune failed'));
        void pruneWeb();
      }, 3_600_000),
    );
    for (const timer of bot.timers) timer.unref();
    logger.info({ url: bot.url, channels: adapters.map((a) => a.name) }, 'server listening');
    return bot;
  }

  get url(): string {
    const { address, port } = this.http.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  /** Delivers what is due in the outbox now (also run every second by the timer); never overlaps itself. */
  runOutbox(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.outboxRunning ??= (async () => {
      try {
        for (;;) {
          const report = await this.options.app.escalation.processOutbox(this.router, { limit: 50 });
          if (report.claimed < 50 || this.stopped) break;
        }
      } catch (error) {
        this.options.logger.error({ err: error }, 'outbox run failed');
      } finally {
        this.outboxRunning = undefined;
      }
    })();
    return this.outboxRunning;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const { logger } = this.options;
    for (const timer of this.timers) clearInterval(timer);
    for (const adapter of this.adapters) await adapter.stop().catch((error: unknown) => logger.error({ err: error, channel: adapter.name }, 'channel stop failed'));
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeIdleConnections();
    });
    await this.deps.background.drain();
    await this.outboxRunning;
    await this.options.app.close();
    logger.info('server stopped');
  }
}
