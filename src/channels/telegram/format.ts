import { splitText, TELEGRAM_TEXT_LIMIT } from './split.js';

/**
 * Escapes text for Telegram's HTML parse mode: `&`, `<`, `>` everywhere and `"` (so the result is also
 * safe inside an attribute). Telegram knows only the named entities `&lt; &gt; &amp; &quot;`.
 *
 * @example
 * escapeHtml('<script>&') // → '&lt;script&gt;&amp;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/gu, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : '&quot;'));
}

export interface FormatOptions {
  /** Put the first line in bold (titles of notifications and relays). An answer's `📌` line is always bold. */
  boldFirstLine?: boolean;
}

/**
 * One plain-text part as Telegram HTML: every line escaped; the first line bold when it is an answer's
 * `📌` title (or when asked); `Căn cứ:` source lines in italics. Tags never span lines, so they are
 * always balanced.
 */
export function formatHtml(plain: string, options: FormatOptions = {}): string {
  return plain
    .split('\n')
    .map((line, index) => {
      const html = escapeHtml(line);
      if (!line.trim()) return html;
      if (index === 0 && (options.boldFirstLine || line.startsWith('📌'))) return `<b>${html}</b>`;
      if (/^\s*Căn cứ:/u.test(line)) return `<i>${html}</i>`;
      return html;
    })
    .join('\n');
}

/**
 * Plain text → the HTML parts to send: split on paragraph/line/word boundaries within Telegram's limit
 * (counted on the plain text, as Telegram counts after parsing), then each part escaped and formatted.
 * Only the first part gets the bold title.
 */
export function renderHtmlParts(text: string, options: FormatOptions & { limit?: number } = {}): string[] {
  const parts = splitText(text, options.limit ?? TELEGRAM_TEXT_LIMIT);
  return parts.map((part, index) => formatHtml(part, { boldFirstLine: index === 0 && options.boldFirstLine === true }));
}

/** At most `max` characters, with an ellipsis when cut (callback answers take 200). */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
