import type { Asker } from '../../escalation/types.js';
import type { ZaloBotMessage, ZaloBotUpdate } from './api.js';

/** What the adapter does with one inbound update. */
export type ZaloBotInbound =
  | { kind: 'text'; messageId?: string; asker: Asker; text: string }
  | { kind: 'photo'; messageId?: string; asker: Asker; url: string; caption: string }
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
 * Classifies an update: a text message (to answer), a photo (to read, with its caption), another user
 * message (sticker, voice… — to answer politely that only text is read), or something to ignore (no message, a reaction, a bot, an
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
  if (event === 'message.image.received' && typeof message.photo === 'string' && message.photo.trim()) {
    const caption = typeof message.caption === 'string' ? message.caption : '';
    return { kind: 'photo', asker, url: message.photo.trim(), caption, ...(messageId && { messageId }) };
  }
  return { kind: 'non-text', asker, ...(messageId && { messageId }) };
}

/**
 * What is wrong with the types of an update's fields (a field path and the type expected), or undefined
 * when it can be read. A field that is absent or null is fine (Zalo leaves out what an event does not
 * have); a present one must have its documented type, so a text event whose `text` is an object is
 * refused rather than answered as a sticker.
 */
export function updateProblem(update: ZaloBotUpdate): string | undefined {
  const body = update as Record<string, unknown>;
  if (!isAbsent(body.event_name) && typeof body.event_name !== 'string') return 'event_name: expected a string';
  if (isAbsent(body.message)) return undefined;
  if (!isObject(body.message)) return 'message: expected an object';
  const message = body.message;
  for (const name of ['text', 'caption', 'photo', 'sticker', 'url']) {
    if (!isAbsent(message[name]) && typeof message[name] !== 'string') return `message.${name}: expected a string`;
  }
  if (!isAbsent(message.message_id) && !isIdLike(message.message_id)) return 'message.message_id: expected a string';
  if (!isAbsent(message.date) && typeof message.date !== 'number') return 'message.date: expected a number';
  if (!isAbsent(message.chat)) {
    if (!isObject(message.chat)) return 'message.chat: expected an object';
    if (!isAbsent(message.chat.id) && !isIdLike(message.chat.id)) return 'message.chat.id: expected a string';
    if (!isAbsent(message.chat.chat_type) && typeof message.chat.chat_type !== 'string') return 'message.chat.chat_type: expected a string';
  }
  if (!isAbsent(message.from)) {
    if (!isObject(message.from)) return 'message.from: expected an object';
    const from = message.from;
    if (!isAbsent(from.id) && !isIdLike(from.id)) return 'message.from.id: expected a string';
    for (const name of ['display_name', 'first_name', 'name']) {
      if (!isAbsent(from[name]) && typeof from[name] !== 'string') return `message.from.${name}: expected a string`;
    }
    if (!isAbsent(from.is_bot) && typeof from.is_bot !== 'boolean') return 'message.from.is_bot: expected true or false';
  }
  return undefined;
}

const isAbsent = (value: unknown) => value === undefined || value === null;
const isIdLike = (value: unknown) => typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value));

function idOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim()) return value.trim();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
