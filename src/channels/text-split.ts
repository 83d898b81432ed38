import type { SendResult } from '../escalation/outbound-port.js';

/**
 * Splits plain text into pieces of at most `limit` characters (UTF-16 code units, what `string.length`
 * counts — never fewer than the platform counts), cutting at a paragraph break, else a line break, else a
 * space, and only as a last resort inside a word (never inside a surrogate pair, so emoji survive).
 * A break is taken only if it leaves the piece at least half full, so a long answer is not shredded into
 * many short messages. Pieces are trimmed where they were cut; no piece is empty.
 *
 * Split plain text before any markup is added (Telegram HTML: split, then escape each piece).
 *
 * @example
 * splitText(reply.text, 2000).forEach((piece) => api.sendMessage(chatId, piece));
 */
export function splitText(text: string, limit: number): string[] {
  if (!Number.isInteger(limit) || limit < 2) throw new RangeError(`limit must be a whole number ≥ 2, got ${limit}`);
  const pieces: string[] = [];
  let rest = text.replace(/\r\n?/g, '\n').trim();
  while (rest.length > limit) {
    const { at, skip } = cutPoint(rest, limit);
    const piece = rest.slice(0, at).trimEnd();
    if (piece) pieces.push(piece);
    rest = rest.slice(at + skip).replace(/^\n+/, '');
  }
  if (rest) pieces.push(rest);
  return pieces;
}

const BREAKS = ['\n\n', '\n', ' '] as const;

function cutPoint(text: string, limit: number): { at: number; skip: number } {
  // One character past the limit: a break right there still gives a full piece.
  const window = text.slice(0, limit + 1);
  for (const brk of BREAKS) {
    const at = window.lastIndexOf(brk);
    if (at >= limit / 2) return { at, skip: brk.length };
  }
  let best: { at: number; skip: number } | undefined;
  for (const brk of BREAKS) {
    const at = window.lastIndexOf(brk);
    if (at > 0 && (!best || at > best.at)) best = { at, skip: brk.length };
  }
  if (best) return best;
  const code = text.charCodeAt(limit - 1);
  const highSurrogate = code >= 0xd800 && code <= 0xdbff;
  return { at: highSurrogate ? limit - 1 : limit, skip: 0 };
}

/** Sends one piece of text to a chat; resolves with a failure rather than throwing. */
export type SendPiece = (chatId: string, text: string) => Promise<SendResult>;

export interface ChunkedSenderOptions {
  /** The platform's text limit per message. */
  limit: number;
  /** Waits between attempts of a direct reply (its length is the number of retries). Default [1000, 3000]. */
  replyRetryDelaysMs?: readonly number[];
  /** Longest wait a platform's retry-after may impose on a direct reply. Default 30 s. */
  maxRetryAfterMs?: number;
}

const MAX_REMEMBERED = 1000;

/**
 * Sends a text longer than the platform limit as several messages, in order, without ever sending a piece
 * twice when an attempt is repeated: an outbox message (stable `id`) that failed half-way resumes at
 * the first piece that did not arrive, and so does each retry of a direct reply.
 *
 * @example
 * const sender = new ChunkedSender((chatId, text) => api.send(chatId, text), { limit: 2000 });
 * const port: OutboundPort = { send: (m) => sender.send(m.chatId, m.text, m.id) };
 * await sender.reply(chatId, answerText); // retries retryable failures itself
 */
export class ChunkedSender {
  /** Outbox message id → pieces already delivered (only for messages that failed half-way). */
  private readonly progress = new Map<number, number>();
  private readonly retryDelays: readonly number[];
  private readonly maxRetryAfterMs: number;

  constructor(
    private readonly sendPiece: SendPiece,
    private readonly options: ChunkedSenderOptions,
  ) {
    this.retryDelays = options.replyRetryDelaysMs ?? [1000, 3000];
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  }

  /** One delivery attempt of an outbox message; a later attempt with the same `id` resumes where this one stopped. */
  async send(chatId: string, text: string, id: number): Promise<SendResult> {
    const pieces = splitText(text, this.options.limit);
    const { result, delivered } = await this.sendFrom(chatId, pieces, this.progress.get(id) ?? 0);
    this.progress.delete(id);
    if (!result.ok && delivered > 0) {
      if (this.progress.size >= MAX_REMEMBERED) this.progress.delete(this.progress.keys().next().value!);
      this.progress.set(id, delivered);
    }
    return result;
  }

  /** Answers a chat now, retrying retryable failures (after the platform's retry-after when it gives one). */
  async reply(chatId: string, text: string): Promise<SendResult> {
    const pieces = splitText(text, this.options.limit);
    let next = 0;
    for (let attempt = 0; ; attempt += 1) {
      const { result, delivered } = await this.sendFrom(chatId, pieces, next);
      next = delivered;
      if (result.ok || !result.retryable || attempt >= this.retryDelays.length) return result;
      const wait = Math.max(this.retryDelays[attempt]!, Math.min(result.retryAfterMs ?? 0, this.maxRetryAfterMs));
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  private async sendFrom(chatId: string, pieces: readonly string[], from: number): Promise<{ result: SendResult; delivered: number }> {
    for (let i = from; i < pieces.length; i += 1) {
      const result = await this.sendPiece(chatId, pieces[i]!);
      if (!result.ok) return { result, delivered: i };
    }
    return { result: { ok: true }, delivered: pieces.length };
  }
}
