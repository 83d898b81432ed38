import type { Chat, User } from 'grammy/types';
import type { Asker } from '../../escalation/types.js';
import { TELEGRAM_CHANNEL } from './context.js';

/** "First Last", else "@username", else undefined. */
export function displayNameOf(user: Pick<User, 'first_name' | 'last_name' | 'username'>): string | undefined {
  const name = [user.first_name, user.last_name].filter((part) => part?.trim()).join(' ').trim();
  if (name) return name;
  return user.username ? `@${user.username}` : undefined;
}

/**
 * Who asked, from the platform's own ids: the chat to answer in and the sender. Undefined when the
 * update has no human sender (channel posts).
 *
 * @example
 * askerFrom(ctx.chat, ctx.from) // → { channel: 'telegram', chatId: '-1001', userId: '42', displayName: 'An Nguyễn' }
 */
export function askerFrom(chat: Pick<Chat, 'id'> | undefined, from: User | undefined): Asker | undefined {
  if (!chat || !from || from.is_bot) return undefined;
  const asker: Asker = { channel: TELEGRAM_CHANNEL, chatId: String(chat.id), userId: String(from.id) };
  const name = displayNameOf(from);
  if (name) asker.displayName = name;
  return asker;
}

/** The sender as the expert commands know them: identity from `from.id`, never from the message text. */
export function actorFrom(from: Pick<User, 'id'>): { channel: string; userId: string } {
  return { channel: TELEGRAM_CHANNEL, userId: String(from.id) };
}
