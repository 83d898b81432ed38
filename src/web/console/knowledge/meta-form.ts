import type { Request } from 'express';
import type { ZodIssue } from 'zod';
import { DOCUMENT_STATUSES, documentMetaSchema, type DocumentMeta } from '../../../knowledge/types.js';
import { field } from '../context.js';
import { html, type SafeHtml } from '../../shared/html.js';
import { DOCUMENT_STATUS_LABELS } from '../labels.js';

/** The metadata form of a knowledge document, as text fields. */
export interface MetaFormValues {
  id: string;
  title: string;
  doc_number: string;
  doc_type: string;
  citation: string;
  issuer: string;
  issued: string;
  effective: string;
  status: string;
  superseded_by: string;
  topic: string;
  source_url: string;
  verified: boolean;
  reviewed: string;
}

export const DOC_TYPES: Record<string, string> = {
  'thu-tuc': 'Thủ tục',
  'muc-huong': 'Mức hưởng',
  'phap-lenh': 'Pháp lệnh',
  'nghi-dinh': 'Nghị định',
  'thong-tu': 'Thông tư',
  'quyet-dinh': 'Quyết định',
  'ket-luan': 'Kết luận',
  'cong-van': 'Công văn',
  'tong-quan': 'Tổng quan',
  'tu-dien': 'Từ điển',
  'bai-bao': 'Bài báo',
};

const FIELD_LABELS: Record<string, string> = {
  id: 'Mã tài liệu',
  title: 'Tiêu đề',
  doc_number: 'Số hiệu',
  doc_type: 'Loại văn bản',
  citation: 'Nhãn trích dẫn',
  issuer: 'Cơ quan ban hành',
  issued: 'Ngày ban hành',
  effective: 'Ngày hiệu lực',
  status: 'Tình trạng',
  superseded_by: 'Bị thay thế bởi',
  topic: 'Chủ đề',
  source_url: 'Nguồn',
  verified: 'Đã đối chiếu văn bản gốc',
  reviewed: 'Ngày rà soát',
};

export function valuesFromMeta(meta: Partial<DocumentMeta> & Record<string, unknown>): MetaFormValues {
  const text = (v: unknown) => (typeof v === 'string' ? v : v instanceof Date ? v.toISOString().slice(0, 10) : '');
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
  return {
    id: text(meta.id),
    title: text(meta.title),
    doc_number: text(meta.doc_number),
    doc_type: text(meta.doc_type),
    citation: text(meta.citation),
    issuer: text(meta.issuer),
    issued: text(meta.issued),
    effective: text(meta.effective),
    status: text(meta.status) || 'in_force',
    superseded_by: text(meta.superseded_by),
    topic: list(meta.topic).join(', '),
    source_url: list(meta.source_url).join('\n'),
    verified: meta.verified === true,
    reviewed: text(meta.reviewed),
  };
}

export function valuesFromForm(req: Request): MetaFormValues {
  return {
    id: field(req, 'id'),
    title: field(req, 'title'),
    doc_number: field(req, 'doc_number'),
    doc_type: field(req, 'doc_type'),
    citation: field(req, 'citation'),
    issuer: field(req, 'issuer'),
    issued: field(req, 'issued'),
    effective: field(req, 'effective'),
    status: field(req, 'status') || 'in_force',
    superseded_by: field(req, 'superseded_by'),
    topic: field(req, 'topic'),
    source_url: field(req, 'source_url'),
    verified: field(req, 'verified') === 'on' || field(req, 'verified') === 'true',
    reviewed: field(req, 'reviewed'),
  };
}

