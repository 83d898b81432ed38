import { describe, expect, it } from 'vitest';
import { characterAccuracy } from '../../src/ocr/char-accuracy.js';
import { normaliseOcrText } from '../../src/ocr/ocr-text.js';
import { buildToneVocabulary, repairTones } from '../../src/ocr/tone-repair.js';
import { readTesseractTsv } from '../../src/ocr/tesseract-tsv.js';

const KNOWLEDGE = [
  'Hồ sơ đề nghị hưởng trợ cấp mai táng gồm giấy báo tử và bản khai của thân nhân.',
  'Thân nhân liệt sĩ nộp hồ sơ tại Ủy ban nhân dân cấp xã; giấy tờ kèm theo gồm giấy báo tử.',
  'Người đề nghị ký bản khai.',
  'Hồ sơ lưu tại xã.',
  'Trợ cấp mai táng được chi trả một lần; hồ sơ gửi Sở Nội vụ. Bản khai theo Mẫu số 12.',
  'Mả và mã là hai từ khác nhau; mả liệt sĩ, mã hồ sơ.',
  'Mả và mã là hai từ khác nhau; mả liệt sĩ, mã hồ sơ.',
];

describe('repairTones', () => {
  const vocabulary = buildToneVocabulary(KNOWLEDGE);

  it('fixes a tone mark OCR got wrong when exactly one known word differs from it by its tone', () => {
    expect(repairTones('Hồ sờ đề nghị hưởng trợ cấp mai tảng', vocabulary)).toBe('Hồ sơ đề nghị hưởng trợ cấp mai táng');
    expect(repairTones('giấy bảo tử', vocabulary)).toBe('giấy báo tử');
  });

  it('fixes a lost vowel mark or đ when exactly one known word has it', () => {
    expect(repairTones('giáy tờ', vocabulary)).toBe('giấy tờ');
    expect(repairTones('dề nghị', vocabulary)).toBe('đề nghị');
  });

  it('changes one kind of mark only: a word two changes away is left as it is', () => {
    expect(repairTones('giay tờ', vocabulary)).toBe('giay tờ');
    expect(repairTones('de nghi', vocabulary)).toBe('de nghị'); // de is two changes from đề; nghi one from nghị
  });

  it('keeps the letter case of the word it replaces', () => {
    expect(repairTones('HỒ SỜ', vocabulary)).toBe('HỒ SƠ');
    expect(repairTones('Giáy tờ', vocabulary)).toBe('Giấy tờ');
  });

  it('leaves known words, ambiguous words, unknown words and long runs of letters alone', () => {
    expect(repairTones('mả liệt sĩ', vocabulary)).toBe('mả liệt sĩ'); // known
    expect(repairTones('Sở Nội vụ', vocabulary)).toBe('Sở Nội vụ'); // seen once: known, though sơ is more common
    expect(repairTones('mạ', vocabulary)).toBe('mạ'); // mả and mã are both one tone away
    expect(repairTones('Quảng Ngãi', vocabulary)).toBe('Quảng Ngãi'); // nothing near it is known
    expect(repairTones('UBTVQH14', vocabulary)).toBe('UBTVQH14');
  });

  it('does not learn a word seen only once (a typo in one passage is no target)', () => {
    const once = buildToneVocabulary(['chế độ tử tuất', 'chế độ']);
    expect(repairTones('tuát', once)).toBe('tuát');
    expect(repairTones('chê đô', once)).toBe('chế độ');
  });
});

describe('normaliseOcrText', () => {
  it('joins hyphenated line breaks and wrapped lines, keeps list items and legal units on their own lines', () => {
    const ocr = 'Điều 5. Hồ sơ gồm:\n- Bản khai của thân nhân liệt sĩ theo Mẫu số 12 đã được cấp xã xác nhận, cấp lại\ngiấy tờ;\n- Giấy báo tử;\nNgười đề nghị nộp hồ sơ tại Ủy ban nhân dân xã. Thời hạn giải quyết là mười hai ngày làm vi-\nệc kể từ ngày nhận\nđủ hồ sơ.';
    expect(normaliseOcrText(ocr)).toBe(
      'Điều 5. Hồ sơ gồm:\n- Bản khai của thân nhân liệt sĩ theo Mẫu số 12 đã được cấp xã xác nhận, cấp lại giấy tờ;\n- Giấy báo tử;\nNgười đề nghị nộp hồ sơ tại Ủy ban nhân dân xã. Thời hạn giải quyết là mười hai ngày làm việc kể từ ngày nhận đủ hồ sơ.',
    );
  });

  it('drops page-number lines, separates pages by a blank line, and returns NFC', () => {
    const decomposed = 'Trợ cấp'.normalize('NFD');
    const ocr = `${decomposed} mai táng\n\n- 2 -\f Trang 3\nThân nhân liệt sĩ\n3/10\n`;
    const out = normaliseOcrText(ocr);
    expect(out).toBe('Trợ cấp mai táng\n\nThân nhân liệt sĩ');
    expect(out).toBe(out.normalize('NFC'));
  });

  it('repairs tones when given a vocabulary', () => {
    const vocabulary = buildToneVocabulary(KNOWLEDGE);
    expect(normaliseOcrText('Hồ sờ gồm giấy bảo tử', { vocabulary })).toBe('Hồ sơ gồm giấy báo tử');
  });

  it('repairs only the words the OCR engine was unsure of, when it says which', () => {
    const vocabulary = buildToneVocabulary(KNOWLEDGE);
    expect(normaliseOcrText('Hồ sờ gồm giấy bảo tử', { vocabulary, uncertainWords: ['Bảo'] })).toBe('Hồ sờ gồm giấy báo tử');
  });
});

describe('readTesseractTsv', () => {
  it('rebuilds lines and paragraphs from word rows and averages the word confidence', () => {
    const header = 'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext';
    const row = (b: number, p: number, l: number, w: number, conf: number, text: string) => `5\t1\t${b}\t${p}\t${l}\t${w}\t0\t0\t1\t1\t${conf}\t${text}`;
    const tsv = [header, '1\t1\t0\t0\t0\t0\t0\t0\t1\t1\t-1\t', row(1, 1, 1, 1, 90, 'Hồ'), row(1, 1, 1, 2, 80, 'sơ'), row(1, 1, 2, 1, 70, 'gồm:'), row(2, 1, 1, 1, 60, 'Điều')].join('\n');
    expect(readTesseractTsv(tsv)).toEqual({ text: 'Hồ sơ\ngồm:\n\nĐiều', meanConfidence: 75, words: 4, uncertain: ['sơ', 'gồm', 'điều'] }); // 90 is sure enough
  });
});

describe('characterAccuracy', () => {
  it('is 1 − edit distance / length of the truth, on NFC text with whitespace collapsed', () => {
    expect(characterAccuracy('Hồ  sơ\ngồm', 'Hồ sơ gồm')).toBe(1);
    expect(characterAccuracy('Hồ sở gồm'.normalize('NFD'), 'Hồ sơ gồm')).toBeCloseTo(1 - 1 / 9);
    expect(characterAccuracy('', 'abc')).toBe(0);
  });
});
