import type { Message, MessageEntity, UserFromGetMe } from 'grammy/types';
import type { User } from '../../escalation/types.js';
import { TELEGRAM_CHANNEL, type BotContext } from './context.js';

/*
 * Predicates for `composer.filter(...)`: chat addressing and roles. Identity always comes from the
 * platform's sender id (`ctx.from.id`).
 */

/*
 * The webhook refuses updates with mistyped fields (update-shape.ts); these readers still take nothing
 * for granted, so an update that reached the bot another way cannot make a predicate throw.
 */
const textOf = (message: Pick<Message, 'text'>): string => (typeof message.text === 'string' ? message.text : '');
const entitiesOf = (message: Pick<Message, 'entities'>): MessageEntity[] =>
  Array.isArray(message.entities) ? message.entities.filter((e) => typeof e === 'object' && e !== null) : [];

/** True for a message entity that names this bot (`@botname`, or a text mention of its user). */
function isBotMention(text: string, entity: MessageEntity, me: UserFromGetMe): boolean {
  if (entity.type === 'text_mention') return entity.user?.id === me.id;
  if (entity.type !== 'mention') return false;
  return text.slice(entity.offset, entity.offset + entity.length).toLowerCase() === `@${me.username.toLowerCase()}`;
}

/** The message mentions the bot. */
export function mentionsBot(message: Pick<Message, 'text' | 'entities'>, me: UserFromGetMe): boolean {
  const text = textOf(message);
  return entitiesOf(message).some((e) => isBotMention(text, e, me));
}

/** The message replies to one of the bot's own messages. */
export function repliesToBot(message: Pick<Message, 'reply_to_message'>, me: UserFromGetMe): boolean {
  return message.reply_to_message?.from?.id === me.id;
}

/** In a group the bot answers only when addressed: mentioned or replied to (`/hoi` is a command of its own). */
export function isAddressedToBot(ctx: BotContext): boolean {
  const message = ctx.message;
  if (!message || !textOf(message) || textOf(message).startsWith('/')) return false;
  return mentionsBot(message, ctx.me) || repliesToBot(message, ctx.me);
}

/** The text without the mentions of the bot (`@botname hồ sơ …` → `hồ sơ …`). */
export function withoutBotMention(message: Pick<Message, 'text' | 'entities'>, me: UserFromGetMe): string {
  const text = textOf(message);
  const cuts = entitiesOf(message).filter((e) => isBotMention(text, e, me)).sort((a, b) => b.offset - a.offset);
  let out = text;
  for (const e of cuts) out = `${out.slice(0, e.offset)} ${out.slice(e.offset + e.length)}`;
  return out.replace(/\s+/gu, ' ').trim();
}

/**
 * The ticket number of a notification or reminder the bot sent to an expert (their first line reads
 * "Câu hỏi mới #12 …" or "Nhắc việc: câu hỏi #12 …"); undefined for any other text.
 */
export function ticketIdOfNotification(text: string | undefined): number | undefined {
  const firstLine = (typeof text === 'string' ? text : '').split('\n', 1)[0] ?? '';
  const match = /^(?:Câu hỏi mới|Nhắc việc: câu hỏi) #(\d{1,15})\b/u.exec(firstLine.trim());
  const id = Number(match?.[1]);
  return match && Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** A text message replying to a ticket notification the bot sent (an expert answering it). */
export function isReplyToTicketNotification(ctx: BotContext): boolean {
  const message = ctx.message;
  if (!message || !textOf(message) || textOf(message).startsWith('/') || !message.reply_to_message) return false;
  return repliesToBot(message, ctx.me) && ticketIdOfNotification(textOf(message.reply_to_message)) !== undefined;
}

/** The sender as a registered, active expert or admin of this channel; undefined for anyone else. */
export async function findStaff(ctx: BotContext): Promise<User | undefined> {
  if (!ctx.from) return undefined;
  const user = await ctx.deps.users.findByChannelUser(TELEGRAM_CHANNEL, String(ctx.from.id));
  return user && user.active && user.approved && (user.role === 'expert' || user.role === 'admin') ? user : undefined;
}

/** A registered, active admin. */
export function isAdmin(user: User | undefined): boolean {
  return user !== undefined && user.active && user.approved && user.role === 'admin';
}