/** The form values as front matter / sidecar keys, in the documented order (empty fields left out). */
export function metaRecord(values: MetaFormValues): Record<string, unknown> {
  const topics = values.topic
    .split(/[,;\n]/)
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  const urls = values.source_url
    .split(/\s+/)
    .map((u) => u.trim())
    .filter(Boolean);
  const record: Record<string, unknown> = {
    id: values.id || undefined,
    title: values.title || undefined,
    doc_number: values.doc_number || undefined,
    doc_type: values.doc_type || undefined,
    citation: values.citation || undefined,
    issuer: values.issuer || undefined,
    issued: values.issued || undefined,
    effective: values.effective || undefined,
    status: values.status || 'in_force',
    superseded_by: values.superseded_by || undefined,
    topic: topics.length ? topics : undefined,
    source_url: urls.length ? urls : undefined,
    verified: values.verified,
    reviewed: values.reviewed || undefined,
  };
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

function issueText(issue: ZodIssue): string {
  const key = String(issue.path[0] ?? '');
  const label = FIELD_LABELS[key] ?? key;
  if (key === 'id') return `${label}: chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang (ví dụ tt-mai-tang).`;
  if (key === 'title') return `${label}: cần ít nhất 3 ký tự.`;
  if (key === 'issued' || key === 'effective' || key === 'reviewed') return `${label}: ngày không hợp lệ (định dạng năm-tháng-ngày).`;
  if (key === 'superseded_by') return `${label}: tài liệu đã bị thay thế phải ghi mã hoặc số hiệu văn bản thay thế.`;
  if (key === 'status') return `${label}: giá trị không hợp lệ.`;
  return `${label || 'Thông tin'}: giá trị không hợp lệ.`;
}

/** Validates the values as the loader will; returns Vietnamese problems (empty when valid). */
export function validateMeta(values: MetaFormValues, options: { takenIds?: ReadonlySet<string> } = {}): string[] {
  const problems: string[] = [];
  const parsed = documentMetaSchema.safeParse(metaRecord(values));
  if (!parsed.success) problems.push(...parsed.error.issues.map(issueText));
  if (values.id && options.takenIds?.has(values.id)) problems.push(`Mã tài liệu “${values.id}” đã được một tài liệu khác dùng.`);
  if (values.source_url.split(/\s+/).some((u) => u && !/^https?:\/\/\S+$/.test(u))) problems.push('Nguồn: mỗi dòng là một địa chỉ http(s).');
  if (values.topic && !values.topic.split(/[,;\n]/).every((t) => /^[a-z0-9-]*$/.test(t.trim().toLowerCase()))) {
    problems.push('Chủ đề: viết không dấu, nối bằng dấu gạch ngang, cách nhau bằng dấu phẩy (ví dụ mai-tang, liet-si).');
  }
  return [...new Set(problems)];
}

/** The metadata fields (inside a form the caller opens). */
export function metaFields(values: MetaFormValues, options: { lockId?: boolean } = {}): SafeHtml {
  const option = (value: string, text: string, selected: string) =>
    html`<option value="${value}"${value === selected ? html` selected` : ''}>${text}</option>`;
  return html`<div class="grid">
    <label>${FIELD_LABELS['id']} <input name="id" required pattern="[a-z0-9][a-z0-9\-]*" value="${values.id}"${options.lockId ? html` readonly` : ''}>
      <small>Chữ thường không dấu, chữ số, dấu gạch ngang; không trùng tài liệu khác.</small></label>
    <label>${FIELD_LABELS['title']} <input name="title" required minlength="3" value="${values.title}"></label>
    <label>${FIELD_LABELS['doc_type']} <select name="doc_type">
      ${option('', '(chưa chọn)', values.doc_type)}
      ${Object.entries(DOC_TYPES).map(([k, v]) => option(k, v, values.doc_type))}
    </select></label>
    <label>${FIELD_LABELS['doc_number']} <input name="doc_number" value="${values.doc_number}" placeholder="131/2021/NĐ-CP"></label>
    <label>${FIELD_LABELS['citation']} <input name="citation" value="${values.citation}" placeholder="Nghị định 131/2021/NĐ-CP"></label>
    <label>${FIELD_LABELS['issuer']} <input name="issuer" value="${values.issuer}" placeholder="Chính phủ"></label>
    <label>${FIELD_LABELS['issued']} <input type="date" name="issued" value="${values.issued}"></label>
    <label>${FIELD_LABELS['effective']} <input type="date" name="effective" value="${values.effective}"></label>
    <label>${FIELD_LABELS['status']} <select name="status">
      ${DOCUMENT_STATUSES.map((s) => option(s, DOCUMENT_STATUS_LABELS[s] ?? s, values.status))}
    </select></label>
    <label>${FIELD_LABELS['superseded_by']} <input name="superseded_by" value="${values.superseded_by}"></label>
    <label>${FIELD_LABELS['topic']} <input name="topic" value="${values.topic}" placeholder="nguoi-co-cong, mai-tang"></label>
    <label>${FIELD_LABELS['reviewed']} <input type="date" name="reviewed" value="${values.reviewed}"></label>
    <label class="wide">${FIELD_LABELS['source_url']} <textarea name="source_url" rows="2" placeholder="https://…">${values.source_url}</textarea>
      <small>Mỗi dòng một địa chỉ.</small></label>
    <label class="check"><input type="checkbox" name="verified"${values.verified ? html` checked` : ''}> ${FIELD_LABELS['verified']}</label>
  </div>`;
}

/** Status names in the drop-down of a document page ("draft" says what it does). */
const STATUS_CHOICES: Record<string, string> = { ...DOCUMENT_STATUS_LABELS, draft: 'Bản nháp (ngừng dùng)' };

/** The status drop-down of a document page, starting on the document's current status. */
export function statusSelect(current: string): SafeHtml {
  return html`<select name="status" aria-label="Tình trạng mới">
    ${DOCUMENT_STATUSES.map((s) => html`<option value="${s}"${s === current ? html` selected` : ''}>${STATUS_CHOICES[s] ?? s}</option>`)}
  </select>`;
}
