import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { createApp } from '../app.js';
import { ChannelRouter } from '../escalation/outbound-port.js';
import { createFileLogger } from '../logger.js';
import { terminalAsker } from './ask-command.js';
import { createCliContext } from './context.js';

export function registerChatCommand(program: Command): void {
  program
    .command('chat')
    .description('Talk to the assistant in the terminal (empty line or Ctrl-D to quit); expert answers to your tickets appear here too')
    .action(async () => {
      const { config } = createCliContext();
      // The terminal shows only the conversation: log lines go to a file in the data folder.
      const logFile = path.join(config.dataDir, 'logs', 'chat.log');
      const context = { config, logger: createFileLogger(config.logLevel, logFile) };
      const app = await createApp(context.config, { logger: context.logger });
      const searcher = await app.kb.searcher();
      const asker = terminalAsker();
      // Expert answers relayed to this terminal are printed as they arrive.
      const router = new ChannelRouter();
      router.register('cli', {
        async send(message) {
          if (message.chatId === asker.chatId) console.log(`\n📨 ${message.text}\n`);
          return { ok: true };
        },
      });
      await app.escalation.recoverInFlight();
      const timer = setInterval(() => {
        app.escalation.processOutbox(router).catch((error: unknown) => context.logger.error({ err: error }, 'outbox'));
      }, 2000);
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
      console.log(
        `Trợ lý Xã — ${searcher.size} đoạn tri thức đã sẵn sàng. Gõ câu hỏi rồi Enter ("hỏi chuyên gia: …" để hỏi chuyên gia); dòng trống để thoát.\n(Nhật ký hoạt động ghi vào ${path.relative(process.cwd(), logFile) || logFile}.)`,
      );
      try {
        for (;;) {
          let line: string;
          try {
            line = (await rl.question('\n❓ ')).trim();
          } catch {
            break; // input closed
          }
          if (!line) break;
          const reply = await app.assistant.handle({ asker, text: line });
          console.log(`\n${reply.text}`);
        }
      } finally {
        clearInterval(timer);
        rl.close();
        await app.close();
      }
    });
}
