import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { unitsOf } from '../../src/assistant/answer-units.js';
import { PassageFeatures } from '../../src/assistant/passage-features.js';
import type { StoredPassage } from '../../src/storage/knowledge-store.js';
import { createTestApp } from '../helpers/app-fixture.js';
import { THO_CUNG, writeDoc } from '../helpers/knowledge-fixture.js';
import { makeTempDir } from '../helpers/temp-dir.js';

function passage(text: string, ordinal = 1): StoredPassage {
  return {
    id: `doc#${ordinal}`,
    docId: 'doc',
    ordinal,
    text,
    path: [],
    heading: 'Văn bản thử',
    citation: 'Văn bản thử',
    meta: { id: 'doc', title: 'Văn bản thử', doc_type: 'thu-tuc', citation: 'Văn bản thử', status: 'in_force', verified: true, topic: [] },
  } as unknown as StoredPassage;
}

describe('answer units', () => {
  it('quotes a sentence that only draws a conclusion ("Vì vậy …") together with the one before it', () => {
    const text = 'Pháp lệnh không buộc thương binh có lương hưu phải chọn một chế độ. Vì vậy cơ quan tiếp nhận không được từ chối giải quyết. Hồ sơ nộp tại UBND cấp xã.';
    expect(unitsOf(passage(text)).map((u) => u.text)).toEqual([
      'Pháp lệnh không buộc thương binh có lương hưu phải chọn một chế độ. Vì vậy cơ quan tiếp nhận không được từ chối giải quyết.',
      'Hồ sơ nộp tại UBND cấp xã.',
    ]);
  });

  it('does not end a sentence at an abbreviation that names what follows ("TP. Hồ Chí Minh")', () => {
    const text = 'Bảo hiểm xã hội TP. Hồ Chí Minh (01/2026) vẫn dẫn Nghị định 146/2018/NĐ-CP. Danh sách do xã lập.';
    expect(unitsOf(passage(text)).map((u) => u.text)).toEqual(['Bảo hiểm xã hội TP. Hồ Chí Minh (01/2026) vẫn dẫn Nghị định 146/2018/NĐ-CP.', 'Danh sách do xã lập.']);
  });
});

describe('PassageFeatures', () => {
  it('derives a passage once and gives each call unit objects of its own', () => {
    const features = new PassageFeatures();
    const p = passage('Trợ cấp thờ cúng liệt sĩ là 1.400.000 đồng. Hồ sơ nộp tại Ủy ban nhân dân cấp xã.');
    const first = features.unitsOf(p);
    const second = features.unitsOf(p);
    expect(first.map((u) => u.unit.text)).toEqual(['Trợ cấp thờ cúng liệt sĩ là 1.400.000 đồng.', 'Hồ sơ nộp tại Ủy ban nhân dân cấp xã.']);
    expect(second[0]!.words).toBe(first[0]!.words);
    expect(second[0]!.unit).not.toBe(first[0]!.unit);
    expect(features.linesOf(p)).toBe(features.linesOf(p));
  });

  it('derives anew a passage whose text changed, and a new passage object of a re-index', () => {
    const features = new PassageFeatures();
    const p = passage('Mức trợ cấp là 1.400.000 đồng.');
    expect(features.unitsOf(p)[0]!.unit.text).toContain('1.400.000');
    expect(features.linesOf(p)[0]!.line).toContain('1.400.000');
    p.text = 'Mức trợ cấp là 2.000.000 đồng.';
    expect(features.unitsOf(p)[0]!.unit.text).toContain('2.000.000');
    expect(features.linesOf(p)[0]!.line).toContain('2.000.000');
    const reindexed = passage('Mức trợ cấp là 2.500.000 đồng.');
    expect(features.unitsOf(reindexed)[0]!.unit.text).toContain('2.500.000');
  });

  it('drops the passages used least recently beyond its bound', () => {
    const features = new PassageFeatures(2);
    const [a, b, c] = [1, 2, 3].map((n) => passage(`Mức trợ cấp số ${n} là 1.400.000 đồng.`, n));
    const wordsOfA = features.unitsOf(a!)[0]!.words;
    const wordsOfB = features.unitsOf(b!)[0]!.words;
    expect(features.unitsOf(a!)[0]!.words).toBe(wordsOfA);
    features.unitsOf(c!);
    expect(features.unitsOf(a!)[0]!.words).toBe(wordsOfA);
    expect(features.unitsOf(b!)[0]!.words).not.toBe(wordsOfB);
  });
});

describe('answers after a re-index', () => {
  let cleanup: (() => Promise<void>) | undefined;
  let knowledgeDir: string | undefined;
  afterEach(async () => {
    await cleanup?.();
    if (knowledgeDir) await rm(knowledgeDir, { recursive: true, force: true });
  });

  it("quote the document's new text, not what was derived from the old one", async () => {
    knowledgeDir = await makeTempDir();
    await writeDoc(knowledgeDir, 'tho-cung.md', THO_CUNG);
    const test = await createTestApp({ KNOWLEDGE_DIR: knowledgeDir });
    cleanup = test.cleanup;
    const { app } = test;
    const asker = { channel: 'test', chatId: 'chat-1', userId: 'u-1', displayName: 'Chị Lan' };
    const question = 'Trợ cấp thờ cúng liệt sĩ bao nhiêu một năm?';

    const before = await app.assistant.handle({ asker, text: question, rateLimited: false });
    expect(before.stage).toBe('retrieval');
    expect(before.text).toContain('1.400.000');

    await writeDoc(knowledgeDir, 'tho-cung.md', { ...THO_CUNG, body: THO_CUNG.body.replace('1.400.000', '1.800.000') });
    await app.kb.ingest();

    const after = await app.assistant.handle({ asker: { ...asker, chatId: 'chat-2' }, text: question, rateLimited: false });
    expect(after.stage).toBe('retrieval');
    expect(after.text).toContain('1.800.000');
    expect(after.text).not.toContain('1.400.000');
  });
});
