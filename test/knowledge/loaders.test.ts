import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunkDocument } from '../../src/knowledge/chunker.js';
import { DocumentLoadError, listKnowledgeFiles, loadDocumentFile } from '../../src/knowledge/loaders.js';
import {
  buildDocx,
  buildImageOnlyPdf,
  buildTextPdf,
  buildZipWithout,
  inflateDeclaredSizes,
} from '../fixtures/knowledge/build-files.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/knowledge');
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

const GOOD_FRONT_MATTER = `---
id: nd-131-2021
title: "Nghị định 131/2021/NĐ-CP quy định chi tiết Pháp lệnh Ưu đãi người có công"
doc_number: "131/2021/NĐ-CP"
doc_type: nghi-dinh
issued: 2021-12-30
effective: 2022-02-15
topic: [nguoi-co-cong, mai-tang]
source_url: https://example.invalid/nd-131
---
`;

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'trolyxa-loaders-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(rel: string, content: string | Uint8Array): Promise<string> {
  const abs = path.join(root, rel);
  await mkdir(path.dirname(abs), { recursive: true });
  await writeFile(abs, content);
  return abs;
}

/** The DocumentLoadError thrown by loading `rel`, or a test failure if it loads. */
async function loadError(rel: string): Promise<DocumentLoadError> {
  try {
    await loadDocumentFile(path.join(root, rel), root);
  } catch (error) {
    expect(error).toBeInstanceOf(DocumentLoadError);
    return error as DocumentLoadError;
  }
  throw new Error(`${rel} loaded without error`);
}

