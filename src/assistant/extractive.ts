import type { ScoredPassage } from '../retrieval/hybrid-search.js';
import type { StoredPassage } from '../storage/knowledge-store.js';
import { tokenize } from '../text/tokenize.js';
import { headingMatches, type SectionIntent } from './intent.js';
import type { AnswerCitation } from './types.js';

export interface ComposedAnswer {
  body: string;
  citations: AnswerCitation[];
  warnings: string[];
}

const MAX_PASSAGE_CHARS = 900;
const MAX_PASSAGES = 2;

export const UNVERIFIED_WARNING =
  '⚠️ Nguồn này có nội dung chưa được đối chiếu với văn bản gốc; đề nghị đối chiếu với hướng dẫn của Sở Nội vụ tỉnh trước khi áp dụng.';

/**
 * The offline answer: the passages that answer the question, trimmed to the lines that matter, from
 * the best document (plus the section the question asks about), each followed by its legal basis.
 */
export function composeExtractiveAnswer(
  question: string,
  hits: readonly ScoredPassage[],
  allPassages: readonly StoredPassage[],
  intent: SectionIntent | undefined,
): ComposedAnswer {
  const primary = hits[0]!.passage;
  const chosen: StoredPassage[] = [];
  const add = (p: StoredPassage | undefined) => {
    if (p && chosen.length < MAX_PASSAGES && !chosen.some((c) => c.id === p.id)) chosen.push(p);
  };
  if (intent) add(allPassages.find((p) => p.docId === primary.docId && headingMatches(sectionOf(p), intent)));
  add(primary);
  const runnerUp = hits
    .slice(1)
    .find((h) => h.passage.docId === primary.docId && h.score >= hits[0]!.score * 0.85 && h.passage.text.length >= 150);
  add(runnerUp?.passage);
  chosen.sort((a, b) => a.ordinal - b.ordinal);

  const words = questionWords(question);
  const parts: string[] = [`📌 ${primary.meta.title}`];
  for (const passage of chosen) parts.push(trimPassage(passage.text, words));

  const citations = chosen.map(toCitation);
  const warnings: string[] = [];
  if (chosen.some((p) => p.meta.status === 'superseded')) {
    const by = chosen.find((p) => p.meta.superseded_by)?.meta.superseded_by;
    warnings.push(`⚠️ Văn bản này đã bị thay thế${by ? ` bởi ${by}` : ''}; nội dung chỉ để tham khảo.`);
  } else if (chosen.some((p) => p.meta.status === 'partly_superseded')) {
    warnings.push('⚠️ Văn bản này đã được sửa đổi một phần; kiểm tra mức, thời hạn đang áp dụng.');
  }
  if (chosen.some((p) => !p.meta.verified)) warnings.push(UNVERIFIED_WARNING);

  const other = hits.find((h) => h.passage.docId !== primary.docId && h.score >= hits[0]!.score * 0.8);
  if (other) parts.push(`Xem thêm: ${other.passage.citation}`);
  return { body: parts.join('\n\n'), citations, warnings };
}

/** The section headings of a passage inside its document (not the document title). */
export function sectionOf(p: StoredPassage): string {
  return p.path.join(' › ');
}

export function toCitation(p: StoredPassage): AnswerCitation {
  const citation: AnswerCitation = {
    id: p.id,
    docId: p.docId,
    citation: p.citation,
    verified: p.meta.verified,
    status: p.meta.status,
  };
  const url = p.meta.source_url?.[0];
  if (url) citation.sourceUrl = url;
  if (p.meta.effective) citation.effective = p.meta.effective;
  if (p.meta.superseded_by) citation.supersededBy = p.meta.superseded_by;
  // A guidance document's citation names the guide; the legal texts it rests on go beside it.
  if (p.meta.doc_number && !p.citation.includes(p.meta.doc_number)) citation.legalBasis = p.meta.doc_number;
  return citation;
}

/** "Căn cứ: …" lines under an answer, one per distinct source, with the effective date and the link. */
export function formatSources(citations: readonly AnswerCitation[]): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const c of citations) {
    if (seen.has(c.citation)) continue;
    seen.add(c.citation);
    const effective = c.effective ? ` — hiệu lực từ ${vietnameseDate(c.effective)}` : '';
    const basis = c.legalBasis ? ` (theo ${c.legalBasis})` : '';
    lines.push(`Căn cứ: ${c.citation}${basis}${effective}`);
  }
  const urls = [...new Set(citations.map((c) => c.sourceUrl).filter((u): u is string => Boolean(u)))];
  if (urls.length) lines.push(`Nguồn: ${urls.slice(0, 2).join(' ; ')}`);
  return lines.join('\n');
}

/** 2022-02-15 → 15/02/2022 */
export function vietnameseDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return y && m && d ? `${d}/${m}/${y}` : iso;
}

function questionWords(question: string): Set<string> {
  return new Set(tokenize(question).filter((t) => t.folded.length > 1 || t.numeric).map((t) => t.folded));
}

/**
 * A passage cut to what answers the question: short passages whole; longer ones keep their first line
 * (it names the subject) and the lines sharing most words with the question, in their original order.
 */
export function trimPassage(text: string, questionWords: ReadonlySet<string>): string {
  const clean = text.trim();
  if (clean.length <= MAX_PASSAGE_CHARS) return clean;
  const lines = clean.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim());
  const scored = lines.map((line, index) => {
    const words = tokenize(line).map((t) => t.folded);
    const hits = words.filter((w) => questionWords.has(w)).length;
    return { index, line, score: index === 0 ? Number.POSITIVE_INFINITY : hits / Math.sqrt(words.length + 1) };
  });
  const keep = new Set<number>();
  let length = 0;
  for (const { index, line } of [...scored].sort((a, b) => b.score - a.score || a.index - b.index)) {
    if (length + line.length > MAX_PASSAGE_CHARS && keep.size > 0) continue;
    keep.add(index);
    length += line.length + 1;
  }
  const out: string[] = [];
  let previous = -1;
  for (const index of [...keep].sort((a, b) => a - b)) {
    if (previous >= 0 && index > previous + 1) out.push('…');
    out.push(lines[index]!.length > MAX_PASSAGE_CHARS ? cutAtWord(lines[index]!, MAX_PASSAGE_CHARS) : lines[index]!);
    previous = index;
  }
  if (previous < lines.length - 1) out.push('…');
  return out.join('\n');
}

function cutAtWord(text: string, max: number): string {
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return (space > max * 0.6 ? cut.slice(0, space) : cut) + '…';
}

