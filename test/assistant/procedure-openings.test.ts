import { describe, expect, it } from 'vitest';
import { AmountRegistry } from '../../src/assistant/amounts.js';
import { composeExtractiveAnswer } from '../../src/assistant/extractive.js';
import { ProcedureOpenings } from '../../src/assistant/procedure-openings.js';
import { readQuestion } from '../../src/assistant/reading.js';
import type { DocumentMeta } from '../../src/knowledge/types.js';
import type { ScoredPassage } from '../../src/retrieval/hybrid-search.js';
import type { StoredPassage } from '../../src/storage/knowledge-store.js';

function passage(docId: string, ordinal: number, text: string, meta: Partial<DocumentMeta>): StoredPassage {
  return {
    id: `${docId}#${ordinal}`,
    docId,
    ordinal,
    citation: meta.citation ?? docId,
    path: [],
    heading: '',
    text,
    meta: { id: docId, title: docId, status: 'in_force', verified: true, ...meta } as DocumentMeta,
  };
}

const conditions = passage(
  'cs-cdhh',
  1,
  'Người hoạt động kháng chiến bị nhiễm chất độc hóa học được công nhận khi mắc bệnh trong danh mục và suy giảm khả năng lao động từ 21% trở lên.',
  { doc_type: 'nghi-dinh', topic: ['nguoi-co-cong', 'chat-doc-hoa-hoc', 'thuong-binh'] },
);
const procedure = passage(
  'tt-cdhh',
  0,
  'Thủ tục công nhận và giải quyết chế độ người hoạt động kháng chiến bị nhiễm chất độc hóa học và con đẻ bị dị dạng, dị tật: nộp Bản khai Mẫu số 09 tại UBND cấp xã nơi thường trú; xã xác nhận trong 05 ngày làm việc.',
  { doc_type: 'thu-tuc', topic: ['nguoi-co-cong', 'chat-doc-hoa-hoc'], citation: 'Thủ tục chế độ người nhiễm chất độc hóa học' },
);
const woundedProcedures = ['tt-tb', 'tt-dc', 'tt-gd'].map((id) =>
  passage(id, 0, `Thủ tục ${id}: nộp đơn tại UBND cấp xã.`, { doc_type: 'thu-tuc', topic: ['nguoi-co-cong', 'thuong-binh'] }),
);
const procedureSections = passage('tt-cdhh', 1, 'Hồ sơ gồm bản khai Mẫu số 09.', { doc_type: 'thu-tuc', topic: ['chat-doc-hoa-hoc'] });
const openings = new ProcedureOpenings([conditions, procedure, procedureSections, ...woundedProcedures]);

describe('the procedure of the benefit a document is about', () => {
  it("is the opening of the procedure that shares the document's own topic, not one that only shares a group of people", () => {
    expect(openings.of(conditions).map((p) => p.id)).toEqual(['tt-cdhh#0']);
    const onlyGroup = passage('mh-tb', 0, 'Mức trợ cấp thương binh.', { doc_type: 'muc-huong', topic: ['muc-huong', 'thuong-binh'] });
    expect(openings.of(onlyGroup)).toEqual([]);
  });

  it('gives the form and office of a yes-or-no answer that the document on who qualifies does not name', () => {
    const read = readQuestion('Bố tôi đi kháng chiến, nay mắc bệnh đái tháo đường, có được công nhận nhiễm chất độc hóa học không?');
    const hits = [{ passage: conditions, score: 1 }] as unknown as ScoredPassage[];
    const compose = (proceduresOf?: (p: StoredPassage) => readonly StoredPassage[]) =>
      composeExtractiveAnswer({ read, hits, allPassages: [conditions], intent: undefined, registry: new AmountRegistry([]), today: '2026-12-06', ...(proceduresOf && { proceduresOf }) });
    const lead = compose((p) => openings.of(p)).lead.join('\n');
    expect(lead).toContain('Mẫu số 09');
    expect(lead).toContain('Thủ tục chế độ người nhiễm chất độc hóa học: nộp Bản khai Mẫu số 09');
    expect(compose().lead.join('\n')).not.toContain('Mẫu số 09');
  });

  it('answers "Nếu được thì nộp ở đâu?" after a yes-or-no question from that procedure', () => {
    const read = readQuestion('Ông tôi đi kháng chiến, nay mắc bệnh đái tháo đường. Ông có đủ điều kiện công nhận nhiễm chất độc hóa học không? Nếu được thì hồ sơ nộp ở cơ quan nào?');
    expect(read.parts[0]?.follows).toBe(true);
    const hits = [{ passage: conditions, score: 1 }] as unknown as ScoredPassage[];
    const partHits = [[{ passage: conditions, score: 1 }]] as unknown as ScoredPassage[][];
    const compose = (proceduresOf?: (p: StoredPassage) => readonly StoredPassage[]) =>
      composeExtractiveAnswer({ read, hits, allPassages: [conditions], intent: undefined, registry: new AmountRegistry([]), today: '2026-12-06', partHits, ...(proceduresOf && { proceduresOf }) });
    expect(compose((p) => openings.of(p)).lead.join('\n')).toContain('UBND cấp xã');
    expect(compose().lead.join('\n')).not.toContain('UBND cấp xã');
  });
});