describe('loadDocumentFile — Markdown', () => {
  it('reads valid front matter, applies defaults and keeps the body', async () => {
    const abs = await put('phap-ly/nd-131-2021.md', `${GOOD_FRONT_MATTER}\n# Nghị định 131\n\n## Điều 121. Chế độ\n\nNội dung.\n`);
    const doc = await loadDocumentFile(abs, root);
    expect(doc.format).toBe('markdown');
    expect(doc.sourcePath).toBe('phap-ly/nd-131-2021.md');
    expect(doc.meta).toMatchObject({
      id: 'nd-131-2021',
      doc_number: '131/2021/NĐ-CP',
      issued: '2021-12-30',
      effective: '2022-02-15',
      status: 'in_force',
      verified: false,
      topic: ['nguoi-co-cong', 'mai-tang'],
      source_url: ['https://example.invalid/nd-131'],
    });
    expect(doc.body).toBe('# Nghị định 131\n\n## Điều 121. Chế độ\n\nNội dung.\n');
  });

  it('reports broken YAML with the file name', async () => {
    await put('thu-tuc/hong.md', '---\nid: hong\ntitle: "Thủ tục\n  bad: [\n---\nBody\n');
    const error = await loadError('thu-tuc/hong.md');
    expect(error.file).toBe('thu-tuc/hong.md');
    expect(error.reason).toMatch(/^phần thông tin đầu tệp \(front matter\): YAML không hợp lệ: /u);
    expect(error.message).toContain('thu-tuc/hong.md');
  });

  it('reports a missing id, in Vietnamese', async () => {
    await put('no-id.md', '---\ntitle: "Thủ tục mai táng"\n---\nBody\n');
    expect((await loadError('no-id.md')).reason).toBe('phần thông tin đầu tệp (front matter): id: chưa được đặt');
  });

  it('reports all schema problems joined by "; "', async () => {
    await put('many.md', '---\nid: Bad_Id\nstatus: superseded\nverified: "yes"\n---\nBody\n');
    const { reason } = await loadError('many.md');
    expect(reason).toContain('id: id must be lower-case letters, digits and dashes');
    expect(reason).toContain('; title: chưa được đặt');
    expect(reason).toContain('verified: phải là true hoặc false');
  });

  it('rejects an impossible date that YAML would silently roll over (2021-02-30 → 2 March)', async () => {
    await put('date.md', `---\nid: date\ntitle: "Văn bản thử"\nissued: 2021-02-30\n---\nBody\n`);
    const { reason } = await loadError('date.md');
    expect(reason).toMatch(/^phần thông tin đầu tệp \(front matter\): issued: không phải ngày hợp lệ.*2021-02-30/u);
  });

  it('rejects a month 13 date', async () => {
    await put('date13.md', `---\nid: date13\ntitle: "Văn bản thử"\nreviewed: 2021-13-45\n---\nBody\n`);
    expect((await loadError('date13.md')).reason).toContain('reviewed: không phải ngày hợp lệ (dạng YYYY-MM-DD): 2021-13-45');
  });

  it('reports front matter that is never closed', async () => {
    await put('open.md', '---\nid: open\ntitle: "Tiêu đề"\n\nNội dung.\n');
    expect((await loadError('open.md')).reason).toBe('phần thông tin đầu tệp (front matter): chưa đóng (thêm một dòng "---" sau khối YAML)');
  });

  it('reports front matter that is not a mapping', async () => {
    await put('list.md', '---\n- a\n- b\n---\nNội dung.\n');
    expect((await loadError('list.md')).reason).toBe('phần thông tin đầu tệp (front matter): cần một bảng "khóa: giá trị" YAML');
  });

  it('reports a file without front matter', async () => {
    await put('bare.md', '# Chỉ có nội dung\n');
    expect((await loadError('bare.md')).reason).toMatch(/^phần thông tin đầu tệp \(front matter\): chưa có/u);
  });

  it('returns NFD text as NFC, strips a UTF-8 BOM and turns CRLF into LF', async () => {
    const nfdTitle = 'Thủ tục hưởng trợ cấp mai táng'.normalize('NFD');
    const text = `---\r\nid: nfd\r\ntitle: "${nfdTitle}"\r\n---\r\n${'Người có công từ trần.'.normalize('NFD')}\r\n`;
    expect(text).not.toBe(text.normalize('NFC'));
    const abs = await put('nfd.md', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
    const doc = await loadDocumentFile(abs, root);
    expect(doc.meta.title).toBe('Thủ tục hưởng trợ cấp mai táng'.normalize('NFC'));
    expect(doc.body).toBe('Người có công từ trần.\n'.normalize('NFC'));
    expect(doc.body.normalize('NFC')).toBe(doc.body);
  });
});

describe('loadDocumentFile — encodings', () => {
  it('reports Windows-1258 bytes as not valid UTF-8, with the line', async () => {
    // "Số: 1/2021\nĐiều 1" in Windows-1258: Đ = D0, ê = EA, combining grave = CC.
    const cp1258 = Buffer.from([
      0x43, 0x48, 0x49, 0x4e, 0x48, 0x0a, // CHINH\n
      0x0a, // \n
      0xd0, 0x69, 0xea, 0xcc, 0x75, 0x20, 0x31, 0x2e, 0x20, 0x50, 0x68, 0x61, 0x6d, // Điều 1. Pham
    ]);
    await put('cp1258.txt', cp1258);
    const { reason } = await loadError('cp1258.txt');
    expect(reason).toMatch(/^không phải văn bản UTF-8/u);
    expect(reason).toContain('dòng 3');
  });

  it('reports Latin-1 text as not valid UTF-8', async () => {
    await put('latin1.txt', Buffer.from('Résumé du décret\n', 'latin1'));
    expect((await loadError('latin1.txt')).reason).toMatch(/^không phải văn bản UTF-8/u);
  });

  it('reports UTF-16 with a BOM and ASCII UTF-16 without one', async () => {
    await put('bom16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Điều 1. Phạm vi', 'utf16le')]));
    expect((await loadError('bom16.txt')).reason).toMatch(/^không phải văn bản UTF-8: tệp mã hóa UTF-16/u);
    await put('nobom16.txt', Buffer.from('Dieu 1. Pham vi dieu chinh', 'utf16le'));
    expect((await loadError('nobom16.txt')).reason).toMatch(/^không phải văn bản UTF-8: có ký tự NUL/u);
  });
});

