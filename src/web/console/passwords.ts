/**
 * Password rules for console accounts. bcrypt reads only the first 72 bytes of a password, and a Vietnamese
 * letter with its marks takes 2–3 bytes in UTF-8, so the cap is on bytes, well under 72: two passwords that
 * differ only after the cap can never both exist. Strength is a short list of what guessers try first:
 * common passwords and words with a few digits, digits only, repeats and runs (1234567890, qwertyuiop).
 */

export const MIN_PASSWORD_LENGTH = 10;
/** The most UTF-8 bytes a new password may have (bcrypt ignores everything after byte 72). */
export const MAX_PASSWORD_BYTES = 64;
/** bcrypt's own limit: a password typed at sign-in longer than this cannot be the one stored. */
export const BCRYPT_MAX_BYTES = 72;

/** Words (lower case, no diacritics, letters only) guessers try first, alone or with a few digits. */
const COMMON_WORDS = new Set([
  'matkhau', 'matkhaumoi', 'password', 'passwd', 'pass', 'admin', 'administrator', 'quantri', 'quantrivien', 'root', 'user',
  'guest', 'login', 'dangnhap', 'welcome', 'iloveyou', 'anhyeuem', 'emyeuanh', 'yeuem', 'yeuanh', 'hello', 'xinchao',
  'qwerty', 'vietnam', 'hanoi', 'saigon', 'hochiminh', 'trolyxa', 'troly', 'chuyengia', 'canbo', 'ubnd', 'baomat', 'secret',
  'letmein', 'football', 'monkey', 'dragon', 'master', 'sunshine', 'princess', 'trustno', 'changeme', 'default', 'test',
  'thunghiem', 'nguoicocong', 'laodong', 'sonoivu', 'noivu',
]);
/** Whole passwords (same form) that the other rules miss. */
const COMMON_PASSWORDS = new Set(['1q2w3e4r5t', '1q2w3e4r5t6y', 'zaq12wsx', '1qaz2wsx', '1qaz2wsx3edc', 'qazwsxedc', 'zaq1xsw2', 'q1w2e3r4t5']);
const RUNS = ['abcdefghijklmnopqrstuvwxyz', '01234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', '1qaz2wsx3edc4rfv', 'qazwsxedcrfvtgb'];
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };

/** Lower case, diacritics and đ folded, then only letters and digits. */
function skeleton(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** "p@ssw0rd" → "password": leet characters next to a letter read as that letter. */
function deleet(text: string): string {
  return text.replace(/[0134579@$]/g, (ch, i: number) => (/[a-z]/.test(text[i - 1] ?? '') || /[a-z]/.test(text[i + 1] ?? '') ? (LEET[ch] ?? ch) : ch));
}

function isRepeat(s: string): boolean {
  return s.length > 0 && (/^(.+?)\1+$/.test(s) || new Set(s).size <= 2);
}

function isRun(s: string): boolean {
  if (s.length < 3) return false;
  const steps = [...s].slice(1).map((ch, i) => ch.charCodeAt(0) - s.charCodeAt(i));
  if (steps.every((d) => d === 1) || steps.every((d) => d === -1)) return true;
  const reversed = [...s].reverse().join('');
  return RUNS.some((run) => run.includes(s) || run.includes(reversed));
}

/** A word or a digit group a guesser would try: a common word, the e-mail's name, a run, a repeat. */
function guessableWord(word: string, personal: readonly string[]): boolean {
  return word.length <= 2 || COMMON_WORDS.has(word) || personal.includes(word) || isRun(word) || isRepeat(word);
}

function guessableDigits(digits: string): boolean {
  return digits.length <= 6 || /^(19|20)\d\d$/.test(digits) || isRun(digits) || isRepeat(digits);
}

function weakness(password: string, personal: readonly string[]): string | undefined {
  if (new Set(password).size < 4) return 'chỉ lặp lại vài ký tự';
  const forms = [...new Set([skeleton(password), skeleton(deleet(password.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()))])];
  for (const plain of forms) {
    if (!plain) continue;
    if (/^\d+$/.test(plain) && !/\p{L}/u.test(password)) return 'chỉ gồm chữ số (như số điện thoại, ngày sinh)';
    if (isRepeat(plain)) return 'lặp lại một nhóm ký tự';
    if (isRun(plain)) return 'là một dãy ký tự liên tiếp';
    if (COMMON_PASSWORDS.has(plain) || COMMON_WORDS.has(plain)) return 'là mật khẩu phổ biến';
    for (const name of personal) {
      const rest = plain.replace(name, '');
      if (rest !== plain && (rest.length <= 6 || isRun(rest) || isRepeat(rest))) return 'dựa vào địa chỉ thư điện tử';
    }
    const parts = /^(\d*)([a-z]*)(\d*)$/.exec(plain);
    if (parts && guessableWord(parts[2]!, personal) && guessableDigits(`${parts[1]}${parts[3]}`)) return 'là một từ phổ biến kèm vài chữ số';
  }
  return undefined;
}

/**
 * Why a new password is refused, in Vietnamese, or undefined when it is acceptable. `email` (the account's)
 * adds its name part to the words a guesser tries.
 *
 * @example
 * passwordProblem('1234567890'); // 'Mật khẩu quá dễ đoán: chỉ gồm chữ số …'
 * passwordProblem('sông Trà Khúc mùa lũ 1999'); // undefined
 */
export function passwordProblem(password: string, email?: string): string | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `Mật khẩu phải có ít nhất ${MIN_PASSWORD_LENGTH} ký tự.`;
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes > MAX_PASSWORD_BYTES) {
    return `Mật khẩu dài quá ${MAX_PASSWORD_BYTES} byte (mật khẩu này dài ${bytes} byte; mỗi chữ có dấu tính 2–3 byte). Hãy rút ngắn lại.`;
  }
  const local = email ? skeleton(email.split('@')[0] ?? '') : '';
  const reason = weakness(password, local.length >= 3 ? [local] : []);
  if (reason) return `Mật khẩu quá dễ đoán: ${reason}. Hãy chọn cụm từ khác, ví dụ ghép ba, bốn từ không liên quan đến nhau.`;
  return undefined;
}
