import { describe, expect, it } from 'vitest';
import { ratedRowFirst } from '../../src/assistant/rated-row.js';
import type { DocumentMeta } from '../../src/knowledge/types.js';
import type { ScoredPassage } from '../../src/retrieval/hybrid-search.js';
import type { StoredPassage } from '../../src/storage/knowledge-store.js';

function passage(docId: string, ordinal: number, heading: string, text: string): StoredPassage {
  return { id: `${docId}#${ordinal}`, docId, ordinal, citation: heading, path: [], heading, text, meta: { id: docId, title: heading, status: 'in_force', verified: true } as DocumentMeta };
}
const hit = (p: StoredPassage, score: number): ScoredPassage => ({ passage: p, score, lexicalScore: score, lexicalNormalized: score, lexicalCoverage: 1, vectorSimilarity: 0 }) as ScoredPassage;

const REASSESSED = passage('giam-dinh-lai', 0, 'Thủ tục giám định lại tỷ lệ tổn thương cơ thể thương binh', 'Sau giám định lại, thương binh hưởng theo tỷ lệ mới: tỷ lệ 100%: 8.941.000 đồng/tháng.');
const TB_31_40 = passage('thuong-binh', 3, 'Mức trợ cấp thương binh › Trợ cấp thương binh từ 31% đến 40%', '- Thương binh 31%: 2.770.000 đồng/tháng;\n- Thương binh 35%: 3.132.000 đồng/tháng;');
const BB_OTHER = passage('benh-binh', 5, 'Mức hưởng bệnh binh › Các khoản khác của bệnh binh', '- Khi bệnh binh từ 61% trở lên từ trần: thân nhân được tuất hằng tháng 1.565.000 đồng.');
const BB_TABLE = passage(
  'benh-binh',
  2,
  'Mức hưởng bệnh binh › Trợ cấp hằng tháng của bệnh binh theo tỷ lệ tổn thương',
  '| Tỷ lệ tổn thương cơ thể của bệnh binh | Trợ cấp hằng tháng |\n|---|---|\n| Từ 61% đến 70% | 4.622.000 đồng |\n| Từ 81% đến 90% | 6.378.000 đồng |',
);
const documents: Record<string, StoredPassage[]> = { 'benh-binh': [BB_TABLE, BB_OTHER], 'thuong-binh': [TB_31_40], 'giam-dinh-lai': [REASSESSED] };
const passagesOf = (docId: string) => documents[docId] ?? [];
const order = (hits: ScoredPassage[]) => hits.map((h) => h.passage.id);

describe('the row of the rating a question names leads', () => {
  it('puts the group’s table passage that holds the rating before a passage that only names the rating', () => {
    const hits = [hit(REASSESSED, 0.9), hit(TB_31_40, 0.7)];
    expect(order(ratedRowFirst(hits, { question: 'thương binh suy giảm khả năng lao động 35% trợ cấp bao nhiêu', story: '' }, '', passagesOf))).toEqual(['thuong-binh#3', 'giam-dinh-lai#0']);
  });

  it('takes the row from the document of a hit on the group when no hit holds it (a table by brackets)', () => {
    const hits = [hit(BB_OTHER, 0.8), hit(REASSESSED, 0.6)];
    const ordered = ratedRowFirst(hits, { question: 'bb 85% bao nhiêu', story: '' }, 'bệnh binh 85 bao nhiêu', passagesOf);
    expect(order(ordered)).toEqual(['benh-binh#2', 'benh-binh#5', 'giam-dinh-lai#0']);
    expect(ordered[0]!.score).toBe(0.8);
  });

  it('leaves the order alone for another benefit, another group, or no rating', () => {
    const hits = [hit(REASSESSED, 0.9), hit(TB_31_40, 0.7)];
    for (const question of ['người phục vụ thương binh 35% được bao nhiêu', 'con của thương binh 35% được bao nhiêu', 'vợ tb 35% được bao nhiêu', 'thương binh bệnh binh 35% bao nhiêu', 'thương binh hạng 3/4 bao nhiêu']) {
      expect(order(ratedRowFirst(hits, { question: question, story: '' }, '', passagesOf)), question).toEqual(['giam-dinh-lai#0', 'thuong-binh#3']);
    }
    // A row of another benefit ("tuất hằng tháng … từ 61%") is not the group's own row.
    expect(order(ratedRowFirst([hit(BB_OTHER, 0.8)], { question: 'bệnh binh 75% bao nhiêu', story: '' }, '', () => [BB_OTHER]))).toEqual(['benh-binh#5']);
  });

  it('reads the rating from the story when the question does not repeat it, unless the story is about a relative', () => {
    const hits = [hit(REASSESSED, 0.9), hit(TB_31_40, 0.7)];
    const asked = { question: 'Như trường hợp của bố tôi thì mỗi tháng được bao nhiêu?', story: 'Bố tôi là thương binh 35%, đang hưởng theo mức cũ.' };
    expect(order(ratedRowFirst(hits, asked, 'thương binh', passagesOf))).toEqual(['thuong-binh#3', 'giam-dinh-lai#0']);
    const kin = { question: 'Mỗi tháng tôi được bao nhiêu?', story: 'Tôi là con của thương binh 35%, đang đi học.' };
    expect(order(ratedRowFirst(hits, kin, '', passagesOf))).toEqual(['giam-dinh-lai#0', 'thuong-binh#3']);
  });
});
