import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * `\b` in a JavaScript regular expression knows only ASCII letters, even with the `u` flag: in
 * /\b(điều kiện|chỉ)\b/u neither word can ever match after a space ("đ" and "ỉ" are not word characters to
 * `\b`). Patterns over Vietnamese text must use (?<![\p{L}\p{N}]) and (?![\p{L}\p{N}]) where a word starts or
 * ends with a letter outside ASCII. This finds the mistake in the source.
 */

const ROOT = path.resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : [],
  );
}

const NON_ASCII_LETTER = /[^\x00-\x7f]/u;
const isNonAsciiLetter = (c: string | undefined) => c !== undefined && NON_ASCII_LETTER.test(c) && /\p{L}/u.test(c);

/** Alternatives of a group right after `\b` (first letters) or right before it (last letters). */
function misplacedBoundaries(pattern: string): string[] {
  const found: string[] = [];
  const group = String.raw`((?:[^()]|\([^()]*\))*)`;
  for (const m of pattern.matchAll(new RegExp(String.raw`\\b(?:\(\?:|\()` + group + String.raw`\)`, 'g'))) {
    for (const alt of m[1]!.split('|')) if (isNonAsciiLetter(alt[0])) found.push(`\\b before “${alt}”`);
  }
  for (const m of pattern.matchAll(new RegExp(String.raw`\(` + group + String.raw`\)\\b`, 'g'))) {
    for (const alt of m[1]!.split('|')) if (isNonAsciiLetter(alt.at(-1))) found.push(`\\b after “${alt}”`);
  }
  for (const m of pattern.matchAll(/\\b([^\\()|[\]?*+{}^$\s.]+)/g)) if (isNonAsciiLetter(m[1]![0])) found.push(`\\b before “${m[1]}”`);
  for (const m of pattern.matchAll(/([^\\()|[\]?*+{}^$\s.]+)\\b/g)) if (isNonAsciiLetter(m[1]!.at(-1))) found.push(`\\b after “${m[1]}”`);
  return found;
}

describe('word boundaries in patterns over Vietnamese text', () => {
  it('finds the mistake it looks for', () => {
    expect(misplacedBoundaries(String.raw`\b(điều kiện|chỉ)\b`)).toEqual(['\\b before “điều kiện”', '\\b after “chỉ”']);
    expect(misplacedBoundaries(String.raw`(?<![\p{L}\p{N}])(điều kiện|chỉ)(?![\p{L}\p{N}])`)).toEqual([]);
    expect(misplacedBoundaries(String.raw`\b(thoi han|bao lau)\b`)).toEqual([]);
  });

  it('uses \\b only next to ASCII letters and digits', () => {
    const problems: string[] = [];
    const literal = /\/((?:\\.|\[(?:\\.|[^\]])*\]|[^/\n])+)\/[dgimsuyv]*/g;
    for (const file of sourceFiles(ROOT)) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (!line.includes('\\b')) return;
          for (const m of line.matchAll(literal)) {
            const body = m[1]!;
            if (!body.includes('\\b') || !NON_ASCII_LETTER.test(body)) continue;
            for (const problem of misplacedBoundaries(body)) problems.push(`${path.relative(ROOT, file)}:${index + 1}: ${problem}`);
          }
        });
    }
    expect(problems).toEqual([]);
  });
});
