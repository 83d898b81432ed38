import { Composer } from 'grammy';
import { runExpertCommand } from '../../expert-commands.js';
import { approveData, claimData } from '../callback-data.js';
import type { BotContext } from '../context.js';
import { findStaff } from '../filters.js';
import { clip } from '../format.js';
import { actorFrom } from '../identity.js';
import { noKeyboard } from '../keyboards.js';
import { sendPlain } from '../send.js';
import { STALE_BUTTON } from '../texts.js';

/**
 * The buttons of the escalation loop: "claim" under a ticket notification (experts) and "approve" under
 * an expert's answer (admins). Both run through the shared expert commands, with the presser's
 * `from.id` as identity. On success the button disappears and the result is posted in the chat; a
 * refusal is shown only to whoever pressed.
 */
export function ticketButtonsFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.callbackQuery(claimData.pattern, async (ctx) => {
    const data = claimData.parse(ctx.callbackQuery.data);
    if (!data) return void (await ctx.answerCallbackQuery({ text: STALE_BUTTON }));
    const result = await runExpertCommand({ kind: 'claim', ticketId: data.ticketId }, actorFrom(ctx.from), ctx.deps);
    const staff = await findStaff(ctx);
    const ticket = await ctx.deps.escalation.getTicket(data.ticketId);
    const claimed = staff !== undefined && ticket?.status === 'assigned' && ticket.expertId === staff.id;
    await finish(ctx, result, claimed);
  });

  feature.callbackQuery(approveData.pattern, async (ctx) => {
    const data = approveData.parse(ctx.callbackQuery.data);
    if (!data) return void (await ctx.answerCallbackQuery({ text: STALE_BUTTON }));
    const approvals = async () => ((await ctx.deps.escalation.getTicket(data.ticketId))?.events ?? []).filter((e) => e.action === 'approved').length;
    const before = await approvals();
    const result = await runExpertCommand({ kind: 'approve', ticketId: data.ticketId }, actorFrom(ctx.from), ctx.deps);
    await finish(ctx, result, (await approvals()) > before);
  });

  return feature;
}

async function finish(ctx: BotContext, result: string, done: boolean): Promise<void> {
  if (!done) {
    // A refusal is shown only to whoever pressed (the button may sit in a group).
    await ctx.answerCallbackQuery({ text: clip(result, 200), show_alert: true });
    return;
  }
  await ctx.answerCallbackQuery({ text: clip(result, 200) });
  await ctx
    .editMessageReplyMarkup({ reply_markup: noKeyboard() })
    .catch((error: unknown) => ctx.deps.logger.debug({ err: error }, 'could not remove the button'));
  await sendPlain(ctx, result, { replyTo: ctx.callbackQuery?.message?.message_id });
}
