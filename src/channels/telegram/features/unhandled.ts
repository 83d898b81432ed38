import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import { sendPlain } from '../send.js';
import { STALE_BUTTON, TEXT_ONLY, UNKNOWN_COMMAND } from '../texts.js';

/** Last: what no feature took. Private chats get a hint; groups stay quiet; stray buttons stop spinning. */
export function unhandledFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.chatType('private').on('message', async (ctx) => {
    await sendPlain(ctx, ctx.msg.text?.startsWith('/') ? UNKNOWN_COMMAND : TEXT_ONLY);
  });
  feature.on('callback_query', async (ctx) => {
    await ctx.answerCallbackQuery({ text: STALE_BUTTON });
  });
  return feature;
}
