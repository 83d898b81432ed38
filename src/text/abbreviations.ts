import { readFileSync } from 'node:fs';
import { fold } from './normalize.js';
import { tokenize, type Token } from './tokenize.js';

/**
 * Abbreviation and synonym dictionary: "ncc" → "người có công". Keys are matched on the folded form
 * of one query syllable (so "nđ" and "nd" both hit), or on a folded phrase of several syllables.
 */
export class AbbreviationDictionary {
  private readonly entries = new Map<string, { kind: 'abbreviation' | 'synonym'; expansions: Token[][] }>();
  private longestKey = 1;

  static empty(): AbbreviationDictionary {
    return new AbbreviationDictionary();
  }

  /**
   * Parses the TSV format: `abbreviation<TAB>expansion[<TAB>replace|add]`, `#` comments and blank lines
   * ignored. Several lines may share an abbreviation (all expansions are used).
   * @throws Error naming the line when a line has no tab or an empty side.
   */
  static parse(tsv: string, sourceName = 'abbreviations'): AbbreviationDictionary {
    const dict = new AbbreviationDictionary();
    tsv.normalize('NFC').split(/\r?\n/).forEach((line, index) => {
      const trimmed = line.trim();
      if (!trimmed || trimmed.startsWith('#')) return;
      const [abbr, expansion, kind, ...extra] = line.split('\t').map((part) => part.trim());
      if (!abbr || !expansion || extra.some((e) => e.length > 0) || (kind && kind !== 'replace' && kind !== 'add')) {
        throw new Error(`${sourceName}:${index + 1}: expected "abbreviation<TAB>expansion[<TAB>replace|add]", got "${trimmed}"`);
      }
      dict.add(abbr, expansion, kind === 'replace' ? 'abbreviation' : kind === 'add' ? 'synonym' : undefined);
    });
    return dict;
  }

  static load(path: string): AbbreviationDictionary {
    return AbbreviationDictionary.parse(readFileSync(path, 'utf8'), path);
  }

  /**
   * Adds an entry. By default a key written as one word ("ncc", "t/b") is an abbreviation, replaced by its
   * expansion, and a key of several words is a synonym, added beside what was typed; `kind` overrides
   * that (a misspelling such as "thương bing" is replaced).
   */
  add(abbreviation: string, expansion: string, kind?: 'abbreviation' | 'synonym'): void {
    const keyTokens = tokenize(abbreviation);
    const expansionTokens = tokenize(expansion);
    if (keyTokens.length === 0 || expansionTokens.length === 0) return;
    const key = keyTokens.map((t) => t.folded).join(' ');
    // Written as one word ("ncc", "t/b", "lđ-tb&xh") it is an abbreviation; several words are a synonym phrase.
    const entry = this.entries.get(key) ?? {
      kind: kind ?? (/\s/.test(abbreviation.trim()) ? 'synonym' : 'abbreviation'),
      expansions: [],
    };
    const spelled = expansionTokens.map((t) => t.accented).join(' ');
    if (!entry.expansions.some((e) => e.map((t) => t.accented).join(' ') === spelled)) entry.expansions.push(expansionTokens);
    this.entries.set(key, entry);
    this.longestKey = Math.max(this.longestKey, keyTokens.length);
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Expansions for the phrase starting at `tokens[start]`, longest key first; `length` is how many
   * tokens it covers. An abbreviation replaces what was typed; a synonym is added beside it.
   */
  match(
    tokens: Token[],
    start: number,
  ): { length: number; kind: 'abbreviation' | 'synonym'; expansions: Token[][] } | undefined {
    for (let length = Math.min(this.longestKey, tokens.length - start); length >= 1; length--) {
      const key = tokens
        .slice(start, start + length)
        .map((t) => t.folded)
        .join(' ');
      const entry = this.entries.get(key);
      if (entry) return { length, kind: entry.kind, expansions: entry.expansions };
    }
    return undefined;
  }

  /** Human-readable expansion of a whole text (used in logs and the admin page). */
  expandText(text: string): string {
    const tokens = tokenize(text);
    const out: string[] = [];
    for (let i = 0; i < tokens.length; ) {
      const hit = this.match(tokens, i);
      if (hit) {
        out.push(hit.expansions[0]!.map((t) => t.accented).join(' '));
        i += hit.length;
      } else {
        out.push(tokens[i]!.accented);
        i += 1;
      }
    }
    return out.join(' ');
  }
}

/** Folded lookup key of an abbreviation, exposed for validation tools. */
export function abbreviationKey(abbreviation: string): string {
  return fold(abbreviation.toLowerCase()).trim();
}
