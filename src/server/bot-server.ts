import type { AppConfig } from '../config.js';
import type { LeaderLock } from '../storage/leader-lock.js';
import type { Repositories } from '../storage/repositories.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createChannelDeps, type ChannelServices } from '../channels/deps.js';
import type { ChannelAdapter, ChannelDeps } from '../channels/types.js';
import { ChannelRouter, type OutboundPort } from '../escalation/outbound-port.js';
import { FORM_DOWNLOAD_PATH } from '../forms/download-link.js';
import { withDocuments, type FormDelivery } from '../forms/form-delivery.js';
import type { Logger } from '../logger.js';
import { createFormDownloadRouter } from '../web/form-download.js';
import { createHttpApp, type TrustProxy } from '../web/http-app.js';
import { ChannelSupervisor } from './channel-supervisor.js';
import { listen } from './listen.js';

/**
 * The app's services the server uses (the App provides them): those the channels are built from (the
 * escalation service also runs the outbox and the reminders; the database is pruned hourly) and `close`,
 * called last when the server stops.
 */
export interface BotServerServices extends ChannelServices {
  /** The inbox (pruned hourly) and the web sessions and chat visitors (pruned at start and hourly). */
  repos: Pick<Repositories, 'inbox' | 'webState'>;
  /** This instance's id (shown in /healthz), the inbox lease it renews, and how long escalated questions' files are kept. */
  config: Pick<AppConfig, 'instanceId' | 'inbox'> & Partial<Pick<AppConfig, 'chatFiles'>>;
  /** Who runs the polling channels among the instances on one database. Default: this process alone. */
  leaderLock?: LeaderLock;
  /** Resolves the outbox's `document` messages into files and serves their download links. */
  forms: { delivery: FormDelivery };
  close(): Promise<void>;
}

export interface BotServerOptions {
  app: BotServerServices;
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
  /** How long start-up waits for a slow channel before it carries on (the channel keeps connecting). Default 10 s. */
  channelPatienceMs?: number;
  /** Waits between attempts to start a channel after a transient failure. */
  channelRetryDelaysMs?: readonly number[];
  /** Longest wait for answers in progress at shutdown. Default 3 s. */
  drainMs?: number;
  /** How often the inbox is swept for updates whose lease ran out (another instance died with them). Default 10 s. */
  inboxSweepMs?: number;
  /** How often a standby instance tries to take over a polling channel. Default 10 s. */
  lockRetryMs?: number;
}

/**
 * The running bot: one HTTP server (health, webhooks, pages), the channel adapters, the outbox worker
 * that relays expert answers and notifies experts, and the reminder timer. `stop()` shuts down in order:
 * stop taking updates, finish work in flight, stop the timers, close the database.
 *
 * A port that cannot be opened fails `start()` with a {@link StartupError}. A channel that cannot start
 * does not: it is marked failed (bad credentials) or retried (network), the log says how to fix it,
 * and `/healthz` shows each channel's state and the instance — `{ ok, channels: { web: 'active', telegram: 'failed: …' }, instance }`.
 *
 * Among several instances on one database: the inbox is swept every 10 s for updates whose lease ran out
 * (their instance died), and the outbox for messages left 'sending' whose claim ran out; the leases of
 * updates in flight here are renewed every third of the lease;
 * a polling channel runs only on the instance holding its leader lock.
 */
export class BotServer {
  private stopped = false;
  private outboxRunning: Promise<void> | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  /** The channels' ports, with `document` messages resolved into their files. */
  private readonly outbound: OutboundPort;

  private constructor(
    readonly http: Server,
    readonly adapters: ChannelAdapter[],
    readonly deps: ChannelDeps,
    readonly router: ChannelRouter,
    readonly channels: ChannelSupervisor,
    private readonly options: BotServerOptions,
  ) {
    this.outbound = withDocuments(router, options.app.forms.delivery);
  }

  static async start(options: BotServerOptions): Promise<BotServer> {
    const { app, logger } = options;
    const deps = createChannelDeps(app, logger);
    const adapters = await options.adapters(deps);
    const router = new ChannelRouter();
    for (const adapter of adapters) router.register(adapter.name, adapter.port);
    const channels = new ChannelSupervisor(adapters, {
      logger,
      patienceMs: options.channelPatienceMs,
      retryDelaysMs: options.channelRetryDelaysMs,
      lock: app.leaderLock,
      lockRetryMs: options.lockRetryMs,
    });
    const instance = app.config.instanceId;
    const mount = (http: Express) => {
      http.use(FORM_DOWNLOAD_PATH, createFormDownloadRouter(app.forms.delivery));
      options.mount?.(http);
    };
    const express = createHttpApp({ adapters, logger, mount, trustProxy: options.trustProxy, health: () => ({ ...channels.health(), instance }) });
    const http = createServer(express);
    await listen(http, options.port, options.host);
    const bot = new BotServer(http, adapters, deps, router, channels, options);
    try {
      await app.escalation.recoverInFlight();
      await channels.startAll();
    } catch (error) {
      await bot.closeHttp();
      throw error;
    }
    bot.timers.push(setInterval(() => void bot.runOutbox(), options.outboxIntervalMs ?? 1000));
    bot.timers.push(
      setInterval(() => {
        void deps.leases.sweep();
        app.escalation.recoverAbandonedSends().catch((error: unknown) => logger.error({ err: error }, 'outbox recovery failed'));
      }, options.inboxSweepMs ?? 10_000),
    );
    bot.timers.push(setInterval(() => void deps.leases.renew(), Math.max(1_000, Math.floor(app.config.inbox.leaseMs / 3))));
    bot.timers.push(
      setInterval(() => {
        app.escalation.remindOverdue().catch((error: unknown) => logger.error({ err: error }, 'reminders failed'));
      }, options.reminderIntervalMs ?? 60_000),
    );
    const pruneWeb = () =>
      app.repos.webState.prune(new Date()).then(
        (report) => logger.debug({ ...report }, 'web sessions and chat visitors pruned'),
        (error: unknown) => logger.error({ err: error }, 'web prune failed'),
      );
    await pruneWeb();
    bot.timers.push(
      setInterval(() => {
        app.repos.inbox.prune(7 * 24 * 3_600_000).catch((error: unknown) => logger.error({ err: error }, 'prune failed'));
        void pruneWeb();
        const retentionMs = app.config.chatFiles?.retentionMs;
        if (retentionMs) app.escalation.pruneAttachments(retentionMs).catch((error: unknown) => logger.error({ err: error }, 'attachment prune failed'));
      }, 3_600_000),
    );
    for (const timer of bot.timers) timer.unref();
    logger.info({ url: bot.url, channels: channels.health().channels, instance }, 'server listening');
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
          const report = await this.options.app.escalation.processOutbox(this.outbound, { limit: 50 });
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
    await this.channels.stop();
    await this.closeHttp();
    await this.deps.background.drain(this.options.drainMs ?? 3_000);
    await this.outboxRunning;
    await this.options.app.close();
    logger.info('server stopped');
  }

  /** Stops taking requests; open keep-alive connections are closed, requests in progress may finish. */
  private closeHttp(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (!this.http.listening) return resolve();
      this.http.close(() => resolve());
      this.http.closeIdleConnections();
    });
  }
}
