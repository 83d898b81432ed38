import type { ScoredPassage } from '../retrieval/search-results.js';
import { groupsIn } from './case-terms.js';

/**
 * "tb 81% có được người phục vụ không": passages on the group the question names come before passages on
 * another group only ("Người phục vụ bệnh binh…"), which share every other word of the question. Passages
 * that name no group, or the asked one among others, keep their place.
 */
export function namedGroupFirst(hits: readonly ScoredPassage[], question: string, expandedQuery: string): ScoredPassage[] {
  const asked = groupsIn(`${question} ${expandedQuery}`);
  if (asked.size === 0) return [...hits];
  const elsewhere = (hit: ScoredPassage) => {
    const named = groupsIn(hit.passage.heading);
    return named.size > 0 && ![...named].some((g) => asked.has(g));
  };
  const kept = hits.filter((h) => !elsewhere(h));
  return kept.length === 0 || kept.length === hits.length ? [...hits] : [...kept, ...hits.filter(elsewhere)];
}
