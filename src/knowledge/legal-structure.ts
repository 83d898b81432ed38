/**
 * Recognises the structure of Vietnamese legal texts, line by line: Phần, Phụ lục, Chương, Mục, Điều,
 * Khoản (`1.`), Điểm (`a)`), the closing "Nơi nhận:" block, and the header of a legal document
 * (issuer, "Số: …", "Hà Nội, ngày … tháng … năm …", type word and title).
 *
 * Pure functions over strings; used by the chunker and the loaders.
 */

import { fold } from '../text/normalize.js';

/** Units that head a block of a legal text, from the outermost. */
export type StructuralKind = 'phan' | 'phuluc' | 'chuong' | 'muc' | 'dieu';

/** A heading line of a legal text, e.g. `Điều 5. Hồ sơ công nhận` → { kind: 'dieu', number: '5', title: 'Hồ sơ công nhận' }. */
export interface StructuralHeading {
  kind: StructuralKind;
  /** As written after the keyword, normalised: `II`, `5a`, `thứ nhất`, or '' for an unnumbered `PHỤ LỤC`. */
  number: string;
  /** Text after the number and its separator ('' when the line has none). */
  title: string;
}

/** Canonical keyword of each unit, as used in paths and citations. */
export const UNIT_WORD: Record<StructuralKind | 'khoan' | 'diem', string> = {
  phan: 'Phần',
  phuluc: 'Phụ lục',
  chuong: 'Chương',
  muc: 'Mục',
  dieu: 'Điều',
  khoan: 'Khoản',
  diem: 'Điểm',
};

/** Letters used for điểm, in order (Vietnamese alphabet without f, j, w, z). */
export const DIEM_LETTERS = ['a', 'b', 'c', 'd', 'đ', 'e', 'g', 'h', 'i', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'x', 'y'] as const;

const KEYWORD = /^(phần|phụ\s+lục|chương|mục|điều)(?=\s|$)\s*(.*)$/iu;
const ROMAN_OR_ARABIC = /^([IVXLC]+|\d{1,3})(?=$|[\s.:\-–—)])/u;
const PHAN_ORDINAL = /^(thứ\s+(?:nhất|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười(?:\s+(?:một|hai|ba|bốn|tư|lăm|năm))?))(?=$|[\s.:\-–—])/iu;
const PHULUC_NUMBER = /^(?:số\s+)?([IVXLC]+|\d{1,3}[A-Za-z]?)(?=$|[\s.:\-–—)])/iu;
const DIEU_REST = /^(\d{1,4}[a-zđ]?)\s*([.:])\s*(.*)$/iu;
const KHOAN = /^\s{0,3}(\d{1,3})\.\s+\S/u;
const DIEM = /^\s{0,3}([a-zđ])\)\s+\S/u;
const NOI_NHAN = /^\s*nơi\s+nhận\s*:/iu;
const DECORATIVE = /^\s*[-_=*~.•─—–]{3,}\s*$/u;

/** True when at least 80% of the cased letters of `text` are upper case (and it has at least 2 letters). */
export function isMostlyUpperCase(text: string): boolean {
  let letters = 0;
  let upper = 0;
  for (const ch of text) {
    const lower = ch.toLowerCase();
    const up = ch.toUpperCase();
    if (lower === up) continue;
    letters += 1;
    if (ch === up) upper += 1;
  }
  return letters >= 2 && upper / letters >= 0.8;
}

function startsWithLowerCase(text: string): boolean {
  const first = text.trimStart()[0];
  return first !== undefined && first !== first.toUpperCase() && first === first.toLowerCase();
}

/** Strips Markdown emphasis wrapping a whole line (`**Điều 5. …**`). */
function stripEmphasis(line: string): string {
  const m = /^(\*\*|__)(.+)\1\s*$/u.exec(line.trim());
  return (m ? m[2]! : line).trim();
}

/** The rest of a Phần/Chương/Mục/Phụ lục line after its number: empty, a separator + title, or a title in capitals. */
function headingTitle(rest: string): string | null {
  const text = rest.trim();
  if (text === '') return '';
  if (/^[.:\-–—)]/u.test(text)) return text.replace(/^[.:\-–—)\s]+/u, '').trim();
  return isMostlyUpperCase(text) ? text : null;
}

/**
 * Parses a Phần / Phụ lục / Chương / Mục / Điều heading line, or returns null for ordinary text.
 *
 * A sentence that merely starts with a unit ("Điều 3 của Nghị định này quy định…", "Chương II của…")
 * is not a heading: an Điều heading needs `Điều <n>.` followed by a title, or `Điều <n>:`; the other
 * units need nothing after the number, a separator, or a title in capitals.
 *
 * @example parseStructuralLine('Điều 5. Hồ sơ') // { kind: 'dieu', number: '5', title: 'Hồ sơ' }
 */