describe('loadDocumentFile — .txt metadata', () => {
  it('derives doc_number, issued, title, citation, issuer and id from a legal header', async () => {
    const text = await readFile(path.join(FIXTURES, 'nd-mau-999-2099.txt'), 'utf8');
    const abs = await put('phap-ly/Nghị định mẫu 999 (bản sao).txt', text);
    const doc = await loadDocumentFile(abs, root);
    expect(doc.format).toBe('text');
    expect(doc.meta).toMatchObject({
      id: 'nghi-dinh-mau-999-ban-sao',
      doc_number: '999/2099/NĐ-CP',
      doc_type: 'nghi-dinh',
      issued: '2099-03-15',
      issuer: 'Chính phủ',
      citation: 'Nghị định 999/2099/NĐ-CP',
      title: 'Nghị định 999/2099/NĐ-CP quy định mẫu về hồ sơ trợ cấp mai táng đối với người có công với cách mạng',
      status: 'in_force',
    });
    expect(doc.body).toBe(text);
  });

  it('reads a header laid out in two tab-separated columns', async () => {
    const abs = await put(
      'nd-131.txt',
      [
        'CHÍNH PHỦ\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
        '-------\tĐộc lập - Tự do - Hạnh phúc',
        'Số: 131/2021/NĐ-CP\tHà Nội, ngày 30 tháng 12 năm 2021',
        '',
        'NGHỊ ĐỊNH',
        'QUY ĐỊNH CHI TIẾT VÀ BIỆN PHÁP THI HÀNH',
        'PHÁP LỆNH ƯU ĐÃI NGƯỜI CÓ CÔNG VỚI CÁCH MẠNG',
        '',
        'Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;',
        '',
        'Điều 1. Phạm vi điều chỉnh',
        'Nội dung.',
      ].join('\r\n'),
    );
    const doc = await loadDocumentFile(abs, root);
    expect(doc.meta).toMatchObject({
      id: 'nd-131',
      doc_number: '131/2021/NĐ-CP',
      issued: '2021-12-30',
      issuer: 'Chính phủ',
      citation: 'Nghị định 131/2021/NĐ-CP',
      title: 'Nghị định 131/2021/NĐ-CP quy định chi tiết và biện pháp thi hành pháp lệnh ưu đãi người có công với cách mạng',
    });
    expect(doc.body).not.toContain('\r');
  });

  it('reports an impossible date in the header', async () => {
    await put('bad-date.txt', 'CHÍNH PHỦ\nSố: 1/2021/NĐ-CP\nHà Nội, ngày 30 tháng 02 năm 2021\nNGHỊ ĐỊNH\nVỀ VIỆC THỬ\n');
    expect((await loadError('bad-date.txt')).reason).toMatch(/^ngày 2021-02-30 không phải ngày hợp lệ/u);
  });

  it('falls back to the first line as title for a text without a legal header', async () => {
    const abs = await put('ghi-chu.txt', '\nGhi chú về trợ cấp mai táng\n\nNội dung ghi chú.\n');
    const doc = await loadDocumentFile(abs, root);
    expect(doc.meta).toMatchObject({ id: 'ghi-chu', title: 'Ghi chú về trợ cấp mai táng' });
    expect(doc.meta.doc_number).toBeUndefined();
  });

  it('takes metadata from a .meta.yaml sidecar, over the header', async () => {
    const abs = await put('nd-131.txt', 'CHÍNH PHỦ\nSố: 131/2021/NĐ-CP\nHà Nội, ngày 30 tháng 12 năm 2021\nNGHỊ ĐỊNH\nQUY ĐỊNH CHI TIẾT\n');
    await put(
      'nd-131.meta.yaml',
      'id: nd-131-2021\ntitle: "Nghị định 131/2021/NĐ-CP (bản đầy đủ)"\ntopic: [nguoi-co-cong]\nverified: true\nreviewed: 2026-11-27\n',
    );
    const doc = await loadDocumentFile(abs, root);
    expect(doc.meta).toMatchObject({
      id: 'nd-131-2021',
      title: 'Nghị định 131/2021/NĐ-CP (bản đầy đủ)',
      topic: ['nguoi-co-cong'],
      verified: true,
      reviewed: '2026-11-27',
      doc_number: '131/2021/NĐ-CP', // not in the sidecar: from the header
      issued: '2021-12-30',
    });
  });

  it('accepts a .json sidecar named after the full file name, and reports its errors', async () => {
    const abs = await put('ghi-chu.txt', 'Ghi chú\n');
    await put('ghi-chu.txt.meta.json', JSON.stringify({ id: 'ghi-chu-2', title: 'Ghi chú về mai táng', issued: '2024-01-31' }));
    expect((await loadDocumentFile(abs, root)).meta).toMatchObject({ id: 'ghi-chu-2', issued: '2024-01-31' });

    await put('ghi-chu.txt.meta.json', JSON.stringify({ title: 'Ghi chú', issued: '2024-02-30' }));
    expect((await loadError('ghi-chu.txt')).reason).toBe(
      'tệp thông tin kèm ghi-chu.txt.meta.json: issued: không phải ngày hợp lệ (dạng YYYY-MM-DD): 2024-02-30',
    );
  });

  it('reports an impossible date in a YAML sidecar', async () => {
    await put('x.txt', 'Ghi chú về hồ sơ\n');
    await put('x.meta.yml', 'issued: 2021-02-30\n');
    expect((await loadError('x.txt')).reason).toMatch(/^tệp thông tin kèm x\.meta\.yml: issued: không phải ngày hợp lệ.*2021-02-30/u);
  });
});

