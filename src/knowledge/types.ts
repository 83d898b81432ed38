import { z } from 'zod';

/** A YAML date (parsed by gray-matter into a Date) or an ISO `YYYY-MM-DD` string, kept as `YYYY-MM-DD`. */
const isoDate = z
  .union([z.date(), z.string()])
  .transform((value, ctx) => {
    const text = value instanceof Date ? value.toISOString().slice(0, 10) : value.trim();
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    const date = match ? new Date(`${text}T00:00:00Z`) : null;
    if (!match || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `không phải ngày hợp lệ (dạng YYYY-MM-DD): ${String(value)}` });
      return z.NEVER;
    }
    return text;
  });

const stringList = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((v) => (Array.isArray(v) ? v : [v]));

/** Money written the way the documents write it: "2.789.000 đồng", "23.400.000 đ". */
export const MONEY_PATTERN = /(?<![\d.,])\d{1,3}(?:\.\d{3})+(?:\s?(?:đồng|đ))(?![\p{L}\p{N}])/gu;

/** The canonical key of an amount: its digits ("2.789.000 đồng" → "2789000"). */
export function amountKey(text: string): string {
  return text.replace(/\D/g, '').replace(/^0+/, '');
}

/**
 * One amount a document states, with the period it applies to and its legal basis, so that an answer
 * can say from when it applies and what it replaced. Amounts of one `series` (e.g. "muc-chuan") form a
 * timeline across the knowledge base.
 */
export const amountSchema = z
  .object({
    value: z.string().min(1).refine((v) => amountKey(v).length > 0, 'value phải có chữ số, ví dụ "2.789.000 đồng"'),
    what: z.string().min(3),
    from: isoDate,
    to: isoDate.optional(),
    basis: z.string().min(3),
    series: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'series must be lower-case letters, digits and dashes').optional(),
    /** false when no official text confirms the amount yet (sources conflict, a draft…). */
    verified: z.boolean().optional(),
  })
  .strict();

export type AmountFact = z.output<typeof amountSchema>;

export const DOCUMENT_STATUSES = ['in_force', 'superseded', 'partly_superseded', 'draft', 'unknown'] as const;

/**
 * Front matter every knowledge document carries (Markdown front matter, a sidecar `.meta.yaml`,
 * or the admin upload form).
 */
export const documentMetaSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'id must be lower-case letters, digits and dashes'),
    title: z.string().min(3),
    doc_number: z.string().optional(),
    doc_type: z.string().optional(),
    /** Short label used at the head of citations, e.g. "Nghị định 131/2021/NĐ-CP". Defaults to doc_number or title. */
    citation: z.string().optional(),
    issuer: z.string().optional(),
    issued: isoDate.optional(),
    effective: isoDate.optional(),
    /** The last day the document applied, once it no longer does (repealed, replaced, expired). */
    effective_to: isoDate.optional(),
    status: z.enum(DOCUMENT_STATUSES).default('in_force'),
    superseded_by: z.string().optional(),
    topic: stringList.optional(),
    /** Official sources first: the gazette, government and ministry portals, consolidated texts, the press. */
    source_url: stringList.optional(),
    /** Third-party copies (GitHub, law-library mirrors): shown to admins, never given to users as "Nguồn". */
    secondary_sources: stringList.optional(),
    /** Notes for authors and admins: kept out of the index and out of every answer. */
    notes: z.union([z.string(), z.array(z.string())]).optional(),
    /** Every amount of money the body states, with its period and legal basis. */
    amounts: z.array(amountSchema).optional(),
    /**
     * Words one of which a question must use for this document to lead the answer ("truy tặng", "danh hiệu"):
     * a document on how a title is awarded shares every word of a question on the benefits of those who hold it.
     */
    asked_with: stringList.optional(),
    verified: z.boolean().default(false),
    reviewed: isoDate.optional(),
    /** The body was read by OCR from a scan: searchable only once an admin has confirmed the text. */
    ocr: z.boolean().optional(),
  })
  .passthrough()
  .superRefine((meta, ctx) => {
    if (meta.status === 'superseded' && !meta.superseded_by) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['superseded_by'], message: 'văn bản đã bị thay thế phải ghi superseded_by (văn bản thay thế)' });
    }
    if (meta.effective && meta.effective_to && meta.effective_to < meta.effective) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['effective_to'], message: 'effective_to (ngày cuối cùng áp dụng) không được trước effective' });
    }
  });

export type DocumentMeta = z.output<typeof documentMetaSchema>;

/** A source file read into text, before chunking. */
export interface LoadedDocument {
  meta: DocumentMeta;
  /** Body text (front matter removed), Unicode NFC. */
  body: string;
  /** 'markdown' bodies are chunked on headings as well as on legal structure. */
  format: 'markdown' | 'text';
  /** Path relative to the knowledge folder, with forward slashes. */
  sourcePath: string;
}

/** One retrievable passage with its citation path. */
export interface Chunk {
  /** `${docId}#${ordinal}` */
  id: string;
  docId: string;
  ordinal: number;
  /** Human citation, e.g. "Nghị định 131/2021/NĐ-CP, Điều 5, Khoản 2" or "Thủ tục trợ cấp mai táng › Hồ sơ". */
  citation: string;
  /** Heading path inside the document, e.g. ["Chương II", "Điều 5. …", "Khoản 2"]. */
  path: string[];
  /** Heading line(s) shown above the text: the document title and the section heading. */
  heading: string;
  text: string;
}