export function parseStructuralLine(line: string): StructuralHeading | null {
  const text = stripEmphasis(line);
  const m = KEYWORD.exec(text);
  if (!m) return null;
  const keyword = m[1]!.toLowerCase().replace(/\s+/gu, ' ');
  const rest = m[2] ?? '';
  if (keyword === 'điều') {
    const d = DIEU_REST.exec(rest);
    if (!d) return null;
    const title = (d[3] ?? '').trim();
    if (d[2] === '.' && title === '') return null;
    if (startsWithLowerCase(title)) return null;
    return { kind: 'dieu', number: d[1]!.toLowerCase(), title };
  }
  if (keyword === 'phụ lục') {
    const n = PHULUC_NUMBER.exec(rest);
    if (n) {
      const title = headingTitle(rest.slice(n[0].length));
      return title === null ? null : { kind: 'phuluc', number: n[1]!.toUpperCase(), title };
    }
    // Unnumbered: "PHỤ LỤC" in capitals, or "Phụ lục" alone on its line.
    const title = headingTitle(rest);
    if (title === null) return null;
    if (title !== '' && !isMostlyUpperCase(m[1]!)) return null;
    return { kind: 'phuluc', number: '', title };
  }
  if (keyword === 'phần') {
    const ord = PHAN_ORDINAL.exec(rest) ?? ROMAN_OR_ARABIC.exec(rest);
    if (!ord) return null;
    const title = headingTitle(rest.slice(ord[0].length));
    if (title === null) return null;
    const number = /^thứ/iu.test(ord[1]!) ? ord[1]!.toLowerCase().replace(/\s+/gu, ' ') : ord[1]!;
    return { kind: 'phan', number, title };
  }
  const n = ROMAN_OR_ARABIC.exec(rest);
  if (!n) return null;
  const title = headingTitle(rest.slice(n[0].length));
  if (title === null) return null;
  return { kind: keyword === 'chương' ? 'chuong' : 'muc', number: n[1]!, title };
}

/** `Chương II`, `Điều 5`, `Phụ lục I`, `Phần thứ nhất` (no title). */
export function unitLabel(heading: StructuralHeading): string {
  const word = UNIT_WORD[heading.kind];
  return heading.number ? `${word} ${heading.number}` : word;
}

/** `Điều 5. Hồ sơ …`, `Chương II. QUY ĐỊNH CHUNG`, or just the label when there is no title. */
export function unitHeadingText(heading: StructuralHeading): string {
  const label = unitLabel(heading);
  return heading.title ? `${label}. ${heading.title}` : label;
}

/** The number of a khoản line (`2. Hồ sơ gồm:` → 2), or null. Does not check the context. */
export function parseKhoanLine(line: string): number | null {
  const m = KHOAN.exec(line);
  return m ? Number(m[1]) : null;
}

/** The letter of a điểm line (`đ) Giấy báo tử` → 'đ'), or null when it is not one of {@link DIEM_LETTERS}. */
export function parseDiemLine(line: string): string | null {
  const m = DIEM.exec(line);
  if (!m) return null;
  return diemIndex(m[1]!) >= 0 ? m[1]! : null;
}

/** Position of a điểm letter in {@link DIEM_LETTERS}, -1 if it is not one. */
export function diemIndex(letter: string): number {
  return (DIEM_LETTERS as readonly string[]).indexOf(letter);
}

/** True for the "Nơi nhận:" line that opens the closing block of a legal document. */
export function isNoiNhanLine(line: string): boolean {
  return NOI_NHAN.test(line);
}

/** True for separator lines such as `-------`, `____` or `***` that carry no text. */
export function isDecorativeLine(line: string): boolean {
  return DECORATIVE.test(line);
}

/**
 * Lower-case ASCII slug: diacritics folded, đ → d, every run of other characters → '-'.
 *
 * @example slugify('Nghị định 131/2021') // 'nghi-dinh-131-2021'
 */
export function slugify(text: string): string {
  return fold(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/gu, '-')
    .replace(/^-+|-+$/gu, '');
}

// ---------------------------------------------------------------------------------------------
// Document types

