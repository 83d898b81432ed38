import { amountKey, MONEY_PATTERN, type DocumentMeta } from './types.js';

/**
 * Rules on what users may be shown. Every indexed passage is shown in answers, so it may hold neither
 * instructions to the assistant nor notes to admins about the front matter; a lead-in line must stay with
 * the list it introduces; every amount of money must carry its period and legal basis.
 */

/** Words that address the assistant, the researcher or the admin rather than the reader. */
const ADDRESSED_TO_STAFF: readonly RegExp[] = [
  /\btrợ lý(?: xã)? (?:không được|phải|nên|cần|hãy|chỉ được|không tự|tuyệt đối)/iu,
  /\bngười nghiên cứu\b/iu,
  /\b(?:bot|chatbot|mô hình|LLM)\b.{0,40}\b(?:không được|phải|hãy)\b/iu,
  /\bfront[ -]?matter\b/iu,
  /\b(?:verified|source_url|secondary_sources|superseded_by|reviewed|doc_type|doc_number)\s*[:=]/iu,
  /(?<![\p{L}])(?:đổi|sửa|chuyển|đặt)\s+(?:trường\s+)?[`"“]?(?:verified|status|source_url|superseded_by|reviewed)\b/iu,
  /\bquản trị viên (?:cần|phải|hãy) (?:sửa|đổi|cập nhật|chuyển)\b/iu,
];

/** Finds text addressed to the assistant or to admins in an indexed passage (undefined when there is none). */
export function staffInstruction(text: string): string | undefined {
  for (const pattern of ADDRESSED_TO_STAFF) {
    const match = pattern.exec(text);
    if (match) return excerptAround(text, match.index);
  }
  return undefined;
}

/**
 * A passage that is only a lead-in ("Hồ sơ gồm:") or a heading, or that ends on a lead-in whose list went
 * to the next passage: an answer would end on an empty promise.
 */
export function isLoneLeadIn(text: string): boolean {
  const body = text.trim();
  return /:\s*$/u.test(body);
}

/** Hosts of third-party copies of legal texts: never the "Nguồn" of an answer. */
const THIRD_PARTY_HOSTS = [
  'github.com',
  'githubusercontent.com',
  'thuvienphapluat.vn',
  'luatvietnam.vn',
  'hoatieu.vn',
  'lawnet.vn',
  'global-regulation.com',
  'tracuuphapluat.info',
  'vanbanphapluat.co',
  'luatminhkhue.vn',
];

export function isThirdPartySource(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return THIRD_PARTY_HOSTS.some((h) => host === h || host.endsWith(`.${h}`));
}

/** The amounts of money a text states, each once, as written. */
export function moneyIn(text: string): string[] {
  return [...new Set(text.match(MONEY_PATTERN) ?? [])];
}

/** Amounts the body states that the front matter's `amounts` does not list with a period and basis. */
export function amountsWithoutPeriod(body: string, meta: Pick<DocumentMeta, 'amounts'>): string[] {
  const listed = new Set((meta.amounts ?? []).map((a) => amountKey(a.value)));
  return moneyIn(body).filter((m) => !listed.has(amountKey(m)));
}

function excerptAround(text: string, index: number): string {
  const start = Math.max(0, index - 20);
  return text.slice(start, index + 60).replace(/\s+/g, ' ').trim();
}
