import { fold } from '../text/normalize.js';

/** An explicit reference in a question: an article (and clause) of a document, a form, or a document. */
export interface Reference {
  kind: 'article' | 'form' | 'document';
  /** Article or form number. */
  number?: number;
  clause?: number;
  /** The document's number as typed ("131", "77/2024"), folded. */
  doc?: string;
}

const DOC_WORDS = '(?:nghi dinh|nd|thong tu|tt|quyet dinh|qd|luat|phap lenh|pl|ket luan|kl|nghi quyet|nq|cong van|cv|van ban hop nhat|vbhn)';
const DOC_NUMBER = `(?:so\\s*)?(\\d{1,4}(?:\\s*/\\s*\\d{4})?)`;

/**
 * Finds "Điều 121 Nghị định 131", "khoản 3 Điều 2 Luật An ninh mạng", "Mẫu số 12", "NĐ 77/2024",
 * "131/2021/NĐ-CP" in a question (typed with or without marks).
 */
export function parseReferences(question: string): Reference[] {
  const plain = fold(question.toLowerCase()).replace(/\s+/g, ' ');
  const refs: Reference[] = [];
  const docs = [...plain.matchAll(new RegExp(`\\b${DOC_WORDS}\\s*-?\\s*${DOC_NUMBER}\\b`, 'g'))].map((m) => m[1]!.replace(/\s+/g, ''));
  for (const m of plain.matchAll(/\b(\d{1,4}\/\d{4})\/[a-z-]+\b/g)) docs.push(m[1]!);
  for (const m of plain.matchAll(/\b(\d{3})-kl\/tw\b/g)) docs.push(m[1]!);
  const doc = docs[0];
  for (const m of plain.matchAll(/\b(?:khoan (\d{1,3}),? )?dieu (\d{1,3})\b/g)) {
    const ref: Reference = { kind: 'article', number: Number(m[2]) };
    if (m[1]) ref.clause = Number(m[1]);
    if (doc) ref.doc = doc;
    refs.push(ref);
  }
  for (const m of plain.matchAll(/\bmau (?:so )?(\d{1,3})\b/g)) refs.push({ kind: 'form', number: Number(m[1]) });
  if (!refs.some((r) => r.kind === 'article')) for (const d of new Set(docs)) refs.push({ kind: 'document', doc: d });
  return refs;
}

interface ReferencedPassage {
  citation: string;
  text: string;
  meta: { doc_number?: string | undefined; citation?: string | undefined; title?: string | undefined };
}

/** What reference matching reads of a passage's citation and document, folded. */
interface FoldedLabels {
  citation: string;
  docLabel: string;
}

/** A question's references with their patterns, compiled once for every passage they are matched against. */
export interface CompiledReference {
  ref: Reference;
  doc?: RegExp;
  article?: RegExp;
  clause?: RegExp;
  ownForm?: RegExp;
  namedForm?: RegExp;
}

export function compileReferences(refs: readonly Reference[]): CompiledReference[] {
  return refs.map((ref) => ({
    ref,
    ...(ref.doc !== undefined && { doc: new RegExp(`(^|[^\\d])${escape(ref.doc)}(?!\\d)`) }),
    ...(ref.kind === 'article' && { article: new RegExp(`\\bdieu ${ref.number}(?!\\d)`) }),
    ...(ref.kind === 'article' && ref.clause !== undefined && { clause: new RegExp(`\\bkhoan ${ref.clause}(?!\\d)`) }),
    ...(ref.kind === 'form' && {
      ownForm: new RegExp(`(^|\\n)\\s*(?:[-*|]\\s*)?(?:\\*\\*)?mau so 0?${ref.number}(?!\\d)\\s*(?:\\*\\*)?\\s*[:|–-]`),
      namedForm: new RegExp(`\\bmau (?:so )?0?${ref.number}(?!\\d)`),
    }),
  }));
}

/**
 * The passages of an index as reference matching reads them. A question naming a reference is matched
 * against every passage: folding each passage's citation and document label for each such question was
 * two thirds of the search thread's CPU under load (see README, "Under load"), so they are folded once,
 * when the first such question comes.
 */
export class ReferenceTargets {
  private labels: FoldedLabels[] | undefined;

  constructor(private readonly passages: readonly ReferencedPassage[]) {}

  /** `referenceScore` of the passage at `index`. */
  score(index: number, refs: readonly CompiledReference[]): number {
    this.labels ??= this.passages.map(foldedLabels);
    return scoreFolded(this.passages[index]!, this.labels[index]!, refs);
  }
}

/**
 * How strongly a passage is the one a reference names (0 when it is not): the article (and clause) of
 * the named document first, then the article in another document, a form's own line, the document.
 */
export function referenceScore(passage: ReferencedPassage, refs: readonly Reference[]): number {
  return scoreFolded(passage, foldedLabels(passage), compileReferences(refs));
}

function foldedLabels(passage: ReferencedPassage): FoldedLabels {
  return {
    citation: fold(passage.citation.toLowerCase()),
    docLabel: fold(`${passage.meta.doc_number ?? ''} ${passage.meta.citation ?? ''} ${passage.meta.title ?? ''} ${passage.citation}`.toLowerCase()),
  };
}

function scoreFolded(passage: ReferencedPassage, { citation, docLabel }: FoldedLabels, refs: readonly CompiledReference[]): number {
  let best = 0;
  for (const { ref, doc, article, clause, ownForm, namedForm } of refs) {
    const docMatches = doc !== undefined && doc.test(docLabel);
    if (ref.kind === 'article') {
      if (!article!.test(citation)) continue;
      const inClause = clause === undefined || clause.test(citation);
      best = Math.max(best, (ref.doc === undefined ? 0.6 : docMatches ? 1 : 0.3) + (inClause && ref.clause !== undefined ? 0.2 : 0));
    } else if (ref.kind === 'form') {
      // Fold a passage's text only when it holds the number at all (this runs over every passage).
      if (!passage.text.includes(String(ref.number))) continue;
      const text = fold(passage.text.toLowerCase());
      if (ownForm!.test(text)) best = Math.max(best, 0.8);
      else if (namedForm!.test(text)) best = Math.max(best, 0.3);
    } else if (docMatches) {
      best = Math.max(best, 0.4);
    }
  }
  return best;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
