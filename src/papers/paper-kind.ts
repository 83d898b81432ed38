import { fold, nfc } from '../text/normalize.js';

/** What kind of paper a scan looks like, read from its header. */
export interface PaperKind {
  kind: 'ban-khai' | 'don' | 'to-khai' | 'giay-bao-tu' | 'trich-luc' | 'quyet-dinh' | 'giay-chung-nhan' | 'giay-xac-nhan' | 'bang-to-quoc-ghi-cong';
  /** Vietnamese, to follow "Giấy bạn gửi có vẻ là …": "bản khai theo Mẫu số 09", "quyết định số 12/QĐ-UBND". */
  label: string;
  /** The form's number as printed ("09", "12a"), when the header names one. */
  formNumber?: string;
  /** A decision's number ("123/QĐ-UBND"). */
  documentNumber?: string;
}

/** Only the top of a paper is read: its title and form number are there; the body holds names and figures. */
const HEADER_CHARS = 1500;

/** Titles, matched on a folded line that starts with them; the first that matches wins. */
const TITLES: readonly { kind: PaperKind['kind']; pattern: RegExp; label: string }[] = [
  { kind: 'bang-to-quoc-ghi-cong', pattern: /^bang\s+"?\s*to quoc ghi cong/, label: 'Bằng "Tổ quốc ghi công"' },
  { kind: 'giay-bao-tu', pattern: /^giay bao tu\b/, label: 'giấy báo tử' },
  { kind: 'trich-luc', pattern: /^trich luc\b/, label: 'trích lục' },
  { kind: 'ban-khai', pattern: /^ban khai\b/, label: 'bản khai' },
  { kind: 'to-khai', pattern: /^to khai\b/, label: 'tờ khai' },
  { kind: 'don', pattern: /^don (de nghi|xin)\b/, label: 'đơn đề nghị' },
  { kind: 'giay-chung-nhan', pattern: /^giay chung nhan\b/, label: 'giấy chứng nhận' },
  { kind: 'giay-xac-nhan', pattern: /^giay xac nhan\b/, label: 'giấy xác nhận' },
  { kind: 'quyet-dinh', pattern: /^quyet dinh\b/, label: 'quyết định' },
];

/** What the titles that name a subject go on to say ("giấy chứng nhận thương binh"), at most this many words. */
const SUBJECT_WORDS = 6;
const WITH_SUBJECT = new Set<PaperKind['kind']>(['trich-luc', 'giay-chung-nhan', 'giay-xac-nhan']);

/**
 * The kind of paper a scan's text shows, from a title line in its header (BẢN KHAI, GIẤY BÁO TỬ,
 * QUYẾT ĐỊNH…) and the form or decision number printed there; undefined when no title line makes it
 * clear (a photo of a page in the middle of a document, a letter, text too garbled to read).
 *
 * @example
 * classifyPaper('CỘNG HÒA XÃ HỘI…\nMẫu số 09\nBẢN KHAI\nĐề nghị hưởng trợ cấp…')?.label // 'bản khai theo Mẫu số 09'
 */
export function classifyPaper(text: string): PaperKind | undefined {
  const header = nfc(text).slice(0, HEADER_CHARS);
  const lines = header.split(/[\n\f]+/).map((line) => line.replace(/\s+/g, ' ').trim()).filter(Boolean);
  const formNumber = /(?<![\p{L}])mẫu\s+(?:số\s*)?[:.]?\s*(\d{1,2}[a-zđ]?)(?![\p{L}\p{N}])/iu.exec(header)?.[1];
  for (const line of lines) {
    const folded = fold(line.toLowerCase()).replace(/[“”]/g, '"');
    const title = TITLES.find((t) => t.pattern.test(folded));
    if (!title) continue;
    if (title.kind === 'quyet-dinh') {
      const number = /số\s*[:.]?\s*(\d{1,6}\s*\/\s*(?:\d{4}\s*\/\s*)?QĐ-[\p{Lu}\d-]+)/iu.exec(header)?.[1]?.replace(/\s+/g, '');
      // "Quyết định" also opens the lines that cite one inside another paper: without its number it is not clear.
      if (!number) continue;
      return { kind: 'quyet-dinh', label: `quyết định số ${number}`, documentNumber: number };
    }
    if (WITH_SUBJECT.has(title.kind)) {
      const titleWords = title.label.split(' ').length;
      const subject = line.split(' ').slice(titleWords, titleWords + SUBJECT_WORDS).join(' ').toLowerCase().replace(/[.:;,]+$/u, '');
      const label = subject ? `${title.label} ${subject}` : title.label;
      return { kind: title.kind, label, ...(formNumber && { formNumber }) };
    }
    if (formNumber) return { kind: title.kind, label: `${title.label} theo Mẫu số ${formNumber}`, formNumber };
    return { kind: title.kind, label: title.label };
  }
  return undefined;
}

/**
 * What is searched beside a question about the paper: the form number (which puts the form's line first)
 * or the paper's kind. Never the paper's body: its names and figures would drown the question.
 */
export function searchTermsOf(paper: PaperKind | undefined): string {
  if (!paper) return '';
  if (paper.formNumber) return `Mẫu số ${paper.formNumber}`;
  if (paper.kind === 'quyet-dinh') return 'quyết định';
  return paper.label;
}
