import type { Request } from 'express';
import { DOCUMENT_STATUSES } from '../../../knowledge/types.js';
import type { StoredDocument } from '../../../storage/knowledge-store.js';
import { fold } from '../../../text/normalize.js';
import { queryParam } from '../context.js';
import { html, type SafeHtml } from '../../shared/html.js';
import { DOCUMENT_STATUS_LABELS } from '../labels.js';
import { topicLabel } from '../../../escalation/topic-labels.js';
import { DOC_TYPES } from './meta-form.js';

/** The knowledge list's search and filters, read from the query string (so they work without script and can be linked). */
export interface DocumentFilter {
  /** Words to find in the title, id, number, citation, file or topics (accents and case ignored). */
  q: string;
  topic: string;
  status: string;
  type: string;
  /** 'stale': only documents whose review is missing or too old. */
  review: string;
}

export function documentFilterFrom(req: Request): DocumentFilter {
  const pick = (name: string, allowed: (v: string) => boolean) => {
    const value = queryParam(req, name);
    return allowed(value) ? value : '';
  };
  return {
    q: queryParam(req, 'q').slice(0, 200),
    topic: pick('topic', (v) => /^[a-z0-9-]{1,80}$/.test(v)),
    status: pick('status', (v) => (DOCUMENT_STATUSES as readonly string[]).includes(v)),
    type: pick('type', (v) => /^[a-z0-9-]{1,40}$/.test(v)),
    review: pick('review', (v) => v === 'stale'),
  };
}

export function isFiltering(filter: DocumentFilter): boolean {
  return Boolean(filter.q || filter.topic || filter.status || filter.type || filter.review);
}

/** Folded, lower-case words (slugs split at their dashes). */
function words(text: string): string[] {
  return fold(text)
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Whether `wanted` appears in `have` as consecutive words, each beginning the word it meets ("tho cu" in "tro cap tho cung"). */
function hasPhrase(have: readonly string[], wanted: readonly string[]): boolean {
  for (let start = 0; start + wanted.length <= have.length; start++) {
    if (wanted.every((w, i) => have[start + i]!.startsWith(w))) return true;
  }
  return false;
}

/**
 * The documents the filter keeps, in their order. The words of `q` must appear together, in that order,
 * in the document's title, id, number, citation, issuer, file or one of its topics, accents and case
 * ignored ("tho cung" and "thờ cúng" find "Trợ cấp thờ cúng liệt sĩ"; "131/2021" finds that decree).
 */
export function filterDocuments(docs: readonly StoredDocument[], filter: DocumentFilter, isStale: (d: StoredDocument) => boolean): StoredDocument[] {
  const wanted = words(filter.q);
  return docs.filter((d) => {
    const m = d.meta;
    if (filter.topic && !(m.topic ?? []).includes(filter.topic)) return false;
    if (filter.status && m.status !== filter.status) return false;
    if (filter.type && m.doc_type !== filter.type) return false;
    if (filter.review === 'stale' && !isStale(d)) return false;
    if (!wanted.length) return true;
    const fields = [m.title, m.id, m.doc_number, m.citation, m.issuer, d.sourcePath, ...(m.topic ?? []), ...(m.topic ?? []).map(topicLabel)];
    return fields.some((field) => field !== undefined && hasPhrase(words(field), wanted));
  });
}

/** The search box and filters (a GET form), with the topics and types the documents actually have. */
export function filterForm(filter: DocumentFilter, docs: readonly StoredDocument[]): SafeHtml {
  const topics = [...new Set(docs.flatMap((d) => d.meta.topic ?? []))].sort((a, b) => topicLabel(a).localeCompare(topicLabel(b), 'vi'));
  const types = [...new Set(docs.map((d) => d.meta.doc_type).filter((t): t is string => Boolean(t)))].sort();
  const option = (value: string, text: string, selected: string) => html`<option value="${value}"${value === selected ? html` selected` : ''}>${text}</option>`;
  return html`<form method="get" action="/console/knowledge" class="row card filters" role="search" id="document-filter">
    <label class="grow">Tìm tài liệu <input type="search" name="q" value="${filter.q}" placeholder="Tên, số hiệu, mã hoặc chủ đề (gõ có dấu hay không dấu đều được)"></label>
    <label>Chủ đề <select name="topic">
      ${option('', 'Tất cả', filter.topic)}
      ${topics.map((t) => option(t, topicLabel(t), filter.topic))}
    </select></label>
    <label>Tình trạng <select name="status">
      ${option('', 'Tất cả', filter.status)}
      ${DOCUMENT_STATUSES.map((s) => option(s, DOCUMENT_STATUS_LABELS[s] ?? s, filter.status))}
    </select></label>
    <label>Loại <select name="type">
      ${option('', 'Tất cả', filter.type)}
      ${types.map((t) => option(t, DOC_TYPES[t] ?? topicLabel(t), filter.type))}
    </select></label>
    <label>Rà soát <select name="review">
      ${option('', 'Tất cả', filter.review)}
      ${option('stale', 'Cần rà soát lại', filter.review)}
    </select></label>
    <button type="submit">Lọc</button>
    ${isFiltering(filter) ? html`<a class="button secondary" href="/console/knowledge#document-filter">Bỏ lọc</a>` : ''}
  </form>`;
}
