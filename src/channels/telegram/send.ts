import type { Api, InlineKeyboard } from 'grammy';
import type { AssistantReply } from '../../assistant/types.js';
import type { BotContext } from './context.js';
import { renderHtmlParts } from './format.js';
import { replyKeyboard } from './keyboards.js';

export interface SendOptions {
  /** Buttons under the last part. */
  keyboard?: InlineKeyboard;
  /** Reply to this message (the first part only); sent anyway if it was deleted. */
  replyTo?: number;
  /** Bold first line (titles of notifications, relays). */
  boldFirstLine?: boolean;
}

/** Delivery progress of a multi-part text, so a retry can skip the parts that already arrived. */
export interface SendProgress {
  done: number;
}

/**
 * Sends plain `text` as Telegram HTML: split within the 4096-character limit, escaped and formatted,
 * part after part, with the keyboard on the last one. Throws the first API error (after `progress.done`
 * parts went out).
 */
export async function sendText(
  api: Api,
  chatId: number | string,
  text: string,
  options: SendOptions = {},
  progress: SendProgress = { done: 0 },
): Promise<void> {
  const parts = renderHtmlParts(text, { boldFirstLine: options.boldFirstLine });
  for (let index = progress.done; index < parts.length; index++) {
    const last = index === parts.length - 1;
    await api.sendMessage(chatId, parts[index]!, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...(index === 0 && options.replyTo !== undefined && {
        reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true },
      }),
      ...(last && options.keyboard && { reply_markup: options.keyboard }),
    });
    progress.done = index + 1;
  }
}

/**
 * Sends the assistant's reply in the current chat (its short form when it has one: /chitiet sends the
 * rest), with a button per form it can send and the feedback buttons when the core offers them.
 */
export async function sendReply(ctx: BotContext, reply: AssistantReply, options: { replyTo?: number } = {}): Promise<void> {
  const chatId = ctx.chat?.id;
  if (chatId === undefined) return;
  await sendText(ctx.api, chatId, reply.brief ?? reply.text, { keyboard: replyKeyboard(reply), replyTo: options.replyTo });
}

/** Sends a short plain text (a command's result) in the current chat. */
export async function sendPlain(ctx: BotContext, text: string, options: SendOptions = {}): Promise<void> {
  const chatId = ctx.chat?.id;
  if (chatId === undefined) return;
  await sendText(ctx.api, chatId, text, options);
}

const TYPING_EVERY_MS = 4_500;

/**
 * Shows "typing…" while `work` runs, once it has taken `ctx.typingAfterMs` (a quick answer needs no
 * indicator, and skipping it halves the API calls per question); Telegram clears the indicator after
 * ~5 s, so it is repeated. Best effort: a failed chat action never fails the answer.
 */
export async function withTyping<T>(ctx: BotContext, work: () => Promise<T>): Promise<T> {
  const ping = () => {
    ctx.replyWithChatAction('typing').catch((error: unknown) => ctx.deps.logger.debug({ err: error }, 'typing indicator failed'));
  };
  let repeat: NodeJS.Timeout | undefined;
  const start = () => {
    ping();
    repeat = setInterval(ping, TYPING_EVERY_MS);
    repeat.unref();
  };
  let first: NodeJS.Timeout | undefined;
  if (ctx.typingAfterMs <= 0) start();
  else {
    first = setTimeout(start, ctx.typingAfterMs);
    first.unref();
  }
  try {
    return await work();
  } finally {
    clearTimeout(first);
    clearInterval(repeat);
  }
}
