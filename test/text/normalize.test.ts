import { describe, expect, it } from 'vitest';
import { canonicalTone, fold, hasDiacritics, nfc } from '../../src/text/normalize.js';

/** Code points of a string, to prove two visually identical strings really differ (or not). */
const codePoints = (s: string): string[] => [...s].map((c) => c.codePointAt(0)!.toString(16));

describe('nfc', () => {
  it('composes NFD input into NFC', () => {
    const decomposed = 'ngu\u031Bo\u031B\u0300i'; // n g u+horn o+horn+grave i
    const result = nfc(decomposed);
    expect(result).toBe('ng\u01B0\u1EDDi'); // ngư + ờ + i, precomposed
    expect(result).toBe('người');
    expect(result).toHaveLength(5);
    expect(decomposed).toHaveLength(8);
  });

  it('composes a stacked tone + vowel-shape sequence (ệ)', () => {
    expect(codePoints(nfc('vie\u0323\u0302t'))).toEqual(['76', '69', '1ec7', '74']);
  });

  it('turns CRLF and lone CR into LF', () => {
    expect(nfc('dòng 1\r\ndòng 2\rdòng 3\n')).toBe('dòng 1\ndòng 2\ndòng 3\n');
  });

  it('leaves already-NFC text unchanged', () => {
    expect(nfc('Ủy ban nhân dân xã')).toBe('Ủy ban nhân dân xã');
  });
});

describe('canonicalTone', () => {
  // [old placement, new placement] — the inputs really are different strings.
  const pairs: Array<[string, string]> = [
    ['hoà', 'hòa'],
    ['thuỷ', 'thủy'],
    ['khoẻ', 'khỏe'],
    ['qúy', 'quý'],
    ['ngòai', 'ngoài'],
    ['uỷ', 'ủy'],
    ['oà', 'òa'],
  ];

  it.each(pairs)('%s and %s give the same canonical string', (oldForm, newForm) => {
    expect(oldForm).not.toBe(newForm);
    expect(canonicalTone(oldForm)).toBe(newForm);
    expect(canonicalTone(newForm)).toBe(newForm);
  });

  it('puts the tone on the exact code point expected (hòa = h, o+grave, a)', () => {
    expect(codePoints(canonicalTone('hoà'))).toEqual(['68', 'f2', '61']);
    expect(codePoints(canonicalTone('thuỷ'))).toEqual(['74', '68', '1ee7', '79']);
  });

  it.each(['toán', 'hoàn', 'quyết', 'người', 'hoạch', 'tuyển', 'huỳnh'])(
    'leaves the closed syllable %s unchanged',
    (syllable) => {
      expect(canonicalTone(syllable)).toBe(syllable);
    },
  );

  it.each(['giữa', 'giải', 'gìn', 'quả', 'quốc', 'khuỷu', 'mía', 'của', 'cửa', 'tuổi', 'thuở'])(
    'leaves the already-canonical syllable %s unchanged',
    (syllable) => {
      expect(canonicalTone(syllable)).toBe(syllable);
    },
  );

  it('moves a tone from the final vowel to the last nucleus vowel before a final consonant (hòan → hoàn)', () => {
    expect(canonicalTone('hòan')).toBe('hoàn');
    expect(canonicalTone('tóan')).toBe('toán');
  });

  it('moves a tone typed on the ư of ươ to the ơ (ngừơi → người)', () => {
    expect(canonicalTone('ng\u1EEB\u01A1i')).toBe('người');
  });

  it('accepts NFD input and returns NFC', () => {
    expect(canonicalTone('hoa\u0300')).toBe('hòa');
    expect(canonicalTone('thuy\u0309')).toBe('thủy');
  });

  it('returns syllables without a tone unchanged (NFC)', () => {
    expect(canonicalTone('hoa')).toBe('hoa');
    expect(canonicalTone('đươc')).toBe('đươc');
    expect(canonicalTone('ngu\u031Bo\u031Bi')).toBe('ngươi');
  });

  it('leaves a string with two tone marks alone (not a Vietnamese syllable)', () => {
    const twoTones = 'ho\u0300a\u0301';
    expect(canonicalTone(twoTones)).toBe(twoTones.normalize('NFC'));
  });

  it('leaves a string without vowels alone', () => {
    expect(canonicalTone('nđ')).toBe('nđ');
  });
});

describe('fold', () => {
  it('removes all marks and maps đ/Đ to d/D', () => {
    expect(fold('Đường Đình')).toBe('Duong Dinh');
    expect(fold('Nghị định 131/2021/NĐ-CP')).toBe('Nghi dinh 131/2021/ND-CP');
  });

  it('folds every Vietnamese vowel with every tone, lower and upper case', () => {
    const lower =
      'aàáảãạ ăằắẳẵặ âầấẩẫậ eèéẻẽẹ êềếểễệ iìíỉĩị oòóỏõọ ôồốổỗộ ơờớởỡợ uùúủũụ ưừứửữự yỳýỷỹỵ dđ';
    const expected = 'aaaaaa aaaaaa aaaaaa eeeeee eeeeee iiiiii oooooo oooooo oooooo uuuuuu uuuuuu yyyyyy dd';
    expect(fold(lower)).toBe(expected);
    expect(fold(lower.toUpperCase())).toBe(expected.toUpperCase());
  });

  it('folds NFD input too', () => {
    expect(fold('ngu\u031Bo\u031B\u0300i')).toBe('nguoi');
  });

  it('leaves plain ASCII unchanged', () => {
    expect(fold('ubnd xa 2025')).toBe('ubnd xa 2025');
  });
});

describe('hasDiacritics', () => {
  it('is true for đ alone and for a tone', () => {
    expect(hasDiacritics('đi')).toBe(true);
    expect(hasDiacritics('má')).toBe(true);
    expect(hasDiacritics('ă')).toBe(true);
  });

  it('is false for plain text', () => {
    expect(hasDiacritics('ma')).toBe(false);
    expect(hasDiacritics('ho so 2025')).toBe(false);
    expect(hasDiacritics('')).toBe(false);
  });

  it('is true for NFD-written marks', () => {
    expect(hasDiacritics('ma\u0301')).toBe(true);
  });
});
