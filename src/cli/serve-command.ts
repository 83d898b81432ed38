import type { Command } from 'commander';
import { createApp, type App } from '../app.js';
import { TesseractScanReader } from '../ocr/tesseract-scan-reader.js';
import type { Logger } from '../logger.js';
import { bootstrapAdmin, createWebChatAdapter, createWebConsole, WebAccountStore } from '../web/console/index.js';
import { BotServer } from '../server/bot-server.js';
import { configuredAdapters } from '../server/channels.js';
import { assertPortAvailable } from '../server/listen.js';
import { handleShutdownSignals } from '../server/shutdown.js';
import { StartupError } from '../server/startup-error.js';
import { StorageUnavailableError } from '../storage/open-storage.js';
import { createCliContext } from './context.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the bot: the HTTP server (health, webhooks, pages), the configured channels and the outbox worker')
    .action(async () => {
      const context = createCliContext();
      const { config, logger } = context;
      // Ctrl-C works from the first moment, start-up included, and always ends the process within 5 s.
      const shutdown = handleShutdownSignals({ logger });
      let app: App | undefined;
      shutdown.setStop(async () => {
        await app?.close();
      });
      let server: BotServer;
      try {
        await assertPortAvailable(config.http.port, config.http.host);
        app = await createApp(config, { logger, searchThread: config.searchThread, scanReader: new TesseractScanReader(config.ocr) });
        await app.kb.searcher();
        if (config.web.adminEmail && config.web.adminPassword) await createFirstAdmin(app, logger, config.web.adminEmail, config.web.adminPassword);
        let off: string[] = [];
        const opened = app;
        server = await BotServer.start({
          app: opened,
          logger,
          host: config.http.host,
          port: config.http.port,
          trustProxy: config.web.trustProxy,
          adapters: (deps) => {
            const configured = configuredAdapters(config, deps, opened.repos.channelState);
            off = configured.off;
            return [createWebChatAdapter(opened), ...configured.adapters];
          },
          mount: createWebConsole({ app: opened, logger, secureCookies: config.web.secureCookies, chatPublic: config.web.chatPublic }),
        });
        for (const hint of off) logger.info(`Kênh chưa bật — ${hint}`);
      } catch (error) {
        if (shutdown.requested) return; // Ctrl-C during start-up: the handler closes and exits.
        shutdown.dispose();
        await failStartup(error, app, logger);
        return;
      }
      if (shutdown.requested) return;
      shutdown.setStop(() => server.stop());
      console.error(
        `Trợ lý Xã đang chạy tại ${server.url} — trò chuyện: ${server.url}/chat · quản trị: ${server.url}/console · kiểm tra: ${server.url}/healthz. Nhấn Ctrl-C để dừng.`,
      );
      const hasAdmin = (await new WebAccountStore(app!.repos.webAccounts).list()).some((a) => a.role === 'admin' && a.active);
      if (!hasAdmin) console.error('Chưa có tài khoản quản trị: đặt ADMIN_EMAIL và ADMIN_PASSWORD trong .env rồi chạy lại.');
      // The process now lives on its server and timers; a signal ends it.
    });
}

/** Creates the admin account of `.env` when it does not exist yet, and says so (never the password). */
async function createFirstAdmin(app: App, logger: Logger, email: string, password: string): Promise<void> {
  const accounts = new WebAccountStore(app.repos.webAccounts);
  const existed = await accounts.findByEmail(email);
  const first = !(await accounts.list()).some((a) => a.role === 'admin');
  const account = await bootstrapAdmin(app, email, password);
  if (!existed) {
    logger.info(
      { accountId: account.id, email: account.email },
      `Đã tạo tài khoản quản trị ${first ? 'đầu tiên ' : ''}${account.email} theo ADMIN_EMAIL và ADMIN_PASSWORD trong .env; đăng nhập tại /console.`,
    );
  }
}

/** Prints why start-up failed (Vietnamese, no stack for a known problem), closes what was opened and exits non-zero. */
async function failStartup(error: unknown, app: App | undefined, logger: Logger): Promise<void> {
  const known = error instanceof StartupError || error instanceof StorageUnavailableError;
  if (!known) logger.error({ err: error }, 'start-up failed');
  console.error(known ? error.message : `Trợ lý Xã không khởi động được: ${error instanceof Error ? error.message : String(error)}`);
  const code = error instanceof StartupError ? error.exitCode : 1;
  // Whatever still holds the process (a worker thread, a socket) must not keep it alive.
  setTimeout(() => process.exit(code), 3_000);
  await app?.close().catch(() => undefined);
  process.exit(code);
}
