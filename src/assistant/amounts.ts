import { amountKey, type AmountFact, type DocumentMeta } from '../knowledge/types.js';

/** An amount with the document that states it. */
export interface RegisteredAmount extends AmountFact {
  key: string;
  docId: string;
}

/**
 * Every amount the knowledge base states, with its period and legal basis, looked up by value or by
 * series. Built from the documents' `amounts` front matter.
 */
export class AmountRegistry {
  private readonly byKey = new Map<string, RegisteredAmount[]>();
  private readonly bySeries = new Map<string, RegisteredAmount[]>();

  constructor(documents: Iterable<{ docId: string; meta: Pick<DocumentMeta, 'amounts'> }>) {
    const seen = new Set<string>();
    for (const { docId, meta } of documents) {
      if (seen.has(docId)) continue;
      seen.add(docId);
      for (const fact of meta.amounts ?? []) {
        const entry: RegisteredAmount = { ...fact, key: amountKey(fact.value), docId };
        push(this.byKey, entry.key, entry);
        if (entry.series) push(this.bySeries, entry.series, entry);
      }
    }
    for (const list of this.bySeries.values()) list.sort((a, b) => a.from.localeCompare(b.from));
  }

  /**
   * The entries stating this amount (digits, "2789000"), current ones first; with `docIds`, only those of
   * these documents (the same figure can mean different things in different documents).
   */
  lookup(key: string, today: string, docIds?: ReadonlySet<string>): RegisteredAmount[] {
    const list = (this.byKey.get(key) ?? []).filter((e) => !docIds || docIds.has(e.docId));
    return [...list].sort((a, b) => Number(appliesOn(b, today)) - Number(appliesOn(a, today)));
  }

  /** The entry of a series that applies on a date (YYYY-MM-DD). */
  onDate(series: string, date: string): RegisteredAmount | undefined {
    const list = this.bySeries.get(series) ?? [];
    return [...list].reverse().find((a) => appliesOn(a, date));
  }

  /**
   * When an amount was replaced: the entry the question named and the one that applies today in the same
   * series. Undefined when the amount still applies or is not known.
   */
  replacementOf(key: string, today: string): { old: RegisteredAmount; current: RegisteredAmount } | undefined {
    const entries = this.byKey.get(key) ?? [];
    if (entries.some((e) => appliesOn(e, today))) return undefined;
    for (const old of entries) {
      if (!old.series) continue;
      const current = this.onDate(old.series, today);
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