describe('loadDocumentFile — .docx', () => {
  const paragraphs = [
    { text: 'BỘ NỘI VỤ' },
    { text: 'Số: 12/2099/TT-BNV' },
    { text: 'Hà Nội, ngày 01 tháng 7 năm 2099' },
    { text: 'THÔNG TƯ', heading: 1 },
    { text: 'HƯỚNG DẪN MẪU VỀ HỒ SƠ NGƯỜI CÓ CÔNG' },
    { text: 'Điều 1. Phạm vi điều chỉnh', heading: 2 },
    { text: 'Thông tư này hướng dẫn hồ sơ mẫu & biểu mẫu <kèm theo>.' },
    { text: 'Điều 2. Hồ sơ' },
    { text: '1. Bản khai của thân nhân.' },
    { text: '2. Giấy báo tử.' },
  ];

  it('extracts text, keeps Word headings as Markdown headings, derives metadata', async () => {
    const abs = await put('tt-12.docx', await buildDocx(paragraphs, [['Mẫu số', 'Tên mẫu'], ['01', 'Bản khai']]));
    const doc = await loadDocumentFile(abs, root);
    expect(doc.format).toBe('markdown');
    expect(doc.body).toContain('# THÔNG TƯ');
    expect(doc.body).toContain('## Điều 1. Phạm vi điều chỉnh');
    expect(doc.body).toContain('Thông tư này hướng dẫn hồ sơ mẫu & biểu mẫu <kèm theo>.');
    expect(doc.body).toContain('\nĐiều 2. Hồ sơ\n');
    expect(doc.body).toContain('| Mẫu số | Tên mẫu |\n| 01 | Bản khai |');
    expect(doc.meta).toMatchObject({
      id: 'tt-12',
      doc_number: '12/2099/TT-BNV',
      doc_type: 'thong-tu',
      citation: 'Thông tư 12/2099/TT-BNV',
      issued: '2099-07-01',
      issuer: 'Bộ nội vụ',
      title: 'Thông tư 12/2099/TT-BNV hướng dẫn mẫu về hồ sơ người có công',
    });
    const citations = chunkDocument(doc).map((c) => c.citation);
    expect(citations).toContain('Thông tư 12/2099/TT-BNV, Điều 1');
    expect(citations).toContain('Thông tư 12/2099/TT-BNV, Điều 2');
  });

  it('reports a corrupt .docx', async () => {
    await put('hong.docx', Buffer.from('PK\u0003\u0004 this is not really a zip file'));
    expect((await loadError('hong.docx')).reason).toMatch(/^unreadable \.docx: not a zip archive/u);
  });

  it('reports a zip that is not a Word document', async () => {
    await put('khong-phai.docx', await buildZipWithout());
    expect((await loadError('khong-phai.docx')).reason).toContain('no word/document.xml');
  });

  it('refuses a .docx whose entries declare a huge uncompressed size', async () => {
    await put('bomb.docx', inflateDeclaredSizes(await buildDocx(paragraphs), 150 * 1024 * 1024));
    const error = await loadError('bomb.docx');
    expect(error.refused).toBe(true);
    expect(error.reason).toMatch(/^tệp \.docx giải nén ra tới [\d.]+ MB, vượt giới hạn 64 MB/u);
  });

  it('refuses any file over 20 MB before reading it', async () => {
    const abs = await put('huge.docx', '');
    await truncate(abs, 21 * 1024 * 1024);
    const error = await loadError('huge.docx');
    expect(error.refused).toBe(true);
    expect(error.reason).toBe('tệp quá lớn (21 MB; giới hạn 20 MB)');
  });
});

