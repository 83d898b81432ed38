import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { AssistantReply } from '../assistant/types.js';
import { createApp } from '../app.js';
import type { Asker } from '../escalation/types.js';
import { createCliContext } from './context.js';

export function terminalAsker(): Asker {
  let user = 'terminal';
  try {
    user = userInfo().username || user;
  } catch {
    // no user database entry (containers): keep the default
  }
  return { channel: 'cli', chatId: 'terminal', userId: user, displayName: user };
}

export function replyJson(query: string, reply: AssistantReply) {
  const out: Record<string, unknown> = {
    query,
    stage: reply.stage,
    answer: reply.text,
    citations: reply.citations.map((c) => ({ id: c.id, citation: c.citation, source_url: c.sourceUrl ?? null })),
    confidence: reply.confidence,
  };
  if (reply.ticket !== undefined) out['ticket'] = reply.ticket;
  if (reply.escalationReason) out['reason'] = reply.escalationReason;
  return out;
}

export function registerAskCommand(program: Command): void {
  program
    .command('ask')
    .description('Ask the assistant: a cited answer, an approved expert answer, or a ticket for the experts')
    .argument('[question]', 'the question (quote it)')
    .option('--json', 'print one JSON object')
    .option('--batch <file>', 'one question a line; prints one JSON line per question')
    .action(async (question: string | undefined, options: { json?: boolean; batch?: string }) => {
      if (!question && !options.batch) throw new Error('give a question, or --batch FILE');
      const context = createCliContext();
      const app = await createApp(context.config, { logger: context.logger });
      try {
        const questions = options.batch
          ? (await readFile(options.batch, 'utf8')).split(/\r?\n/).map((l) => l.trim()).filter(Boolean)
          : [question!];
        const asker = terminalAsker();
        for (const [n, q] of questions.entries()) {
          // Each line of a batch is a question of its own: no rate limit, and no follow-up of the line before.
          const reply = options.batch
            ? await app.assistant.handle({ asker: { ...asker, chatId: `batch-${n + 1}` }, text: q, rateLimited: false })
            : await app.assistant.handle({ asker, text: q });
          if (options.json || options.batch) console.log(JSON.stringify(replyJson(q, reply)));
          else console.log(reply.text);
        }
      } finally {
        await app.close();
      }
    });
}
