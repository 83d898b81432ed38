import { Composer } from 'grammy';
import type { AssistantReply } from '../../../assistant/types.js';
import { TELEGRAM_CHANNEL, type BotContext } from '../context.js';
import { sourceKeyOf } from '../../../storage/update-inbox.js';
import { isAddressedToBot, withoutBotMention } from '../filters.js';
import { askerFrom } from '../identity.js';
import { toSendResult } from '../outbound-port.js';
import { sendPlain, sendReply, withTyping } from '../send.js';
import { formData } from '../callback-data.js';
import { ASK_USAGE, STALE_BUTTON } from '../texts.js';

/**
 * Questions to the assistant. Private chats: every text that is not a command. Groups: only `/hoi …`,
 * a mention of the bot, or a reply to one of its messages (the answer replies to the question).
 * `/chuyengia [câu hỏi]` hands the given question, or the chat's last one, to an expert.
 */
export function questionsFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command('hoi', async (ctx) => {
    const question = ctx.match.trim();
    if (!question) return sendPlain(ctx, ASK_USAGE, { replyTo: groupReplyTarget(ctx) });
    await ask(ctx, question);
  });

  // The whole of the chat's last answer (messengers get its short form first).
  feature.command('chitiet', async (ctx) => {
    await ask(ctx, '/chitiet');
  });

  // A form's file ("/mau 12"), asked for by command or by the button under an answer that names it.
  feature.command('mau', async (ctx) => {
    await ask(ctx, `/mau ${ctx.match}`.trim());
  });
  feature.callbackQuery(formData.pattern, async (ctx) => {
    const data = formData.parse(ctx.callbackQuery.data);
    await ctx.answerCallbackQuery(data ? {} : { text: STALE_BUTTON });
    if (data) await ask(ctx, `/mau ${data.number}`);
  });

  // The core keeps each chat's last question; "hỏi chuyên gia" alone escalates that one.
  feature.command('chuyengia', async (ctx) => {
    const question = ctx.match.trim();
    await ask(ctx, question ? `hỏi chuyên gia: ${question}` : 'hỏi chuyên gia');
  });

  feature.chatType('private').on('message:text', async (ctx, next) => {
    if (ctx.msg.text.startsWith('/')) return next();
    await ask(ctx, ctx.msg.text);
  });

  feature
    .chatType(['group', 'supergroup'])
    .on('message:text')
    .filter(isAddressedToBot, async (ctx) => {
      await ask(ctx, withoutBotMention(ctx.msg, ctx.me));
    });

  return feature;
}

async function ask(ctx: BotContext, text: string): Promise<void> {
  const asker = askerFrom(ctx.chat, ctx.from);
  if (!asker) return;
  const sourceKey = sourceKeyOf(TELEGRAM_CHANNEL, String(ctx.update.update_id));
  await answerWith(ctx, () => ctx.deps.assistant.handle({ asker, text, sourceKey, resumed: ctx.resumed }), sourceKey);
}

/**
 * Sends the reply `produce` gives (with "typing…" while it takes), in the chat of the update `sourceKey`
 * names; when Telegram cannot take it now, the outbox keeps it and retries.
 */
export async function answerWith(ctx: BotContext, produce: () => Promise<AssistantReply>, sourceKey: string): Promise<void> {
  const reply = await withTyping(ctx, produce);
  try {
    await sendReply(ctx, reply, { replyTo: groupReplyTarget(ctx) });
  } catch (error) {
    // Telegram down or refusing for now: the outbox keeps the answer and retries it with backoff.
    const failure = toSendResult(error);
    if (!failure.retryable || ctx.chat === undefined) throw error;
    ctx.deps.logger.warn({ chatId: ctx.chat.id, error: failure.error }, 'telegram: answer not sent; queued in the outbox');
    await ctx.deps.escalation.queueAnswer({ channel: TELEGRAM_CHANNEL, chatId: String(ctx.chat.id), text: reply.text, key: sourceKey });
  }
}

/** In a group the answer quotes the question it answers; in a private chat that is just noise. */
function groupReplyTarget(ctx: BotContext): number | undefined {
  return ctx.chat?.type === 'private' ? undefined : ctx.msg?.message_id;
}