/** Type words of Vietnamese legal documents, in capitals, longest first so "THÔNG TƯ LIÊN TỊCH" wins over "THÔNG TƯ". */
const TYPE_WORDS = [
  'NGHỊ QUYẾT LIÊN TỊCH',
  'THÔNG TƯ LIÊN TỊCH',
  'VĂN BẢN HỢP NHẤT',
  'HIẾN PHÁP',
  'PHÁP LỆNH',
  'NGHỊ QUYẾT',
  'NGHỊ ĐỊNH',
  'QUYẾT ĐỊNH',
  'THÔNG TƯ',
  'CHỈ THỊ',
  'KẾT LUẬN',
  'CÔNG VĂN',
  'CÔNG ĐIỆN',
  'QUY ĐỊNH',
  'QUY CHẾ',
  'HƯỚNG DẪN',
  'KẾ HOẠCH',
  'THÔNG BÁO',
  'BỘ LUẬT',
  'LUẬT',
  'LỆNH',
] as const;

/** `NGHỊ ĐỊNH` → `Nghị định`. */
function sentenceCase(text: string): string {
  const lower = text.toLocaleLowerCase('vi');
  return lower.charAt(0).toLocaleUpperCase('vi') + lower.slice(1);
}

/** Legal document types by their `doc_type` slug → the word used in citations. */
const TYPE_WORD_BY_SLUG: ReadonlyMap<string, string> = new Map(
  TYPE_WORDS.map((word) => [slugify(word), sentenceCase(word)] as const),
);

/**
 * The citation word for a legal `doc_type` slug (`nghi-dinh` → `Nghị định`), or undefined for
 * non-legal types (`thu-tuc`, `tong-quan`, …) and unknown ones.
 */
export function docTypeWord(docType: string | undefined): string | undefined {
  return docType ? TYPE_WORD_BY_SLUG.get(docType.trim().toLowerCase()) : undefined;
}

