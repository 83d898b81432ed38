import { fold } from '../text/normalize.js';

/** What part of a procedure a question is about, and the section heading words that answer it. */
export interface SectionIntent {
  name: 'documents' | 'steps' | 'authority' | 'amount' | 'legal_basis' | 'notes';
  /** Folded words that a matching section heading contains. */
  heading: string[];
}

const INTENTS: { intent: SectionIntent; cues: RegExp }[] = [
  {
    intent: { name: 'documents', heading: ['ho so', 'giay to'] },
    cues: /\b(ho so|hs|giay to|giay gi|giay j|thanh phan|gom nhung(?! (ai|che do|khoan|quyen loi|uu dai|chinh sach|tro cap|nhiem vu|noi dung|doi tuong|truong hop))|gom gi|can nhung gi|mau so|mau \d|mau nao|theo mau|dung mau|ban khai|don de nghi|lam thu tuc gi)\b/,
  },
  {
    intent: { name: 'steps', heading: ['trinh tu', 'thoi han', 'quy trinh'] },
    cues: /\b(thoi han|bao lau|may ngay|bao nhieu ngay|trinh tu|cac buoc|quy trinh|thu tu|han chot)\b/,
  },
  {
    intent: { name: 'authority', heading: ['co quan', 'tiep nhan', 'giai quyet', 'tham quyen'] },
    cues: /\b(ai (ky|cap|giai quyet|quyet dinh|lam|sua|tiep nhan|xac nhan)|co quan nao|nop o dau|nop dau|noi nop|nop tai|tiep nhan|tham quyen|cap nao)\b/,
  },
  {
    intent: { name: 'amount', heading: ['muc huong', 'muc tro cap', 'muc'] },
    cues: /\b(bao nhieu(?! (ngay|lan|nam|nhom|dieu|chuong|thu tuc|nhiem vu))|muc huong|muc tro cap|bn|may trieu|muc chi|tien|ho tro gi|duoc nhan gi|nhan gi|huong gi|duoc gi)\b/,
  },
  {
    intent: { name: 'legal_basis', heading: ['can cu'] },
    cues: /\b(can cu|van ban nao|nghi dinh nao|dieu nao|theo quy dinh nao|co so phap ly)\b/,
  },
  {
    intent: { name: 'notes', heading: ['luu y', 'loi thuong gap'] },
    cues: /\b(luu y|sai sot|loi thuong gap|hay sai|chu y)\b/,
  },
];

/** The section a question asks about, if its wording says so. */
export function detectSectionIntent(question: string): SectionIntent | undefined {
  const plain = fold(question.toLowerCase());
  return INTENTS.find(({ cues }) => cues.test(plain))?.intent;
}

export function headingMatches(heading: string, intent: SectionIntent): boolean {
  const plain = fold(heading.toLowerCase());
  return intent.heading.some((word) => plain.includes(word));
}

const FOLLOW_UP_START = /^(con|the con|vay|vay con|the|the thi|con ve|thi|neu vay)\b/;

/**
 * Whether a message reads as a follow-up to the previous question ("còn hồ sơ thì sao?",
 * "thời hạn bao lâu?"): short, and either opening with a follow-up word or made only of words about
 * a part of a procedure.
 */
export function isFollowUp(question: string): boolean {
  const plain = fold(question.toLowerCase()).replace(/[^\p{L}\p{N}\s]/gu, ' ').replace(/\s+/g, ' ').trim();
  const words = plain.split(' ').filter(Boolean);
  if (words.length === 0 || words.length > 8) return false;
  if (FOLLOW_UP_START.test(plain)) return true;
  const generic = /^(ho so|hs|thoi han|bao lau|may ngay|nop o dau|nop dau|ai ky|ai giai quyet|can cu|muc huong|duoc bao nhieu|bao nhieu|mau nao|mau so may|trinh tu|the nao|ra sao|thi sao|gom gi|gom nhung gi|can gi|nhu the nao|o dau|luu y gi)( .*)?$/;
  return generic.test(plain) && words.length <= 6;
}
