import { Composer } from 'grammy';
import { feedbackData } from '../callback-data.js';
import type { BotContext } from '../context.js';
import { clip } from '../format.js';
import { askerFrom } from '../identity.js';
import { noKeyboard } from '../keyboards.js';
import { sendReply } from '../send.js';
import { STALE_BUTTON } from '../texts.js';

/**
 * The buttons under an answer: helpful / not helpful / ask an expert, stored by the core (the last two
 * hand the question to an expert). One vote per answer message: the buttons are removed after it.
 */
export function feedbackFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.callbackQuery(feedbackData.pattern, async (ctx) => {
    const data = feedbackData.parse(ctx.callbackQuery.data);
    const message = ctx.callbackQuery.message;
    const asker = askerFrom(message?.chat, ctx.from);
    if (!data || !message || !asker) return void (await ctx.answerCallbackQuery({ text: STALE_BUTTON }));

    const reply = await ctx.deps.assistant.feedback(data.answerId, data.value, asker);
    await ctx.answerCallbackQuery({ text: data.value === 'helpful' ? clip(reply.text, 200) : 'Đã ghi nhận góp ý của bạn.' });
    await ctx
      .editMessageReplyMarkup({ reply_markup: noKeyboard() })
      .catch((error: unknown) => ctx.deps.logger.debug({ err: error }, 'could not remove the feedback buttons'));
    if (data.value !== 'helpful') await sendReply(ctx, reply, { replyTo: message.message_id });
  });
  return feature;
}
