import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyPaper, searchTermsOf } from '../../src/papers/paper-kind.js';
import { ROOT } from '../helpers/app-fixture.js';

const HEADER = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n';

describe('classifyPaper', () => {
  it('reads a declaration with its form number', () => {
    const text = readFileSync(path.join(ROOT, 'test/fixtures/papers/ban-khai-mau-09.txt'), 'utf8');
    expect(classifyPaper(text)).toEqual({ kind: 'ban-khai', label: 'bản khai theo Mẫu số 09', formNumber: '09' });
  });

  it('reads the form number in its usual spellings, and a form number after the title', () => {
    expect(classifyPaper(`${HEADER}BẢN KHAI\nCung cấp thông tin\nMẫu số: 12a`)?.formNumber).toBe('12a');
    expect(classifyPaper(`Mẫu 16\n${HEADER}ĐƠN ĐỀ NGHỊ\nhưởng chế độ`)?.label).toBe('đơn đề nghị theo Mẫu số 16');
    expect(classifyPaper(`${HEADER}TỜ KHAI\nMẫu số 08`)?.label).toBe('tờ khai theo Mẫu số 08');
  });

  it('reads a death notice, an extract and a certificate with what they are about', () => {
    expect(classifyPaper(`${HEADER}GIẤY BÁO TỬ\nÔng Nguyễn Văn B`)).toEqual({ kind: 'giay-bao-tu', label: 'giấy báo tử' });
    expect(classifyPaper(`${HEADER}TRÍCH LỤC KHAI TỬ\n(Bản sao)`)?.label).toBe('trích lục khai tử');
    expect(classifyPaper(`${HEADER}GIẤY CHỨNG NHẬN THƯƠNG BINH\nSố: 123`)?.label).toBe('giấy chứng nhận thương binh');
    expect(classifyPaper(`${HEADER}GIẤY XÁC NHẬN\nthân nhân liệt sĩ`)?.label).toBe('giấy xác nhận');
    expect(classifyPaper('BẰNG "TỔ QUỐC GHI CÔNG"\nLiệt sĩ')?.kind).toBe('bang-to-quoc-ghi-cong');
  });

  it('reads a decision only with its number', () => {
    const decision = `ỦY BAN NHÂN DÂN TỈNH X\nSố: 1234/QĐ-UBND\n${HEADER}QUYẾT ĐỊNH\nVề việc trợ cấp`;
    expect(classifyPaper(decision)).toEqual({ kind: 'quyet-dinh', label: 'quyết định số 1234/QĐ-UBND', documentNumber: '1234/QĐ-UBND' });
    expect(classifyPaper(`${HEADER}QUYẾT ĐỊNH\nVề việc trợ cấp`)).toBeUndefined();
  });

  it('says nothing when no title line makes it clear', () => {
    expect(classifyPaper('Căn cứ Nghị định 131/2021/NĐ-CP, gia đình tôi đã nộp bản khai và giấy báo tử')).toBeUndefined();
    expect(classifyPaper('')).toBeUndefined();
    expect(classifyPaper('~~ ¦¦ ,, ..')).toBeUndefined();
    // A title deep in the body (past the header) does not count.
    expect(classifyPaper(`${'Nội dung trang giữa văn bản. '.repeat(80)}\nBẢN KHAI`)).toBeUndefined();
  });

  it('searches the form number, else the kind, never the body', () => {
    expect(searchTermsOf({ kind: 'ban-khai', label: 'bản khai theo Mẫu số 09', formNumber: '09' })).toBe('Mẫu số 09');
    expect(searchTermsOf({ kind: 'giay-bao-tu', label: 'giấy báo tử' })).toBe('giấy báo tử');
    expect(searchTermsOf(undefined)).toBe('');
  });
});
