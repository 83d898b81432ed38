import { describe, expect, it } from 'vitest';
import { withAskedWordsFirst } from '../../src/assistant/asked-with.js';
import type { DocumentMeta } from '../../src/knowledge/types.js';
import type { ScoredPassage } from '../../src/retrieval/hybrid-search.js';

function hit(docId: string, score: number, meta: Partial<DocumentMeta> = {}): ScoredPassage {
  return {
    passage: { id: `${docId}#0`, docId, ordinal: 0, citation: docId, path: [], heading: '', text: docId, meta: { id: docId, title: docId, status: 'in_force', verified: true, ...meta } as DocumentMeta },
    score,
    lexicalScore: score,
    lexicalNormalized: score,
    lexicalCoverage: 1,
    vectorSimilarity: 0,
  } as ScoredPassage;
}

const CRITERIA = hit('tieu-chuan-bmvnah', 0.9, { asked_with: ['truy tặng', 'danh hiệu', 'phong'] });
const BENEFITS = hit('muc-huong-bmvnah', 0.7);

describe('documents that lead only when the question uses their words (asked_with)', () => {
  it('puts the criteria for a title after the benefits when the question asks about the benefits', () => {
    const ordered = withAskedWordsFirst([CRITERIA, BENEFITS], 'Mẹ tôi là Bà mẹ Việt Nam anh hùng có 2 con là liệt sĩ, mỗi tháng được bao nhiêu?');
    expect(ordered.map((h) => h.passage.docId)).toEqual(['muc-huong-bmvnah', 'tieu-chuan-bmvnah']);
  });

  it('keeps the order when the question uses one of the words, typed with or without marks', () => {
    expect(withAskedWordsFirst([CRITERIA, BENEFITS], 'Bà tôi có 2 con liệt sĩ, có được truy tặng không?')[0]!.passage.docId).toBe('tieu-chuan-bmvnah');
    expect(withAskedWordsFirst([CRITERIA, BENEFITS], 'ba toi co 2 con liet si co duoc truy tang danh hieu khong')[0]!.passage.docId).toBe('tieu-chuan-bmvnah');
  });

  it('matches whole words only ("phòng" is not "phong"), and a marked question only with the marks', () => {
    expect(withAskedWordsFirst([CRITERIA, BENEFITS], 'Nộp ở phòng nào, được bao nhiêu?')[0]!.passage.docId).toBe('muc-huong-bmvnah');
  });

  it('puts first the document whose numbered reference the question uses ("thương binh 3/4"), whatever its score', () => {
    const ranks = hit('thuong-binh-hang-cu', 0.5, { asked_with: ['thương binh 3/4', 'hạng 3/4', 'hạng thương tật'] });
    const tables = hit('thuong-binh', 0.8);
    expect(withAskedWordsFirst([tables, ranks], 'Năm 2024 trợ cấp của thương binh 3/4 tăng như thế nào?').map((h) => h.passage.docId)).toEqual(['thuong-binh-hang-cu', 'thuong-binh']);
    expect(withAskedWordsFirst([tables, ranks], 'tb hang 3/4 tro cap bao nhieu')[0]!.passage.docId).toBe('thuong-binh-hang-cu');
    // A word without a number only keeps the document in its place.
    expect(withAskedWordsFirst([tables, ranks], 'Hạng thương tật là gì?')[0]!.passage.docId).toBe('thuong-binh');
    expect(withAskedWordsFirst([tables, ranks], 'Thương binh 45% được bao nhiêu?').map((h) => h.passage.docId)).toEqual(['thuong-binh', 'thuong-binh-hang-cu']);
  });

  it('drops nothing: with only such documents found, their order stays', () => {
    expect(withAskedWordsFirst([CRITERIA], 'mỗi tháng được bao nhiêu?')).toHaveLength(1);
  });
});