/** Infers the type word from a document number's code: `131/2021/NĐ-CP` → `Nghị định`. */
function typeWordFromNumber(docNumber: string): string | undefined {
  const n = docNumber.toUpperCase();
  if (/NĐ-CP/u.test(n)) return 'NGHỊ ĐỊNH';
  if (/\/TTLT-/u.test(n)) return 'THÔNG TƯ LIÊN TỊCH';
  if (/\/TT-/u.test(n)) return 'THÔNG TƯ';
  if (/\/QĐ-/u.test(n)) return 'QUYẾT ĐỊNH';
  if (/\/NQ-|-NQ\//u.test(n)) return 'NGHỊ QUYẾT';
  if (/\/CT-|-CT\//u.test(n)) return 'CHỈ THỊ';
  if (/-KL\/|\/KL-/u.test(n)) return 'KẾT LUẬN';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Header of a legal document

/** What the first lines of a Vietnamese legal text say about it. All fields optional. */
export interface LegalHeader {
  /** Issuing body, sentence case ("Chính phủ"). */
  issuer?: string;
  /** `131/2021/NĐ-CP` */
  docNumber?: string;
  /** `YYYY-MM-DD` from "…, ngày 30 tháng 12 năm 2021". */
  issued?: string;
  /** Set instead of `issued` when the date line names an impossible date, e.g. `2021-02-30`. */
  invalidDate?: string;
  /** Slug of the type word: `nghi-dinh`. */
  docType?: string;
  /** `Nghị định` */
  typeWord?: string;
  /** `Nghị định 131/2021/NĐ-CP quy định chi tiết …` */
  title?: string;
  /** `Nghị định 131/2021/NĐ-CP` */
  citation?: string;
}

const HEADER_STOP = /^(căn\s+cứ|theo\s+đề\s+nghị)(?![\p{L}\p{N}])/iu;
const DOC_NUMBER = /^số\s*[:.]?\s*([\p{L}\p{N}][\p{L}\p{N}.\-–]*(?:\s*\/\s*[\p{L}\p{N}][\p{L}\p{N}.\-–]*)+)/iu;
const DATE = /ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})/iu;
const NATIONAL_MOTTO = /^(cộng\s+hòa|cộng\s+hoà|độc\s+lập|đảng\s+cộng\s+sản)/iu;
const VV = /^v\/v\s*[:.]?\s*(.+)$/iu;

/** Splits a header line into its side-by-side columns (tabs or wide runs of spaces). */
function cells(line: string): string[] {
  return line
    .replace(/^#{1,6}\s+/u, '')
    .split(/\t+|\s{3,}/u)
    .map((c) => c.trim())
    .filter((c) => c !== '' && !isDecorativeLine(c));
}

function isoDate(day: number, month: number, year: number): { ok: boolean; text: string } {
  const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const date = new Date(`${text}T00:00:00Z`);
  return { ok: !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text, text };
}

/**
 * Reads the header of a Vietnamese legal text (the lines before "Căn cứ …" or the first Chương/Điều):
 * issuer, "Số: 131/2021/NĐ-CP", "Hà Nội, ngày 30 tháng 12 năm 2021", the type word (NGHỊ ĐỊNH, THÔNG TƯ …)
 * and the subject lines under it.
 *
 * @example
 * parseLegalHeader('CHÍNH PHỦ\nSố: 131/2021/NĐ-CP\nHà Nội, ngày 30 tháng 12 năm 2021\nNGHỊ ĐỊNH\nQUY ĐỊNH CHI TIẾT …')
 * // { issuer: 'Chính phủ', docNumber: '131/2021/NĐ-CP', issued: '2021-12-30', typeWord: 'Nghị định',
 * //   docType: 'nghi-dinh', citation: 'Nghị định 131/2021/NĐ-CP', title: 'Nghị định 131/2021/NĐ-CP quy định chi tiết …' }
 */
export function parseLegalHeader(text: string): LegalHeader {
  const lines: string[] = [];
  for (const line of text.split('\n').slice(0, 80)) {
    const bare = line.replace(/^#{1,6}\s+/u, '').trim();
    if (HEADER_STOP.test(bare) || parseStructuralLine(bare)) break;
    lines.push(line);
  }

  const header: LegalHeader = {};
  const issuerParts: string[] = [];
  let issuerDone = false;
  let typeLine = -1;
  let typeWord: string | undefined;
  let subjectOnTypeLine = '';
  let vv: string | undefined;

  for (let i = 0; i < lines.length && typeLine < 0; i++) {
    for (const cell of cells(lines[i]!)) {
      const num = DOC_NUMBER.exec(cell);
      if (num && !header.docNumber) {
        header.docNumber = num[1]!.replace(/\s+/gu, '');
        issuerDone = true;
        continue;
      }
      const date = DATE.exec(cell);
      if (date) {
        if (!header.issued && !header.invalidDate) {
          const d = isoDate(Number(date[1]), Number(date[2]), Number(date[3]));
          if (d.ok) header.issued = d.text;
          else header.invalidDate = d.text;
        }
        issuerDone = true;
        continue;
      }
      const v = VV.exec(cell);
      if (v) {
        vv ??= v[1]!.trim();
        issuerDone = true;
        continue;
      }
      if (cell === cell.toLocaleUpperCase('vi')) {
        const word = TYPE_WORDS.find((w) => cell === w || cell.startsWith(`${w} `));
        if (word) {
          typeWord = word;
          typeLine = i;
          subjectOnTypeLine = cell.slice(word.length).trim();
          break;
        }
      }
      if (NATIONAL_MOTTO.test(cell)) continue;
      if (!issuerDone && isMostlyUpperCase(cell) && issuerParts.length < 3) issuerParts.push(cell);
    }
  }

  if (issuerParts.length > 0) header.issuer = sentenceCase(issuerParts.join(' '));

  const subject: string[] = subjectOnTypeLine ? [subjectOnTypeLine] : [];
  if (typeLine >= 0) {
    let i = typeLine + 1;
    while (i < lines.length && lines[i]!.trim() === '' && subject.length === 0) i++;
    for (; i < lines.length && subject.length < 5; i++) {
      const line = lines[i]!.replace(/^#{1,6}\s+/u, '').trim();
      if (line === '' || isDecorativeLine(line)) break;
      if (isMostlyUpperCase(line)) subject.push(line);
      else if (subject.length === 0 && /^(về|v\/v|ban\s+hành|quy\s+định|hướng\s+dẫn|sửa\s+đổi)(?![\p{L}\p{N}])/iu.test(line)) subject.push(line);
      else break;
    }
  } else if (vv) {
    subject.push(vv);
  }

  const word = typeWord ?? (vv ? 'CÔNG VĂN' : header.docNumber ? typeWordFromNumber(header.docNumber) : undefined);
  if (word) {
    header.typeWord = sentenceCase(word);
    header.docType = slugify(word);
    if (header.docNumber) header.citation = `${header.typeWord} ${header.docNumber}`;
  }
  const subjectText = subject.join(' ').replace(/\s+/gu, ' ').trim();
  if (header.typeWord || subjectText) {
    const lead = header.citation ?? header.typeWord ?? '';
    const about = isMostlyUpperCase(subjectText) ? subjectText.toLocaleLowerCase('vi') : subjectText;
    const title = [lead, lead ? lowerFirst(about) : about].filter(Boolean).join(' ');
    if (title.length >= 3) header.title = title;
  }
  return header;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLocaleLowerCase('vi') + text.slice(1);
}
