import type { ScoredPassage } from '../retrieval/hybrid-search.js';
import type { EscalationReason } from '../escalation/types.js';
import type { DomainVerdict } from './domain.js';

export interface GateSettings {
  /** Below this coverage the question is escalated (low confidence). */
  minConfidence: number;
  /** Below this coverage the question is taken as outside the knowledge base. */
  outOfDomainBelow: number;
  /** For a question the domain's own concepts place in the field: below this coverage it is escalated. */
  inDomainMinConfidence: number;
  /** Two documents whose fused scores differ by less than this are too close to call… */
  ambiguityMargin: number;
}

export const DEFAULT_GATE: GateSettings = { minConfidence: 0.5, outOfDomainBelow: 0.3, inDomainMinConfidence: 0.15, ambiguityMargin: 0.01 };

/** Topics every document of this domain shares: they say nothing about whether two answers agree. */
const GENERIC_TOPICS = new Set(['nguoi-co-cong', 'nghi-dinh', 'thu-tuc-hanh-chinh', 'cap-xa', 'chinh-quyen-2-cap']);

export type GateDecision =
  | { answer: true; confidence: number }
  | { answer: false; confidence: number; reason: Extract<EscalationReason, 'low_confidence' | 'ambiguous' | 'out_of_domain'> };

/**
 * Decides whether the retrieved passages can answer. Confidence is the top passage's coverage of the
 * question (IDF-weighted share of its words and word pairs found there; words the knowledge base has
 * never seen weigh most). Escalates when it is low, and — like Rasa's fallback — when the two best
 * documents are too close to call and are about different things.
 */
export function assessRetrieval(
  hits: readonly ScoredPassage[],
  settings: GateSettings = DEFAULT_GATE,
  domain: DomainVerdict = { verdict: 'unknown' },
): GateDecision {
  const top = hits[0];
  if (domain.verdict === 'out') return { answer: false, confidence: top ? round3(top.lexicalCoverage) : 0, reason: 'out_of_domain' };
  if (!top) return { answer: false, confidence: 0, reason: domain.verdict === 'in' ? 'low_confidence' : 'out_of_domain' };
  const confidence = round3(top.lexicalCoverage);
  if (domain.verdict === 'in') {
    // The field is certain; the passages only have to be about the question at all.
    if (confidence < settings.inDomainMinConfidence) return { answer: false, confidence, reason: 'low_confidence' };
  } else {
    if (confidence < settings.outOfDomainBelow) return { answer: false, confidence, reason: 'out_of_domain' };
    if (confidence < settings.minConfidence) return { answer: false, confidence, reason: 'low_confidence' };
  }
  const rival = hits.find((h) => h.passage.docId !== top.passage.docId);
  // A question the field's own words place here is answered from the best document (the other is named
  // under "Xem thêm"); only a question of unknown field is escalated for two documents too close to call.
  if (domain.verdict !== 'in' && rival && top.score - rival.score < settings.ambiguityMargin && !shareTopic(top, rival)) {
    return { answer: false, confidence, reason: 'ambiguous' };
  }
  return { answer: true, confidence };
}

function shareTopic(a: ScoredPassage, b: ScoredPassage): boolean {
  const topics = new Set((a.passage.meta.topic ?? []).filter((t) => !GENERIC_TOPICS.has(t)));
  return (b.passage.meta.topic ?? []).some((t) => topics.has(t)) || topics.size === 0;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
