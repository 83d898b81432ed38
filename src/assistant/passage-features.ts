import type { StoredPassage } from '../storage/knowledge-store.js';
import { tokenize } from '../text/tokenize.js';
import { contentWords, unitsOf, type AnswerUnit } from './answer-units.js';

/** An answer unit of a passage with its content words (folded syllables and pairs, see contentWords). */
export interface UnitWithWords {
  unit: AnswerUnit;
  /** Shared between questions: read it, never change it. */
  words: Set<string>;
  /** What a reader derived from the unit alone, kept for the next question (see `remember`). */
  memo: Map<string, unknown>;
}

type ListItem = NonNullable<AnswerUnit['item']>;

/** The words of a list item's unit, split: the item's own, and those only its lead-in brings. */
export interface ItemWords {
  own: Set<string>;
  leadOnly: Set<string>;
}

interface Derived {
  /** The text the values were derived from: a passage object whose text changed is derived anew. */
  text: string;
  units?: readonly UnitWithWords[];
  lines?: readonly LineWords[];
}

/** A non-blank line of a passage (trailing spaces cut) and the folded form of each of its syllables. */
export interface LineWords {
  line: string;
  words: readonly string[];
}

/**
 * What answer composition derives from a knowledge passage — its answer units and their content words, its
 * lines and their syllables — computed on first use and kept, so that each question does not split and
 * tokenize the same passages again. One instance per index snapshot (the assistant holds it): a re-index
 * gives a new searcher, new passage objects and a new instance; a passage whose text changed in place is
 * derived anew too. The passages used least recently are dropped beyond `maxPassages` (a knowledge base of
 * tens of thousands of passages would otherwise keep the units of all of them).
 */
export class PassageFeatures {
  /** In order of last use (a Map keeps insertion order: each use moves its passage to the end). */
  private readonly byPassage = new Map<StoredPassage, Derived>();
  private readonly byItem = new WeakMap<ListItem, ItemWords>();

  constructor(private readonly maxPassages = 4096) {}

  /**
   * The units an answer can quote from the passage, with their content words. Each call gives unit objects
   * of its own (the caller tells units apart by identity); their words and list fields are shared.
   */
  unitsOf(passage: StoredPassage): UnitWithWords[] {
    const derived = this.derived(passage);
    derived.units ??= unitsOf(passage).map((unit) => ({ unit, words: contentWords(unit.text), memo: new Map() }));
    return derived.units.map(({ unit, words, memo }) => ({ unit: { ...unit }, words, memo }));
  }

  /**
   * A list item's own words, and those only its lead-in brings (`words`: the words of the item's unit, lead-in
   * and item). Kept with the item object, which the copies of one unit share.
   */
  itemWordsOf(item: ListItem, words: ReadonlySet<string>): ItemWords {
    let known = this.byItem.get(item);
    if (!known) {
      const own = contentWords(item.text);
      known = { own, leadOnly: new Set([...words].filter((w) => !own.has(w))) };
      this.byItem.set(item, known);
    }
    return known;
  }

  /** The non-blank lines of the passage's trimmed text, each with its folded syllables (see trimPassage). */
  linesOf(passage: StoredPassage): readonly LineWords[] {
    const derived = this.derived(passage);
    return (derived.lines ??= passage.text
      .trim()
      .split('\n')
      .map((l) => l.trimEnd())
      .filter((l) => l.trim())
      .map((line) => ({ line, words: tokenize(line).map((t) => t.folded) })));
  }

  private derived(passage: StoredPassage): Derived {
    const known = this.byPassage.get(passage);
    this.byPassage.delete(passage);
    const derived = known && known.text === passage.text ? known : { text: passage.text };
    this.byPassage.set(passage, derived);
    if (this.byPassage.size > this.maxPassages) this.byPassage.delete(this.byPassage.keys().next().value!);
    return derived;
  }
}

/**
 * A value derived from a unit alone (and from what `key` names: the day, say), computed on first use and kept
 * in the unit's memo for the questions that follow.
 */
export function remember<T>(memo: Map<string, unknown>, key: string, compute: () => T): T {
  if (memo.has(key)) return memo.get(key) as T;
  const value = compute();
  memo.set(key, value);
  return value;
}
