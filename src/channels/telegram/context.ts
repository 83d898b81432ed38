import type { Context } from 'grammy';
import type { ChannelDeps } from '../types.js';

/** What the bot's handlers use from the core (the webhook/polling plumbing stays outside the bot). */
export type BotDeps = Pick<ChannelDeps, 'assistant' | 'escalation' | 'users' | 'logger' | 'papers'>;

/** The grammY context of this bot: the core's services are on `ctx.deps` (put there by the first middleware). */
export type BotContext = Context & {
  deps: BotDeps;
  /** How long an answer may take before the chat sees "typing…" (most offline answers take a few ms). */
  typingAfterMs: number;
  /** Whether this update is handled again after a crash (the assistant then looks for the answer it logged). */
  resumed: boolean;
  /** The Bot API server's root: files are downloaded from `<root>/file/bot<token>/<file_path>`, and only from there. */
  apiRoot: string;
};

/** The channel name stored on tickets and users. */
export const TELEGRAM_CHANNEL = 'telegram';
