import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import matter from 'gray-matter';
import { describe, expect, it } from 'vitest';
import { chunkDocument, citationLabel } from '../../src/knowledge/chunker.js';
import { parseStructuralLine } from '../../src/knowledge/legal-structure.js';
import { documentMetaSchema, type Chunk, type DocumentMeta, type LoadedDocument } from '../../src/knowledge/types.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/knowledge');

function meta(fields: Partial<DocumentMeta> & { id: string; title: string }): DocumentMeta {
  return documentMetaSchema.parse(fields);
}

function textDoc(body: string, fields: Partial<DocumentMeta> & { id: string; title: string }): LoadedDocument {
  return { meta: meta(fields), body, format: 'text', sourcePath: `${fields.id}.txt` };
}

function markdownDoc(body: string, fields: Partial<DocumentMeta> & { id: string; title: string }): LoadedDocument {
  return { meta: meta(fields), body, format: 'markdown', sourcePath: `${fields.id}.md` };
}

const squash = (s: string): string => s.replace(/\s+/gu, ' ').trim();

/** Every line not in `headingLines` (and not a decoration like "-----") appears in the chunk texts. */
function expectNoTextLost(body: string, chunks: Chunk[], headingLines: Set<string>): void {
  const all = squash(chunks.map((c) => c.text).join('\n'));
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (line === '' || /^-+$/u.test(line) || headingLines.has(line)) continue;
    expect(all, `line lost: ${line}`).toContain(squash(line));
  }
}

/** Each whitespace-separated token of each chunk is a whole token of the source: no word was cut. */
function expectNoWordCut(body: string, chunks: Chunk[]): void {
  const tokens = new Set(body.split(/\s+/u));
  for (const chunk of chunks) {
    for (const token of chunk.text.split(/\s+/u)) expect(tokens.has(token), `cut word "${token}" in ${chunk.id}`).toBe(true);
  }
}

