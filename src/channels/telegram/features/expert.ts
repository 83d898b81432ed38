import { Composer, type InlineKeyboard } from 'grammy';
import { parseExpertCommand, runExpertCommand, type ExpertCommand } from '../../expert-commands.js';
import type { Ticket, User } from '../../../escalation/types.js';
import type { BotContext } from '../context.js';
import { TELEGRAM_CHANNEL } from '../context.js';
import { findStaff, isAdmin, isReplyToTicketNotification, ticketIdOfNotification } from '../filters.js';
import { actorFrom } from '../identity.js';
import { approveKeyboard } from '../keyboards.js';
import { sendPlain, sendText } from '../send.js';
import { EXPERT_USAGE, reviewText } from '../texts.js';

const ACTIVE: readonly Ticket['status'][] = ['open', 'assigned'];

/**
 * Expert and admin commands typed in chat (`/nhan`, `/traloi`, `/duyet`, parsed and carried out by the
 * shared expert-commands module), and an expert's reply to a ticket notification, which answers that
 * ticket. Who acts is always `ctx.from.id`; the core refuses anyone who is not an active expert/admin.
 * After an answer, admins on Telegram get it with an "approve" button.
 */
export function expertFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command(['nhan', 'traloi', 'duyet'], async (ctx) => {
    const text = ctx.msg?.text ?? '';
    const command = parseExpertCommand(text);
    if (!command) {
      const name = /^\/(\w+)/u.exec(text)?.[1]?.toLowerCase() ?? '';
      return sendPlain(ctx, EXPERT_USAGE[name] ?? EXPERT_USAGE.traloi!, { replyTo: ctx.msg?.message_id });
    }
    await carryOut(ctx, command);
  });

  feature.on('message:text').filter(isReplyToTicketNotification, async (ctx) => {
    const ticketId = ticketIdOfNotification(ctx.msg.reply_to_message?.text);
    if (ticketId === undefined) return;
    await carryOut(ctx, { kind: 'answer', ticketId, text: ctx.msg.text });
  });

  return feature;
}

async function carryOut(ctx: BotContext, command: ExpertCommand): Promise<void> {
  if (!ctx.from) return;
  const before = command.kind === 'answer' ? await ctx.deps.escalation.getTicket(command.ticketId) : undefined;
  const result = await runExpertCommand(command, actorFrom(ctx.from), ctx.deps);
  let keyboard: InlineKeyboard | undefined;
  if (command.kind === 'answer' && before && ACTIVE.includes(before.status)) {
    keyboard = await afterAnswer(ctx, command.ticketId);
  }
  await sendPlain(ctx, result, { keyboard, replyTo: ctx.msg?.message_id });
}

/**
 * Once an answer went through: an admin who answered gets the approve button on the confirmation;
 * otherwise the admins registered on Telegram are sent the answer with the button (best effort).
 */
async function afterAnswer(ctx: BotContext, ticketId: number): Promise<InlineKeyboard | undefined> {
  const staff = await findStaff(ctx);
  const ticket = await ctx.deps.escalation.getTicket(ticketId);
  if (!staff || !ticket || ticket.expertId !== staff.id || ticket.answer === undefined || ACTIVE.includes(ticket.status)) return undefined;
  if (isAdmin(staff)) return approveKeyboard(ticketId);
  await offerReview(ctx, ticket, staff);
  return undefined;
}

async function offerReview(ctx: BotContext, ticket: Ticket, expert: User): Promise<void> {
  const admins = (await ctx.deps.users.list({ role: 'admin' })).filter(
    (u) => isAdmin(u) && u.channel === TELEGRAM_CHANNEL && u.id !== expert.id,
  );
  const text = reviewText(ticket.id, expert.displayName, ticket.question, ticket.answer ?? '');
  for (const admin of admins) {
    await sendText(ctx.api, admin.chatId, text, { keyboard: approveKeyboard(ticket.id), boldFirstLine: true }).catch((error: unknown) =>
      ctx.deps.logger.warn({ err: error, admin: admin.id, ticket: ticket.id }, 'could not offer an answer for approval'),
    );
  }
}
