import { Command, CommanderError } from 'commander';
import { ConfigError } from './config.js';
import { registerAskCommand } from './cli/ask-command.js';
import { registerBackupCommands } from './cli/backup-commands.js';
import { registerServeCommand } from './cli/serve-command.js';
import { registerChatCommand } from './cli/chat-command.js';
import { createCliContext } from './cli/context.js';
import { registerTicketCommands } from './cli/ticket-commands.js';
import { createApp } from './app.js';
import { registerEvalCommand } from './cli/eval-command.js';
import { registerKnowledgeCommands } from './cli/knowledge-commands.js';
import { registerReviewCommands } from './cli/review-commands.js';
import { registerMigrateCommand } from './cli/migrate-command.js';
import { registerExportCommand } from './cli/export-command.js';
import { registerImpactCommand } from './cli/impact-command.js';
import { registerFormCommands } from './cli/form-commands.js';
import { registerFollowUpCommand, registerNoticeCommand } from './cli/notice-command.js';
import { affectedAnswerOf, FollowUpService } from './notices/follow-up-service.js';
import { NoticeService } from './notices/notice-service.js';
import { createImpactService } from './curation/impact.js';

const program = new Command()
  .name('trolyxa')
  .description('Trợ lý Xã — the commune assistant: knowledge base, retrieval and evaluation from the terminal')
  .showHelpAfterError()
  .exitOverride();

registerKnowledgeCommands(program);
registerReviewCommands(program);
registerEvalCommand(program);
registerChatCommand(program);
registerAskCommand(program);
registerBackupCommands(program);
registerMigrateCommand(program);
registerExportCommand(program);
registerServeCommand(program);

/** The app for a command that reads or writes the database only (no ingest at start). */
async function openApp() {
  const context = createCliContext();
  return createApp(context.config, { logger: context.logger, autoIngest: false });
}

registerTicketCommands(program, async () => {
  const app = await openApp();
  return { service: app.escalation, users: app.stores.users, close: () => app.close() };
});
registerFormCommands(program, async () => {
  const app = await openApp();
  return { forms: app.repos.forms, maxFileBytes: app.config.forms.maxFileBytes, close: () => app.close() };
});
registerImpactCommand(program, async () => {
  const app = await openApp();
  return { impact: createImpactService(app), close: () => app.close() };
});
registerNoticeCommand(program, async () => {
  const app = await openApp();
  return { notices: new NoticeService({ broadcasts: app.repos.broadcasts, users: app.stores.users }), close: () => app.close() };
});
registerFollowUpCommand(program, async () => {
  const app = await openApp();
  return {
    answers: async (ids) => (await Promise.all(ids.map((id) => app.log.get(id)))).filter((e) => e !== undefined).map(affectedAnswerOf),
    affected: async (days) =>
      (await createImpactService(app).affectedAnswers({ days })).map(({ id, question, asker, askedAt }) => ({
        id,
        question,
        channel: asker.channel,
        chatId: asker.chatId,
        userId: asker.userId,
        ...(asker.displayName && { displayName: asker.displayName }),
        ...(asker.commune && { commune: asker.commune }),
        askedAt,
      })),
    followUps: new FollowUpService({ broadcasts: app.repos.broadcasts }),
    close: () => app.close(),
  };
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (error instanceof ConfigError) {
    console.error(error.message);
    process.exitCode = 78;
  } else {
    console.error(`trolyxa: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