describe('chunkDocument — plain-text decree', () => {
  const body = readFileSync(path.join(FIXTURES, 'nd-mau-999-2099.txt'), 'utf8');
  const doc = textDoc(body, {
    id: 'nd-999-2099',
    title: 'Nghị định 999/2099/NĐ-CP quy định mẫu về hồ sơ trợ cấp mai táng',
    doc_number: '999/2099/NĐ-CP',
    doc_type: 'nghi-dinh',
  });
  const chunks = chunkDocument(doc);
  const L = 'Nghị định 999/2099/NĐ-CP';

  it('cites each Điều, splits a long Điều at Khoản and a long Khoản at Điểm', () => {
    expect(chunks.map((c) => c.citation)).toEqual([
      L,
      `${L}, Điều 1`,
      `${L}, Điều 2`,
      `${L}, Điều 3, Khoản 1`,
      `${L}, Điều 3, Khoản 2, Điểm a`,
      `${L}, Điều 3, Khoản 2, Điểm b`,
      `${L}, Điều 3, Khoản 2, Điểm c`,
      `${L}, Điều 3, Khoản 2, Điểm d-đ`, // đ is shorter than minChars: merged into d
      `${L}, Điều 3, Khoản 3`,
      `${L}, Điều 4, Khoản 1`,
      `${L}, Điều 4, Khoản 2-3`, // Khoản 3 is shorter than minChars: merged into Khoản 2
      `${L}, Điều 5`,
      `${L}, Điều 6`,
      L, // Nơi nhận
    ]);
  });

  it('gives full structural paths, ids and ordinals', () => {
    const ch2 = 'Chương II. HỒ SƠ VÀ TRÌNH TỰ GIẢI QUYẾT';
    const d3 = 'Điều 3. Hồ sơ đề nghị hưởng trợ cấp mai táng';
    expect(chunks[0]!.path).toEqual([]);
    expect(chunks[1]!.path).toEqual(['Chương I. QUY ĐỊNH CHUNG', 'Điều 1. Phạm vi điều chỉnh']);
    expect(chunks[3]!.path).toEqual([ch2, d3, 'Khoản 1']);
    expect(chunks[4]!.path).toEqual([ch2, d3, 'Khoản 2', 'Điểm a']);
    expect(chunks[7]!.path).toEqual([ch2, d3, 'Khoản 2', 'Điểm d-đ']);
    expect(chunks[10]!.path).toEqual([ch2, 'Điều 4. Trình tự và thời hạn giải quyết', 'Khoản 2-3']);
    expect(chunks[11]!.path).toEqual(['Chương III. ĐIỀU KHOẢN THI HÀNH', 'Điều 5. Trách nhiệm thi hành']);
    expect(chunks[13]!.path).toEqual(['Nơi nhận']);
    chunks.forEach((c, i) => {
      expect(c.id).toBe(`nd-999-2099#${i}`);
      expect(c.ordinal).toBe(i);
      expect(c.docId).toBe('nd-999-2099');
    });
  });

  it("puts the Điều's own title in the heading of every piece of it", () => {
    expect(chunks[0]!.heading).toBe(doc.meta.title);
    for (const i of [3, 4, 5, 6, 7, 8]) {
      expect(chunks[i]!.heading).toBe(`${doc.meta.title} — Điều 3. Hồ sơ đề nghị hưởng trợ cấp mai táng`);
    }
    expect(chunks[12]!.heading).toBe(`${doc.meta.title} — Điều 6. Hiệu lực thi hành`);
  });

  it('keeps heading lines out of the text, and the lead of a split Khoản with its first Điểm', () => {
    expect(chunks[1]!.text.startsWith('Nghị định này quy định hồ sơ')).toBe(true);
    expect(chunks.some((c) => c.text.includes('Điều 1. Phạm vi điều chỉnh'))).toBe(false);
    expect(chunks[4]!.text).toMatch(/^2\. Giấy tờ chứng minh việc từ trần[^\n]*\na\) Bản sao giấy báo tử/u);
    expect(chunks[7]!.text).toMatch(/^d\) Giấy tờ của bệnh viện[\s\S]*\nđ\) Giấy tờ khác/u);
    expect(chunks[13]!.text.startsWith('Nơi nhận:')).toBe(true);
  });

  it('does not start a new Điều at a line "Điều 3 của Nghị định này…"', () => {
    const dieu4 = chunks[9]!;
    expect(dieu4.text).toContain('theo quy định tại\nĐiều 3 của Nghị định này, kiểm tra');
    expect(dieu4.text).toContain('Theo quy định tại Điều 3 của Nghị định này, công chức tiếp nhận');
  });

  it('loses no text and keeps every chunk within maxChars', () => {
    const headings = new Set(
      body
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => /^(Chương [IVX]+|Điều \d+\. )/u.test(l) || ['QUY ĐỊNH CHUNG', 'HỒ SƠ VÀ TRÌNH TỰ GIẢI QUYẾT', 'ĐIỀU KHOẢN THI HÀNH'].includes(l)),
    );
    expect(headings.size).toBe(12); // 3 Chương, their 3 title lines, 6 Điều
    expectNoTextLost(body, chunks, headings);
    for (const line of headings) {
      if (line.startsWith('Điều')) expect(chunks.some((c) => c.path.includes(line))).toBe(true);
    }
    for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(1400);
    expect(chunks.find((c) => c.citation.endsWith('Khoản 2, Điểm a'))!.text.length).toBeGreaterThan(200);
  });

  it('with a small maxChars splits at sentences and words, never inside a word, never over the limit', () => {
    const small = chunkDocument(doc, { maxChars: 160, minChars: 40 });
    for (const c of small) expect(c.text.length, c.text).toBeLessThanOrEqual(160);
    expectNoWordCut(body, small);
    expectNoTextLost(body, small, new Set(body.split('\n').map((l) => l.trim()).filter((l) => /^(Chương [IVX]+|Điều \d+\. )/u.test(l) || ['QUY ĐỊNH CHUNG', 'HỒ SƠ VÀ TRÌNH TỰ GIẢI QUYẾT', 'ĐIỀU KHOẢN THI HÀNH'].includes(l))));
    // A long Điểm split into sentences keeps its own citation on every piece.
    const pointA = small.filter((c) => c.citation === `${L}, Điều 3, Khoản 2, Điểm a`);
    expect(pointA.length).toBeGreaterThan(1);
  });

  it('lets only a single word longer than maxChars exceed it', () => {
    const word = 'x'.repeat(60);
    const chunksOfLong = chunkDocument(textDoc(`Điều 1. Thử\nMột hai ba ${word} bốn năm sáu bảy tám.`, { id: 'w', title: 'Văn bản thử' }), {
      maxChars: 30,
      minChars: 1,
    });
    expect(chunksOfLong.map((c) => c.text)).toEqual(['Một hai ba', word, 'bốn năm sáu bảy tám.']);
  });
});

