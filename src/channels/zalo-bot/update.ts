import type { Asker } from '../../escalation/types.js';
import type { ZaloBotMessage, ZaloBotUpdate } from './api.js';

/** What the adapter does with one inbound update. */
export type ZaloBotInbound =
  | { kind: 'text'; messageId?: string; asker: Asker; text: string }
  | { kind: 'non-text'; messageId?: string; asker: Asker }
  | { kind: 'ignore'; why: string };

/**
 * The update inside a webhook body: the docs show `{ ok: true, result: { event_name, message } }`, live
 * traffic is flat `{ event_name, message }`; both are accepted. Undefined when the body is not an object.
 */
export function unwrapUpdate(body: unknown): ZaloBotUpdate | undefined {
  if (!isObject(body)) return undefined;
  if (body.ok === true && isObject(body.result)) return body.result as ZaloBotUpdate;
  return body as ZaloBotUpdate;
}

/**
 * Classifies an update: a text message (to answer), another user message (sticker, image, voice… — to
 * answer politely that only text is read), or something to ignore (no message, a reaction, a bot, an
 * unknown event). Ids stay strings; they are never coerced to numbers.
 */
export function classifyUpdate(update: ZaloBotUpdate, channel: string): ZaloBotInbound {
  const event = typeof update.event_name === 'string' ? update.event_name : '';
  const message: ZaloBotMessage | undefined = isObject(update.message) ? update.message : undefined;
  const chatId = idOf(message?.chat?.id);
  if (!message || !chatId) return { kind: 'ignore', why: `no message or chat (${event || 'no event'})` };
  if (message.from?.is_bot === true) return { kind: 'ignore', why: 'sent by a bot' };
  if (!/^message\.[a-z_]+\.received$/u.test(event) || event === 'message.reaction.received') {
    return { kind: 'ignore', why: `event ${event || '(none)'}` };
  }
  const from = message.from ?? {};
  const displayName = [from.display_name, from.first_name, from.name].find((n): n is string => typeof n === 'string' && n.trim() !== '');
  const asker: Asker = { channel, chatId, userId: idOf(from.id) ?? chatId, ...(displayName && { displayName: displayName.trim() }) };
  const messageId = idOf(message.message_id);
  const text = typeof message.text === 'string' ? message.text : undefined;
  if (text?.trim()) return { kind: 'text', asker, text, ...(messageId && { messageId }) };
  return { kind: 'non-text', asker, ...(messageId && { messageId }) };
}

function idOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim()) return value.trim();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
