/** Telegram's limit for one message: 4096 characters (UTF-16 code units) after entity parsing. */
export const TELEGRAM_TEXT_LIMIT = 4096;

/** From the coarsest boundary to the finest: paragraphs, then lines, then words. */
const LEVELS: readonly { separator: RegExp; joiner: string }[] = [
  { separator: /\n[ \t]*\n\s*/u, joiner: '\n\n' },
  { separator: /\n/u, joiner: '\n' },
  { separator: /[ \t]+/u, joiner: ' ' },
];

/**
 * Cuts plain text into parts of at most `limit` characters, preferring paragraph boundaries, then line
 * boundaries, then spaces; only a single word longer than `limit` is cut inside (never inside a UTF-16
 * surrogate pair). Parts are packed greedily, so as few messages as possible are sent. Split the plain
 * text first and escape/format each part afterwards: no tag or entity can then be cut in two.
 *
 * @example
 * splitText('a\n\nb', 3) // → ['a', 'b']
 */
export function splitText(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  if (!Number.isInteger(limit) || limit < 2) throw new Error('limit must be a whole number ≥ 2');
  const clean = text.replace(/\r\n?/gu, '\n').trim();
  if (!clean) return [];
  return pack(clean, limit, 0)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

function pack(text: string, limit: number, level: number): string[] {
  if (text.length <= limit) return [text];
  const rule = LEVELS[level];
  if (!rule) return hardCut(text, limit);
  const out: string[] = [];
  let current = '';
  for (const piece of text.split(rule.separator)) {
    if (!piece) continue;
    for (const sub of piece.length > limit ? pack(piece, limit, level + 1) : [piece]) {
      if (!current) current = sub;
      else if (current.length + rule.joiner.length + sub.length <= limit) current += rule.joiner + sub;
      else {
        out.push(current);
        current = sub;
      }
    }
  }
  if (current) out.push(current);
  return out;
}

function hardCut(text: string, limit: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = limit;
    const last = rest.charCodeAt(cut - 1);
    if (last >= 0xd800 && last <= 0xdbff) cut -= 1; // keep a surrogate pair together
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) out.push(rest);
  return out;
}