describe('chunkDocument — Markdown procedure guide', () => {
  const file = matter(readFileSync(path.join(FIXTURES, 'thu-tuc-mau.md'), 'utf8'), {});
  const doc: LoadedDocument = {
    meta: documentMetaSchema.parse(file.data),
    body: file.content,
    format: 'markdown',
    sourcePath: 'thu-tuc-mau.md',
  };
  const L = 'Thủ tục mẫu hưởng trợ cấp mai táng';
  const title = 'Thủ tục mẫu hưởng trợ cấp mai táng khi người có công từ trần';

  it('makes an intro chunk, one chunk per ## section, and splits a long section at ###', () => {
    const chunks = chunkDocument(doc);
    expect(chunks.map((c) => c.citation)).toEqual([
      L,
      `${L} › Thành phần hồ sơ`,
      `${L} › Cơ quan tiếp nhận và giải quyết`,
      `${L} › Cơ quan tiếp nhận và giải quyết › Trước 01/7/2025`,
      `${L} › Cơ quan tiếp nhận và giải quyết › Từ 01/7/2025`,
      `${L} › Lưu ý`,
    ]);
    expect(chunks[3]!.path).toEqual(['Cơ quan tiếp nhận và giải quyết', 'Trước 01/7/2025']);
    expect(chunks[3]!.heading).toBe(`${title} — Cơ quan tiếp nhận và giải quyết — Trước 01/7/2025`);
    expect(chunks[1]!.heading).toBe(`${title} — Thành phần hồ sơ`);
    expect(chunks[0]!.heading).toBe(title);
    expect(chunks[0]!.path).toEqual([]);
    expect(chunks[0]!.text).toMatch(/^Thủ tục mẫu hưởng trợ cấp mai táng dành cho cá nhân[^\n]*Hồ sơ nộp tại Ủy ban nhân dân cấp xã\.$/u);
    expect(chunks[1]!.text).toBe(
      'Hồ sơ đề nghị hưởng trợ cấp mai táng theo thủ tục mẫu gồm:\n\n1. Bản khai đề nghị hưởng trợ cấp mai táng của người đứng ra lo mai táng.\n2. Bản sao giấy báo tử hoặc trích lục khai tử của người có công.',
    );
    expect(chunks.every((c) => c.text.length <= 1400)).toBe(true);
  });

  it('keeps a whole ## section with its ### sub-sections when it fits, without # markers', () => {
    const chunks = chunkDocument(doc, { maxChars: 4000 });
    const section = chunks.find((c) => c.citation === `${L} › Cơ quan tiếp nhận và giải quyết`)!;
    expect(chunks).toHaveLength(4);
    expect(section.text).toContain('nộp hồ sơ.\n\nTrước 01/7/2025\nTrước ngày 01/7/2025, thủ tục');
    expect(section.text).toContain('cấp tỉnh 12 ngày.\n\nTừ 01/7/2025\nTừ ngày 01/7/2025 không còn cấp huyện.');
    expect(chunks.some((c) => c.text.includes('#'))).toBe(false);
  });

  it('never puts front matter in the text, and treats a numbered list in a guide as text, not Khoản', () => {
    const chunks = chunkDocument(doc, { maxChars: 120, minChars: 10 });
    for (const c of chunks) {
      expect(c.text).not.toMatch(/verified|reviewed|2099-05-0|example\.invalid|\[object|in_force/u);
      expect(c.citation).not.toContain('Khoản');
    }
    expect(chunks.filter((c) => c.citation === `${L} › Thành phần hồ sơ`).length).toBeGreaterThan(1);
  });
});

describe('chunkDocument — Markdown legal documents', () => {
  const body = [
    '# Nghị định 131/2021/NĐ-CP',
    '',
    'Tóm tắt ngắn.',
    '',
    '## Chương VII',
    'CHẾ ĐỘ TỬ TUẤT',
    '',
    '## Điều 121. Chế độ khi người có công từ trần',
    '',
    '1. Người có công đang hưởng trợ cấp hằng tháng từ trần thì người tổ chức mai táng được nhận trợ cấp mai táng.',
    '2. Thân nhân được hưởng trợ cấp một lần bằng ba tháng trợ cấp ưu đãi.',
    'a) Trường hợp thứ nhất của khoản 2.',
    'b) Trường hợp thứ hai của khoản 2.',
    '3. Thời điểm hưởng trợ cấp tuất hằng tháng từ tháng liền kề sau tháng người có công từ trần.',
    '',
    '## Điều kiện hưởng trợ cấp tuất',
    '',
    '1. Đây là danh sách, không phải khoản.',
  ].join('\n');
  const doc = markdownDoc(body, {
    id: 'nd-131-2021',
    title: 'Nghị định 131/2021/NĐ-CP quy định chi tiết Pháp lệnh',
    citation: 'Nghị định 131/2021/NĐ-CP',
  });

  it('treats "## Điều 121." as that Điều and cites its Khoản and Điểm when it must split', () => {
    const chunks = chunkDocument(doc, { maxChars: 140, minChars: 1 });
    expect(chunks.map((c) => c.citation)).toEqual([
      'Nghị định 131/2021/NĐ-CP',
      'Nghị định 131/2021/NĐ-CP, Điều 121, Khoản 1',
      'Nghị định 131/2021/NĐ-CP, Điều 121, Khoản 2',
      'Nghị định 131/2021/NĐ-CP, Điều 121, Khoản 3',
      'Nghị định 131/2021/NĐ-CP › Điều kiện hưởng trợ cấp tuất',
    ]);
    expect(chunks[0]!.text).toBe('Nghị định 131/2021/NĐ-CP\nTóm tắt ngắn.'); // the # title differs from meta.title
    expect(chunks[2]!.path).toEqual(['Chương VII. CHẾ ĐỘ TỬ TUẤT', 'Điều 121. Chế độ khi người có công từ trần', 'Khoản 2']);
    expect(chunks[2]!.heading).toBe('Nghị định 131/2021/NĐ-CP quy định chi tiết Pháp lệnh — Điều 121. Chế độ khi người có công từ trần');
    expect(chunks[2]!.text).toBe(
      '2. Thân nhân được hưởng trợ cấp một lần bằng ba tháng trợ cấp ưu đãi.\na) Trường hợp thứ nhất của khoản 2.\nb) Trường hợp thứ hai của khoản 2.',
    );
  });

  it('keeps the whole Điều together when it fits', () => {
    const chunks = chunkDocument(doc);
    expect(chunks.map((c) => c.citation)).toEqual([
      'Nghị định 131/2021/NĐ-CP',
      'Nghị định 131/2021/NĐ-CP, Điều 121',
      'Nghị định 131/2021/NĐ-CP › Điều kiện hưởng trợ cấp tuất',
    ]);
  });

  it('produces no chunk for empty sections', () => {
    const chunks = chunkDocument(markdownDoc('## Rỗng\n\n## Cũng rỗng\n### Con rỗng\n\n## Có nội dung\nNội dung.\n', { id: 'e', title: 'Tài liệu thử' }));
    expect(chunks.map((c) => c.citation)).toEqual(['Tài liệu thử › Có nội dung']);
    expect(chunkDocument(markdownDoc('', { id: 'e', title: 'Tài liệu thử' }))).toEqual([]);
  });

  it('uses # headings as sections when a document has several and no ##', () => {
    const chunks = chunkDocument(markdownDoc('# Một\nA.\n# Hai\nB.\n', { id: 'h', title: 'Tài liệu thử' }));
    expect(chunks.map((c) => [c.citation, c.text])).toEqual([
      ['Tài liệu thử › Một', 'A.'],
      ['Tài liệu thử › Hai', 'B.'],
    ]);
  });
});

describe('chunkDocument — recognising legal structure in plain text', () => {
  const cite = (body: string, options?: { maxChars?: number; minChars?: number }): string[] =>
    chunkDocument(textDoc(body, { id: 't', title: 'Văn bản thử', citation: 'VB' }), options).map((c) => c.citation);

  it('recognises upper-case units, "Điều n:", Phần and Mục, and Điểm directly under an Điều', () => {
    const body = [
      'PHẦN THỨ NHẤT',
      'NHỮNG QUY ĐỊNH CHUNG',
      'Mục 1. ĐỐI TƯỢNG',
      'ĐIỀU 1. PHẠM VI',
      'Nội dung điều 1.',
      'Điều 2: Đối tượng',
      'a) Điểm a của điều 2.',
      'b) Điểm b của điều 2.',
    ].join('\n');
    const chunks = chunkDocument(textDoc(body, { id: 't', title: 'Văn bản thử', citation: 'VB' }), { maxChars: 30, minChars: 1 });
    expect(chunks.map((c) => c.citation)).toEqual(['VB, Điều 1', 'VB, Điều 2, Điểm a', 'VB, Điều 2, Điểm b']);
    expect(chunks[0]!.path).toEqual(['Phần thứ nhất. NHỮNG QUY ĐỊNH CHUNG', 'Mục 1. ĐỐI TƯỢNG', 'Điều 1. PHẠM VI']);
  });

  it('does not take sentences that begin with a unit for headings', () => {
    const body = [
      'Điều 1. Phạm vi',
      'Chương II của Nghị định này quy định chế độ.',
      'Điều 5 của Luật này được áp dụng.',
      'Điều 7: căn cứ để tính.',
      'Mục 2 Chương III cũng áp dụng.',
      'Phần thứ hai của báo cáo.',
      '2020. Năm bắt đầu áp dụng.',
    ].join('\n');
    const chunks = chunkDocument(textDoc(body, { id: 't', title: 'Văn bản thử', citation: 'VB' }));
    expect(chunks.map((c) => c.citation)).toEqual(['VB, Điều 1']);
    expect(chunks[0]!.text.split('\n')).toHaveLength(6);
  });

  it('accepts Khoản only in sequence, so a stray "5." inside a Khoản is text', () => {
    const body = ['Điều 1. Thử', '1. Khoản một.', '5. Không phải khoản.', '2. Khoản hai.'].join('\n');
    expect(cite(body, { maxChars: 40, minChars: 1 })).toEqual(['VB, Điều 1, Khoản 1', 'VB, Điều 1, Khoản 2']);
  });

  it('merges a small lead and small Khoản into ranges, never beyond maxChars', () => {
    const k = (n: number, len: number): string => `${n}. ${'chữ '.repeat(len).trim()}.`;
    const body = ['Điều 9. Thử', 'Dẫn.', k(1, 30), k(2, 5), k(3, 5), k(4, 30), k(5, 3)].join('\n');
    const chunks = chunkDocument(textDoc(body, { id: 't', title: 'Văn bản thử', citation: 'VB' }), { maxChars: 200, minChars: 50 });
    expect(chunks.map((c) => c.citation)).toEqual(['VB, Điều 9, Khoản 1-3', 'VB, Điều 9, Khoản 4-5']);
    expect(chunks[0]!.text.startsWith('Dẫn.\n1. chữ')).toBe(true);
    expect(chunks[0]!.path.at(-1)).toBe('Khoản 1-3');
  });

  it('cites a Phụ lục and closes the last Điều before it', () => {
    const body = ['Điều 3. Hiệu lực', 'Có hiệu lực.', '', 'PHỤ LỤC I', 'DANH MỤC MẪU', '(Kèm theo Nghị định này)', 'Mẫu số 01. Bản khai.'].join('\n');
    const chunks = chunkDocument(textDoc(body, { id: 't', title: 'Văn bản thử', citation: 'VB' }));
    expect(chunks.map((c) => [c.citation, c.path, c.text])).toEqual([
      ['VB, Điều 3', ['Điều 3. Hiệu lực'], 'Có hiệu lực.'],
      ['VB, Phụ lục I', ['Phụ lục I. DANH MỤC MẪU'], '(Kèm theo Nghị định này)\nMẫu số 01. Bản khai.'],
    ]);
  });

  it('does not leave a tiny last piece when a long section is split at paragraphs', () => {
    const sentence = (n: number): string => 'Câu về thủ tục người có công. '.repeat(n).trim(); // 30 characters a sentence
    const [a, b, c] = [sentence(10), sentence(8), sentence(3)]; // greedy packing alone would give [a b] [c]
    const body = `## Mục lớn\n\n${a}\n\n${b}\n\n${c}\n`;
    const chunks = chunkDocument(markdownDoc(body, { id: 'r', title: 'Tài liệu thử' }), { maxChars: 600, minChars: 150 });
    expect(chunks.map((ch) => ch.text)).toEqual([a, `${b}\n\n${c}`]);
  });

  it('parses heading lines', () => {
    expect(parseStructuralLine('Điều 5a. Bổ sung')).toEqual({ kind: 'dieu', number: '5a', title: 'Bổ sung' });
    expect(parseStructuralLine('**Điều 5. Hồ sơ**')).toEqual({ kind: 'dieu', number: '5', title: 'Hồ sơ' });
    expect(parseStructuralLine('Chương 2 - Chế độ ưu đãi')).toEqual({ kind: 'chuong', number: '2', title: 'Chế độ ưu đãi' });
    expect(parseStructuralLine('PHỤ LỤC I')).toEqual({ kind: 'phuluc', number: 'I', title: '' });
    expect(parseStructuralLine('Phụ lục kèm theo Nghị định này')).toBeNull();
    expect(parseStructuralLine('Điều 3 của Nghị định này')).toBeNull();
    expect(parseStructuralLine('Điều 3.')).toBeNull();
    expect(parseStructuralLine('Chương trình mục tiêu quốc gia')).toBeNull();
  });
});

describe('citationLabel', () => {
  const base = { id: 'x', title: 'Tiêu đề văn bản' };
  it('prefers citation, then type word + number, then number, then title', () => {
    expect(citationLabel({ ...base, citation: 'NĐ 131', doc_number: '131/2021/NĐ-CP', doc_type: 'nghi-dinh' })).toBe('NĐ 131');
    expect(citationLabel({ ...base, doc_number: '131/2021/NĐ-CP', doc_type: 'nghi-dinh' })).toBe('Nghị định 131/2021/NĐ-CP');
    expect(citationLabel({ ...base, doc_number: '02/2020/UBTVQH14', doc_type: 'phap-lenh' })).toBe('Pháp lệnh 02/2020/UBTVQH14');
    expect(citationLabel({ ...base, doc_number: '131/2021/NĐ-CP' })).toBe('131/2021/NĐ-CP');
    expect(citationLabel(base)).toBe('Tiêu đề văn bản');
  });

  it("does not cite a guide by its legal basis's number", () => {
    expect(citationLabel({ ...base, doc_number: '131/2021/NĐ-CP; 129/2025/NĐ-CP', doc_type: 'thu-tuc' })).toBe('Tiêu đề văn bản');
  });

  it('ignores values that are not text', () => {
    const odd = { ...base, citation: 42, doc_number: ['a'] } as unknown as DocumentMeta;
    expect(citationLabel(odd)).toBe('Tiêu đề văn bản');
  });
});
