import { Command, CommanderError } from 'commander';
import { ConfigError } from './config.js';
import { registerChatCommand } from './cli/chat-command.js';
import { registerEvalCommand } from './cli/eval-command.js';
import { registerKnowledgeCommands } from './cli/knowledge-commands.js';

const program = new Command()
  .name('trolyxa')
  .description('Trợ lý Xã — the commune assistant: knowledge base, retrieval and evaluation from the terminal')
  .showHelpAfterError()
  .exitOverride();

registerKnowledgeCommands(program);
registerEvalCommand(program);
registerChatCommand(program);

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
