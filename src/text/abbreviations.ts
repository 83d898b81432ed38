import { readFileSync } from 'node:fs';
import { fold } from './normalize.js';
import { tokenize, type Token } from './tokenize.js';

/**
 * How an entry is used when its key is found in a question:
 * - `replace`: what was typed is replaced by the expansion ("ncc" → người có công; misspellings);
 * - `add`: the expansion is searched beside what was typed, which still counts as part of the question
 *   (synonyms of real words: "chết" → từ trần);
 * - `maybe`: the key is an ambiguous abbreviation ("tb": thương binh or thông báo): it is kept as typed,
 *   as a weak term the question need not cover, and each `maybe` expansion is searched beside it.
 */
export type ExpansionMode = 'replace' | 'add' | 'maybe';

/** What an entry's condition looks at: the word right before the key, or the word right after it. */
interface Condition {
  side: 'prev' | 'next';
  /** True when any number satisfies it ("tt 09/2025", "tb 81%", "nd131"). */
  number: boolean;
  words: Token[];
}

interface Rule {
  /** The key as written in the dictionary (its marks matter only against a word typed with marks). */
  key: Token[];
  expansion: Token[];
  mode: ExpansionMode;
  /** The rule applies when any of these holds; an empty list is the key's default. */
  when: Condition[];
  /** Key and expansion differ only in their marks ("liêt sĩ" → liệt sĩ): the key must be typed with exactly its marks. */
  marksOnly: boolean;
  /** Identity for de-duplication. */
  signature: string;
}

/** What one key means at one place of a question. */
export interface AbbreviationHit {
  /** How many tokens the key covers. */
  length: number;
  /** `replace` when a replacing rule applies (its expansion is first), else `add` when a synonym applies, else `maybe`. */
  mode: ExpansionMode;
  expansions: Token[][];
}

const FORMAT = 'expected "abbreviation<TAB>expansion[<TAB>replace|add|maybe[<TAB>prev:…|next:…]]"';
const MODES = new Set<string>(['replace', 'add', 'maybe']);

/**
 * Abbreviation and synonym dictionary: "ncc" → "người có công", "chết" ~ "từ trần", and context rules
 * ("tt" before a number → "thông tư"). Keys are matched on whole syllables, with or without marks: a
 * word typed without marks matches any marks ("nd" hits "nđ", "chet" hits "chết"), a word typed with
 * marks only the same marks ("bộ" does not hit "bố"). A key that differs from its expansion only in its
 * marks ("liêt sĩ" → liệt sĩ, "hàng tháng" ~ hằng tháng) only matches when typed with exactly those marks.
 *
 * @example
 * const dict = AbbreviationDictionary.parse('tb\tthương binh\treplace\tnext:number|hạng\ntb\tthương binh\tmaybe\ntb\tthông báo\tmaybe\n');
 * dict.match(tokenize('tb 81%'), 0);      // { length: 1, mode: 'replace', expansions: [thương binh] }
 * dict.match(tokenize('tb cho dân'), 0);  // { length: 1, mode: 'maybe', expansions: [thương binh, thông báo] }
 */
export class AbbreviationDictionary {
  /** Rules by the folded key ("nd", "liet sy"). */
  private readonly entries = new Map<string, Rule[]>();
  private longestKey = 1;

  static empty(): AbbreviationDictionary {
    return new AbbreviationDictionary();
  }

  /**
   * Parses the TSV format: `abbreviation<TAB>expansion[<TAB>mode[<TAB>condition]]`, `#` comments and
   * blank lines ignored. `mode` is `replace`, `add` or `maybe` (empty: `replace` for a one-word key,
   * `add` for several words). `condition` is one or more of `prev:w1|w2|…` and `next:w1|w2|…`,
   * separated by spaces, any of which must hold; `number` in a list stands for any number. Several lines
   * may share a key: when a line with a condition holds, the lines with a condition that hold are used,
   * otherwise the lines without one.
   * @throws Error naming the source and line of a malformed line.
   */
  static parse(tsv: string, sourceName = 'abbreviations'): AbbreviationDictionary {
    const dict = new AbbreviationDictionary();
    tsv.normalize('NFC').split(/\r?\n/).forEach((line, index) => {
      const trimmed = line.trim();
      if (!trimmed || trimmed.startsWith('#')) return;
      const [abbr, expansion, mode = '', when = '', ...extra] = line.split('\t').map((part) => part.trim());
      if (!abbr || !expansion || extra.some((e) => e.length > 0) || (mode && !MODES.has(mode))) {
        throw new Error(`${sourceName}:${index + 1}: ${FORMAT}, got "${trimmed}"`);
      }
      try {
        dict.add(abbr, expansion, (mode || undefined) as ExpansionMode | undefined, when);
      } catch (error) {
        throw new Error(`${sourceName}:${index + 1}: ${(error as Error).message}`, { cause: error });
      }
    });
    return dict;
  }

  static load(path: string): AbbreviationDictionary {
    return AbbreviationDictionary.parse(readFileSync(path, 'utf8'), path);
  }

