import { describe, expect, it } from 'vitest';
import { accentedTerm, documentTerms, foldedTerm, isStopWord, tokenize } from '../../src/text/tokenize.js';

const accented = (text: string): string[] => tokenize(text).map((t) => t.accented);
const folded = (text: string): string[] => tokenize(text).map((t) => t.folded);

describe('tokenize', () => {
  it('lower-cases letters, including Đ and marked capitals', () => {
    expect(accented('ỦY BAN Nhân Dân XÃ Đông Hòa')).toEqual(['ủy', 'ban', 'nhân', 'dân', 'xã', 'đông', 'hòa']);
  });

  it('gives the folded form beside the accented one', () => {
    expect(folded('Người có công Đường')).toEqual(['nguoi', 'co', 'cong', 'duong']);
    expect(tokenize('Thuỷ')[0]).toEqual({ accented: 'thủy', folded: 'thuy', marked: true, numeric: false });
  });

  it('puts tones in the canonical place (hoà and hòa are the same token)', () => {
    expect(accented('hoà thuỷ khoẻ qúy ngòai')).toEqual(['hòa', 'thủy', 'khỏe', 'quý', 'ngoài']);
    expect(tokenize('hoà')).toEqual(tokenize('hòa'));
  });

  it('composes NFD input before matching (the marks do not split the word)', () => {
    expect(accented('ngu\u031Bo\u031B\u0300i co\u0301 co\u0302ng')).toEqual(['người', 'có', 'công']);
  });

  it('drops thousands dots: 8.941.000 → 8941000', () => {
    expect(tokenize('mức 8.941.000 đồng')).toEqual([
      { accented: 'mức', folded: 'muc', marked: true, numeric: false },
      { accented: '8941000', folded: '8941000', marked: false, numeric: true },
      { accented: 'đồng', folded: 'dong', marked: true, numeric: false },
    ]);
  });

  it('drops leading zeros but keeps a lone zero: 03 → 3, 007 → 7, 0 → 0', () => {
    expect(accented('03 007 0 00')).toEqual(['3', '7', '0', '0']);
  });

  it('splits a date 01/7/2025 into 1, 7, 2025', () => {
    expect(accented('ngày 01/7/2025')).toEqual(['ngày', '1', '7', '2025']);
  });

  it('splits a document number on punctuation: 131/2021/NĐ-CP → 131, 2021, nđ, cp', () => {
    expect(accented('131/2021/NĐ-CP')).toEqual(['131', '2021', 'nđ', 'cp']);
    expect(folded('131/2021/NĐ-CP')).toEqual(['131', '2021', 'nd', 'cp']);
  });

  it('does not treat a decimal-looking number as a thousands group', () => {
    expect(accented('1.5 12.3456')).toEqual(['1', '5', '12', '3456']);
  });

  it('splits letters from digits (ct07 → ct, 7)', () => {
    expect(accented('ct07')).toEqual(['ct', '7']);
  });

  it('flags marked syllables (đ counts as a mark) and numbers', () => {
    const tokens = tokenize('đi ma má 12 cp');
    expect(tokens.map((t) => t.marked)).toEqual([true, false, true, false, false]);
    expect(tokens.map((t) => t.numeric)).toEqual([false, false, false, true, false]);
  });

  it('returns nothing for punctuation-only or empty text', () => {
    expect(tokenize('  ,.;/-?! ')).toEqual([]);
    expect(tokenize('')).toEqual([]);
  });
});

describe('isStopWord', () => {
  const one = (text: string) => tokenize(text)[0]!;

  it('recognises question words in accented mode', () => {
    expect(isStopWord(one('gì'), 'accented')).toBe(true);
    expect(isStopWord(one('không'), 'accented')).toBe(true);
    expect(isStopWord(one('nhiêu'), 'accented')).toBe(true);
    expect(isStopWord(one('Bao'), 'accented')).toBe(true);
  });

  it('does not treat a differently-marked syllable as the stop word in accented mode', () => {
    expect(isStopWord(one('gi'), 'accented')).toBe(false);
    expect(isStopWord(one('mã'), 'accented')).toBe(false);
    expect(isStopWord(one('khong'), 'accented')).toBe(false);
  });

  it('matches the folded form in folded mode', () => {
    expect(isStopWord(one('gi'), 'folded')).toBe(true);
    expect(isStopWord(one('khong'), 'folded')).toBe(true);
    expect(isStopWord(one('nhieu'), 'folded')).toBe(true);
  });

  it('keeps topic words', () => {
    expect(isStopWord(one('tuất'), 'accented')).toBe(false);
    expect(isStopWord(one('tuat'), 'folded')).toBe(false);
    expect(isStopWord(one('liệt'), 'accented')).toBe(false);
  });
});

describe('term helpers', () => {
  it('builds accented and folded (bi)gram terms', () => {
    const [a, b] = tokenize('Mai Táng');
    expect(accentedTerm(a!)).toBe('a:mai');
    expect(accentedTerm(a!, b!)).toBe('a:mai táng');
    expect(foldedTerm(a!, b!)).toBe('f:mai tang');
  });

  it('documentTerms emits accented and folded unigrams and bigrams in order', () => {
    expect(documentTerms('Trợ cấp mai táng')).toEqual([
      'a:trợ', 'f:tro', 'a:trợ cấp', 'f:tro cap',
      'a:cấp', 'f:cap', 'a:cấp mai', 'f:cap mai',
      'a:mai', 'f:mai', 'a:mai táng', 'f:mai tang',
      'a:táng', 'f:tang',
    ]);
  });

  it('documentTerms keeps repetitions (term frequency) and canonical tones', () => {
    const terms = documentTerms('hoà hòa');
    expect(terms.filter((t) => t === 'a:hòa')).toHaveLength(2);
    expect(terms).toContain('a:hòa hòa');
    expect(documentTerms('')).toEqual([]);
  });
});
