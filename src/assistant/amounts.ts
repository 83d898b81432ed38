import { amountKey, type AmountFact, type DocumentMeta } from '../knowledge/types.js';

/** An amount with the document that states it. */
export interface RegisteredAmount extends AmountFact {
  key: string;
  docId: string;
  /** No official text confirms it yet (`verified: false`, or its description says so). */
  unconfirmed: boolean;
}

const UNCONFIRMED = /chưa (có văn bản )?xác nhận|chưa được xác nhận/iu;

/**
 * Every amount the knowledge base states, with its period and legal basis, looked up by value or by
 * series. Built from the documents' `amounts` front matter.
 */
export class AmountRegistry {
  private readonly byKey = new Map<string, RegisteredAmount[]>();
  private readonly bySeries = new Map<string, RegisteredAmount[]>();
  private readonly earliest: string = '';

  constructor(documents: Iterable<{ docId: string; meta: Pick<DocumentMeta, 'amounts'> }>) {
    const seen = new Set<string>();
    for (const { docId, meta } of documents) {
      if (seen.has(docId)) continue;
      seen.add(docId);
      for (const fact of meta.amounts ?? []) {
        const unconfirmed = fact.verified === false || UNCONFIRMED.test(`${fact.what} ${fact.basis}`);
        const entry: RegisteredAmount = { ...fact, key: amountKey(fact.value), docId, unconfirmed };
        push(this.byKey, entry.key, entry);
        if (entry.series) push(this.bySeries, entry.series, entry);
      }
    }
    for (const list of this.bySeries.values()) list.sort((a, b) => a.from.localeCompare(b.from));
    for (const list of this.byKey.values()) for (const e of list) if (!this.earliest || e.from < this.earliest) this.earliest = e.from;
  }

  /**
   * The entries stating this amount (digits, "2789000"), current ones first; with `docIds`, only those of
   * these documents (the same figure can mean different things in different documents).
   */
  lookup(key: string, today: string, docIds?: ReadonlySet<string>): RegisteredAmount[] {
    const list = (this.byKey.get(key) ?? []).filter((e) => !docIds || docIds.has(e.docId));
    return [...list].sort((a, b) => Number(appliesOn(b, today)) - Number(appliesOn(a, today)));
  }

  /** The first day any registered amount applies from ('' when none is registered). */
  earliestFrom(): string {
    return this.earliest;
  }

  /** The entry of a series that applies on a date (YYYY-MM-DD); with `confirmed`, the latest confirmed one. */
  onDate(series: string, date: string, options: { confirmed?: boolean } = {}): RegisteredAmount | undefined {
    const list = this.bySeries.get(series) ?? [];
    return [...list].reverse().find((a) => (options.confirmed ? !a.unconfirmed && a.from <= date : appliesOn(a, date)));
  }

  /**
   * When an amount was replaced: the entry the question named and the one that applies today in the same
   * series. Undefined when the amount still applies or is not known.
   */
  replacementOf(
    key: string,
    today: string,
    relevance: (entry: RegisteredAmount) => number = () => 0,
  ): { old: RegisteredAmount; current: RegisteredAmount } | undefined {
    const entries = this.byKey.get(key) ?? [];
    if (entries.some((e) => appliesOn(e, today))) return undefined;
    // The same figure can belong to several benefits: the one the question is about.
    const ranked = [...entries].filter((e) => e.series).sort((a, b) => relevance(b) - relevance(a));
    for (const old of ranked) {
      const current = this.onDate(old.series!, today);
      if (current && current.key !== old.key) return { old, current };
    }
    return undefined;
  }
}

export function appliesOn(amount: Pick<AmountFact, 'from' | 'to'>, date: string): boolean {
  return amount.from <= date && (amount.to === undefined || date <= amount.to);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