  /**
   * Adds an entry. By default a key written as one word ("ncc", "t/b") is replaced by its expansion and
   * a key of several words is a synonym added beside what was typed; `mode` overrides that. `when` is a
   * condition in the TSV syntax ("next:number|hạng prev:con").
   * @throws Error when the condition is malformed.
   */
  add(abbreviation: string, expansion: string, mode?: ExpansionMode, when = ''): void {
    const key = tokenize(abbreviation);
    const expansionTokens = tokenize(expansion);
    const conditions = parseConditions(when);
    if (key.length === 0 || expansionTokens.length === 0) return;
    const effective = mode ?? (/\s/.test(abbreviation.trim()) ? 'add' : 'replace');
    const rule: Rule = {
      key,
      expansion: expansionTokens,
      mode: effective,
      when: conditions,
      marksOnly: fold(spell(key)) === fold(spell(expansionTokens)),
      signature: [spell(key), spell(expansionTokens), effective, when.trim().split(/\s+/).sort().join(' ')].join('\t'),
    };
    const folded = key.map((t) => t.folded).join(' ');
    const rules = this.entries.get(folded) ?? [];
    if (!rules.some((r) => r.signature === rule.signature)) rules.push(rule);
    this.entries.set(folded, rules);
    this.longestKey = Math.max(this.longestKey, key.length);
  }

  /** Number of distinct keys (folded). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * What the key starting at `tokens[start]` means there, longest key first (a longer key whose rules do
   * not apply in this context gives way to a shorter one). Conditions look at `tokens[start - 1]` and
   * at the token after the key.
   */
  match(tokens: readonly Token[], start: number): AbbreviationHit | undefined {
    for (let length = Math.min(this.longestKey, tokens.length - start); length >= 1; length--) {
      const typed = tokens.slice(start, start + length);
      const rules = this.entries.get(typed.map((t) => t.folded).join(' '))?.filter((r) =>
        r.key.every((k, i) => (r.marksOnly ? typed[i]!.accented === k.accented : sameWord(typed[i]!, k))),
      );
      if (!rules?.length) continue;
      const context = { prev: tokens[start - 1], next: tokens[start + length] };
      const holding = rules.filter((r) => r.when.some((c) => holds(c, context)));
      const chosen = holding.length > 0 ? holding : rules.filter((r) => r.when.length === 0);
      if (chosen.length === 0) continue;
      const mode: ExpansionMode = chosen.some((r) => r.mode === 'replace')
        ? 'replace'
        : chosen.some((r) => r.mode === 'add')
          ? 'add'
          : 'maybe';
      // The replacing expansion goes first (it is the one put in place of the typed words).
      const ordered =
        mode === 'replace' ? [...chosen.filter((r) => r.mode === 'replace'), ...chosen.filter((r) => r.mode !== 'replace')] : chosen;
      const expansions: Token[][] = [];
      for (const r of ordered) if (!expansions.some((e) => spell(e) === spell(r.expansion))) expansions.push(r.expansion);
      return { length, mode, expansions };
    }
    return undefined;
  }

  /**
   * The text with each key read as its first meaning in that context: a replaced key gives its expansion,
   * an ambiguous (`maybe`) key its first listed reading, a synonym (`add`) its first synonym. For display
   * (logs, the admin page, the glossary check): the search itself keeps synonyms and ambiguous keys as
   * typed and searches their expansions beside them (see `analyzeQuery`).
   */
  expandText(text: string): string {
    const tokens = tokenize(text);
    const out: string[] = [];
    for (let i = 0; i < tokens.length; ) {
      const hit = this.match(tokens, i);
      if (hit) {
        out.push(spell(hit.expansions[0]!));
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

/** A typed word matches a dictionary word when they fold alike and, if both carry marks, carry the same ones. */
function sameWord(typed: Token, word: Token): boolean {
  return typed.folded === word.folded && (!typed.marked || !word.marked || typed.accented === word.accented);
}

function holds(condition: Condition, context: { prev: Token | undefined; next: Token | undefined }): boolean {
  const token = context[condition.side];
  if (!token) return false;
  if (token.numeric) return condition.number;
  return condition.words.some((w) => sameWord(token, w));
}

function parseConditions(when: string): Condition[] {
  return when
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => {
      const bad = new Error(`bad condition "${part}": expected prev:… or next:… followed by single words or "number" separated by "|"`);
      const match = /^(prev|next):(.+)$/.exec(part);
      if (!match) throw bad;
      const condition: Condition = { side: match[1] === 'prev' ? 'prev' : 'next', number: false, words: [] };
      for (const alternative of match[2]!.split('|')) {
        if (alternative === 'number') {
          condition.number = true;
          continue;
        }
        const tokens = tokenize(alternative);
        if (tokens.length !== 1 || tokens[0]!.numeric) throw bad;
        condition.words.push(tokens[0]!);
      }
      return condition;
    });
}

function spell(tokens: readonly Token[]): string {
  return tokens.map((t) => t.accented).join(' ');
}
