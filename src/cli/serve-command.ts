import type { Command } from 'commander';
import { createApp } from '../app.js';
import { bootstrapAdmin, createWebChatAdapter, createWebConsole } from '../web/console/index.js';
import { BotServer } from '../server/bot-server.js';
import { configuredAdapters } from '../server/channels.js';
import { createCliContext } from './context.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the bot: the HTTP server (health, webhooks, pages), the configured channels and the outbox worker')
    .action(async () => {
      const context = createCliContext();
      const { config, logger } = context;
      const app = await createApp(config, { logger, searchThread: config.searchThread });
      await app.kb.searcher();
      if (config.web.adminEmail && config.web.adminPassword) await bootstrapAdmin(app, config.web.adminEmail, config.web.adminPassword);
      let off: string[] = [];
      const server = await BotServer.start({
        app,
        logger,
        host: config.http.host,
        port: config.http.port,
        trustProxy: config.web.trustProxy,
        adapters: (deps) => {
          const configured = configuredAdapters(config, deps, app.db);
          off = configured.off;
          return [createWebChatAdapter(app), ...configured.adapters];
        },
        mount: createWebConsole({ app, logger, secureCookies: config.web.secureCookies, chatPublic: config.web.chatPublic }),
      });
      for (const hint of off) logger.info(`channel off — ${hint}`);
      console.error(
        `Trợ lý Xã đang chạy tại ${server.url} — trò chuyện: ${server.url}/chat · quản trị: ${server.url}/console · kiểm tra: ${server.url}/healthz. Nhấn Ctrl-C để dừng.`,
      );
      if (!config.web.adminEmail) console.error('Chưa có tài khoản quản trị: đặt ADMIN_EMAIL và ADMIN_PASSWORD trong .env rồi chạy lại.');
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          logger.info({ signal }, 'shutting down');
          server.stop().then(resolve, (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            resolve();
          });
        };
        process.once('SIGINT', () => shutdown('SIGINT'));
        process.once('SIGTERM', () => shutdown('SIGTERM'));
      });
    });
}
