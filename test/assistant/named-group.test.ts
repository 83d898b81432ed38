import { describe, expect, it } from 'vitest';
import { namedGroupFirst } from '../../src/assistant/named-group.js';
import type { DocumentMeta } from '../../src/knowledge/types.js';
import type { ScoredPassage } from '../../src/retrieval/hybrid-search.js';

function hit(id: string, heading: string, score: number): ScoredPassage {
  const passage = { id, docId: id, ordinal: 0, citation: heading, path: [], heading, text: heading, meta: { id, title: heading, status: 'in_force', verified: true } as DocumentMeta };
  return { passage, score, lexicalScore: score, lexicalNormalized: score, lexicalCoverage: 1, vectorSimilarity: 0 } as ScoredPassage;
}

const SICK_CARER = hit('benh-binh', 'Mức hưởng bệnh binh › Trợ cấp người phục vụ bệnh binh', 0.85);
const BURIAL = hit('mai-tang', 'Khi thương binh, bệnh binh, người nhiễm chất độc hóa học từ trần', 0.8);
const GENERAL = hit('dieu-duong', 'Điều dưỡng phục hồi sức khỏe người có công', 0.75);
const WOUNDED_CARER = hit('thuong-binh', 'Mức hưởng thương binh › Trợ cấp người phục vụ thương binh', 0.6);
const order = (hits: ScoredPassage[]) => hits.map((h) => h.passage.id);

describe('passages on the group a question names come first', () => {
  it('moves a passage on another group only after the rest, keeping the order of the others', () => {
    const ordered = namedGroupFirst([SICK_CARER, BURIAL, GENERAL, WOUNDED_CARER], 'tb 81% có được người phục vụ không', 'thương binh 81 có được người phục vụ không');
    expect(order(ordered)).toEqual(['mai-tang', 'dieu-duong', 'thuong-binh', 'benh-binh']);
  });

  it('keeps the order when the question names no group, or every hit is on another group', () => {
    expect(order(namedGroupFirst([SICK_CARER, GENERAL], 'người phục vụ được bao nhiêu', ''))).toEqual(['benh-binh', 'dieu-duong']);
    expect(order(namedGroupFirst([SICK_CARER], 'thương binh 81%', ''))).toEqual(['benh-binh']);
  });
});
