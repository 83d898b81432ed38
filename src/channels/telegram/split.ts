import { splitText as splitPlainText } from '../text-split.js';

/** Telegram's limit for one message: 4096 characters (UTF-16 code units) after entity parsing. */
export const TELEGRAM_TEXT_LIMIT = 4096;

/**
 * Cuts plain text into parts of at most `limit` characters (the channels' shared splitter: paragraphs,
 * then lines, then spaces, never inside a surrogate pair). Split the plain text first and escape/format
 * each part afterwards: no tag or entity can then be cut in two.
 */
export function splitText(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  return splitPlainText(text, limit);
}