describe('loadDocumentFile — .pdf', () => {
  it('extracts Vietnamese text and derives metadata from it', async () => {
    const lines = [
      'CHÍNH PHỦ',
      'Số: 77/2099/NĐ-CP',
      'Hà Nội, ngày 02 tháng 9 năm 2099',
      'NGHỊ ĐỊNH',
      'QUY ĐỊNH MẪU VỀ TRỢ CẤP',
      'Điều 1. Phạm vi điều chỉnh',
      'đ) Ưu đãi đối với thân nhân liệt sĩ.',
    ];
    const abs = await put('nd-77.pdf', buildTextPdf(lines));
    const doc = await loadDocumentFile(abs, root);
    expect(doc.format).toBe('text');
    for (const line of lines) expect(doc.body).toContain(line);
    expect(doc.meta).toMatchObject({
      id: 'nd-77',
      doc_number: '77/2099/NĐ-CP',
      issued: '2099-09-02',
      citation: 'Nghị định 77/2099/NĐ-CP',
    });
  });

  it('leaves the native Array.prototype.push and JSON.parse in place after reading a PDF (pdfjs-dist replaces them)', async () => {
    // In a process of its own: under vitest pdf-parse resolves to a build that does not patch the globals.
    const { stdout } = await run(process.execPath, [path.join(ROOT, 'bin', 'run-ts.js'), path.join(ROOT, 'test', 'fixtures', 'pdf-natives.ts')], {
      cwd: ROOT,
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ read: true, push: true, parse: true });
  }, 60_000);

  it('reports a PDF without text as needing OCR', async () => {
    await put('scan.pdf', buildImageOnlyPdf());
    const error = await loadError('scan.pdf');
    expect(error).toMatchObject({ needsOcr: true, refused: false, reason: 'tệp PDF không có lớp chữ (bản quét): cần nhận dạng chữ (OCR)' });
  });

  it('reports an image as needing OCR, and loads it from the OCR text with ocr: true', async () => {
    await put('giay-bao-tu.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(await loadError('giay-bao-tu.png')).toMatchObject({ needsOcr: true, reason: 'tệp ảnh: cần nhận dạng chữ (OCR)' });
    const doc = await loadDocumentFile(path.join(root, 'giay-bao-tu.png'), root, undefined, { scanText: 'GIẤY BÁO TỬ\nĐồng chí Nguyễn Văn A đã hy sinh.' });
    expect(doc.meta).toMatchObject({ id: 'giay-bao-tu', title: 'GIẤY BÁO TỬ', ocr: true });
    expect(doc.body).toContain('đã hy sinh');
  });

  it('reports a corrupt PDF', async () => {
    await put('hong.pdf', Buffer.from('%PDF-1.4\nthis is not a pdf\n'));
    expect((await loadError('hong.pdf')).reason).toMatch(/^unreadable \.pdf: /u);
  });
});

describe('loadDocumentFile — other errors', () => {
  it('refuses unsupported extensions', async () => {
    await put('cu.doc', 'binary');
    expect((await loadError('cu.doc')).reason).toMatch(/^loại tệp "\.doc" không được hỗ trợ/u);
  });

  it('reports a missing file', async () => {
    expect((await loadError('khong-co.md')).reason).toBe('không đọc được tệp (ENOENT)');
  });
});

describe('listKnowledgeFiles', () => {
  it('lists supported files recursively and sorted, skipping drafts, hidden files, sidecars and the root README', async () => {
    const files = [
      'README.md',
      'thu-tuc/README.md',
      'thu-tuc/tt-mai-tang.md',
      'thu-tuc/_drafts/tt-nhap.md',
      'thu-tuc/_nhap.md',
      '.hidden/x.md',
      'phap-ly/.an.md',
      'phap-ly/nd-131.txt',
      'phap-ly/nd-131.meta.yaml',
      'phap-ly/nd-131.txt.meta.json',
      'phap-ly/nd-75.DOCX',
      'phap-ly/nd-77.pdf',
      'phap-ly/ghi-chu.markdown',
      'phap-ly/cu.doc',
      'phap-ly/anh.png',
      'phap-ly/anh.gif',
      'a.md',
    ];
    for (const f of files) await put(f, 'x');
    const listed = await listKnowledgeFiles(root);
    expect(listed.map((abs) => path.relative(root, abs).split(path.sep).join('/'))).toEqual([
      'a.md',
      'phap-ly/anh.png', // a scan, read by OCR
      'phap-ly/ghi-chu.markdown',
      'phap-ly/nd-131.txt',
      'phap-ly/nd-75.DOCX',
      'phap-ly/nd-77.pdf',
      'thu-tuc/README.md',
      'thu-tuc/tt-mai-tang.md',
    ]);
    expect(listed.every((abs) => path.isAbsolute(abs))).toBe(true);
  });
});
