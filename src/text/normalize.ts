/**
 * Vietnamese text normalisation: NFC, one canonical tone-mark placement, and a folded
 * (diacritic-free) form.
 */

const TONE_MARKS = new Set(['\u0300', '\u0301', '\u0303', '\u0309', '\u0323']);
const COMBINING = /[\u0300-\u036f]/g;
const VOWELS = new Set([...'aăâeêioôơuưy']);
const SHAPED_VOWELS = new Set([...'ăâêôơư']);

/**
 * A lookbehind for a sentence or clause break: not right after an abbreviation that names what follows ("TP. Hồ Chí
 * Minh", "Q. 3", "PGS. TS. …"). Insert it right before the break's whitespace in a `u` regular expression.
 */
export const NOT_AFTER_NAME_ABBREVIATION = String.raw`(?<!(?<![\p{L}])(?:TP|Tp|tp|TX|Tx|TT|Q|P|X|H|T|Th|ThS|TS|BS|GS|PGS)\.)`;

/** Unicode NFC with CRLF → LF. */
export function nfc(text: string): string {
  return text.normalize('NFC').replace(/\r\n?/g, '\n');
}

/** Removes every diacritic, including the stroke of đ/Đ (which Unicode does not decompose). */
export function fold(text: string): string {
  return text.normalize('NFD').replace(COMBINING, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFC');
}

/** True when the text carries any Vietnamese diacritic (tone, vowel shape or đ). */
export function hasDiacritics(text: string): boolean {
  return fold(text) !== text.normalize('NFC');
}

/**
 * Puts the tone mark of one lower-case syllable in one canonical place (the placement most legal
 * texts use: hòa, thủy, khỏe, quý), so that the other spellings (hoà, thuỷ, khoẻ, qúy) become the
 * same string.
 */
export function canonicalTone(syllable: string): string {
  const decomposed = syllable.normalize('NFD');
  let tone = '';
  let rest = '';
  for (const ch of decomposed) {
    if (TONE_MARKS.has(ch)) {
      if (tone) return syllable.normalize('NFC'); // two tones: not a Vietnamese syllable, leave it
      tone = ch;
    } else {
      rest += ch;
    }
  }
  if (!tone) return syllable.normalize('NFC');
  const base = [...rest.normalize('NFC')];
  const at = tonePosition(base);
  if (at < 0) return syllable.normalize('NFC');
  base[at] = (base[at] + tone).normalize('NFC');
  return base.join('');
}

function tonePosition(chars: string[]): number {
  let start = chars.findIndex((c) => VOWELS.has(c));
  if (start < 0) return -1;
  // "qu" + vowel and "gi" + vowel: the u / i belongs to the initial consonant.
  const next = chars[start + 1];
  if (next !== undefined && VOWELS.has(next)) {
    const prev = chars[start - 1];
    if ((chars[start] === 'u' && prev === 'q') || (chars[start] === 'i' && prev === 'g' && start === 1)) start += 1;
  }
  let end = start;
  while (end < chars.length && VOWELS.has(chars[end]!)) end += 1;
  const nucleus = chars.slice(start, end);
  const hasFinal = end < chars.length;
  const horn = nucleus.indexOf('ơ');
  if (horn >= 0) return start + horn;
  const shaped = nucleus.findIndex((c) => SHAPED_VOWELS.has(c));
  if (shaped >= 0) return start + shaped;
  if (nucleus.length === 1) return start;
  if (hasFinal) return end - 1;
  // Open syllables: two vowels carry the tone on the first (hòa, thủy, mía), three on the middle (ngoài, khuỷu).
  return nucleus.length === 2 ? start : start + 1;
}
