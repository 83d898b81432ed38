import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoggedQuestion } from '../../src/assistant/question-log.js';
import { ImpactService, impactJson } from '../../src/curation/impact.js';
import { KnowledgeSourcing } from '../../src/curation/sources.js';
import type { EscalationStores } from '../../src/escalation/stores.js';
import { sourcesOf } from '../../src/knowledge/provenance.js';
import type { Chunk, DocumentMeta } from '../../src/knowledge/types.js';
import { Database } from '../../src/storage/database.js';
import type { StoredDocument } from '../../src/storage/knowledge-store.js';
import { createSqliteEscalationStores } from '../../src/storage/sqlite/escalation-stores.js';
import { SqliteKnowledgeStore } from '../../src/storage/sqlite/knowledge-repository.js';
import { SqliteQuestionLog } from '../../src/storage/sqlite/question-log-repository.js';
import { useTempDir } from '../helpers/temp-dir.js';

/*
 * The impact service over a real SQLite file: answers and curated answers record their sources from the
 * stored passages; documents then change in the ways the knowledge base changes (an amount, a passage that
 * only moves, a status, a removal, an end date that passes) and the service says what each one affects.
 */

const temp = useTempDir();
let db: Database;
let knowledge: SqliteKnowledgeStore;
let log: SqliteQuestionLog;
let stores: EscalationStores;
let clock: Date;
let impact: ImpactService;

function save(id: string, texts: string[], meta: Partial<DocumentMeta> = {}, version = texts.join('|') + JSON.stringify(meta)) {
  const doc: StoredDocument = { id, sourcePath: `${id}.md`, contentHash: version, meta: { id, title: `Văn bản ${id}`, status: 'in_force', verified: true, ...meta } as DocumentMeta };
  const chunks: Chunk[] = texts.map((text, i) => ({ id: `${id}#${i}`, docId: id, ordinal: i, citation: `Văn bản ${id} › ${text.split(' ').slice(0, 2).join(' ')}`, path: [], heading: '', text }));
  return { doc, chunks };
}

/** An answer logged now, resting on the stored passages `ids`. */
async function answered(question: string, ids: string[], at = clock): Promise<number> {
  const passages = (await knowledge.listPassages()).filter((p) => ids.includes(p.id));
  const entry: Omit<LoggedQuestion, 'id'> = {
    asker: { channel: 'zalo-oa', chatId: `chat-${question.length}`, userId: 'u', displayName: 'Anh Tâm' },
    question, query: question, stage: 'retrieval', confidence: 0.8, citations: [], latencyMs: 1, createdAt: at.toISOString(),
    sources: sourcesOf(passages, at.toISOString().slice(0, 10)),
  };
  return log.add(entry);
}

beforeEach(async () => {
  db = await Database.open(temp.file(`impact-${Date.now()}-${Math.random()}.sqlite`));
  knowledge = new SqliteKnowledgeStore(db);
  log = new SqliteQuestionLog(db);
  stores = createSqliteEscalationStores(db);
  clock = new Date('2026-12-01T08:00:00Z');
  impact = new ImpactService({ knowledge, log, curated: stores.curated, sourcing: new KnowledgeSourcing(knowledge, () => clock), now: () => clock });
  await knowledge.applyChanges([
    save('muc', ['Trợ cấp thờ cúng 1.400.000 đồng một năm.', 'Hồ sơ gồm đơn Mẫu số 18.']),
    save('cu', ['Mức cũ 1.318.000 đồng.'], { effective_to: '2026-12-31' }),
  ]);
});

afterEach(() => db.close());

describe('ImpactService', () => {
  it('lists nothing until a passage an answer rests on changes; a passage that only moves is no change', async () => {
    await answered('Trợ cấp thờ cúng bao nhiêu?', ['muc#0']);
    const sources = await new KnowledgeSourcing(knowledge, () => clock).current(['muc#0', 'muc#9']);
    const curated = await stores.curated.upsert({ question: 'Thờ cúng hai liệt sĩ?', answer: '2.800.000 đồng.', approvedAt: clock.toISOString(), sources });
    expect(sources.map((s) => s.passageId)).toEqual(['muc#0']);
    expect(impactJson(await impact.compute())).toEqual({ changed_documents: [], curated: [], answers: [] });

    // A new first passage: the amount's passage moves to #1 with its text unchanged.
    await knowledge.applyChanges([save('muc', ['Giới thiệu.', 'Trợ cấp thờ cúng 1.400.000 đồng một năm.', 'Hồ sơ gồm đơn Mẫu số 18.'])]);
    const moved = await impact.compute();
    expect(moved.curated).toEqual([]);
    expect(moved.answers).toEqual([]);
    expect(moved.changedDocuments.map((d) => d.id)).toEqual(['muc']);

    await knowledge.applyChanges([save('muc', ['Giới thiệu.', 'Trợ cấp thờ cúng 1.500.000 đồng một năm.', 'Hồ sơ gồm đơn Mẫu số 18.'])]);
    const report = await impact.compute();
    expect(report.curated).toMatchObject([{ id: curated.id, status: 'needs_review', changes: [{ kind: 'changed', source: { passageId: 'muc#0' } }] }]);
    expect(report.answers).toMatchObject([{ question: 'Trợ cấp thờ cúng bao nhiêu?', channel: 'zalo-oa', asker: { displayName: 'Anh Tâm' } }]);
    expect(await impact.reviewOf(curated.id)).toHaveLength(1);

    // Re-approved: it rests on the same passage as it is now — found by its citation, not its old ordinal.
    clock = new Date('2026-12-02T08:00:00Z');
    const admin = await stores.users.add({ channel: 'telegram', channelUserId: 'a', chatId: 'a', displayName: 'Quản trị', role: 'admin' }, clock.toISOString());
    const relinked = await impact.reapprove(curated.id, admin.id);
    expect(relinked).toMatchObject([{ passageId: 'muc#1', citation: 'Văn bản muc › Trợ cấp' }]);
    expect((await impact.compute()).curated).toEqual([]);
    expect((await stores.curated.get(curated.id))!.approvedAt).toBe(clock.toISOString());
  });

  it('names a superseded, a removed and an expired document, and keeps to the window', async () => {
    await answered('Hồ sơ gồm gì?', ['muc#1']);
    await answered('Mức cũ bao nhiêu?', ['cu#0']);
    await answered('Câu hỏi cũ về hồ sơ', ['muc#1'], new Date('2026-06-01T08:00:00Z'));

    await knowledge.applyChanges([save('muc', ['Trợ cấp thờ cúng 1.400.000 đồng một năm.', 'Hồ sơ gồm đơn Mẫu số 18.'], { status: 'superseded', superseded_by: '99/2099/NĐ-CP' })]);
    const superseded = await impact.compute();
    expect(superseded.answers.map((a) => [a.question, a.changes[0]!.kind, a.changes[0]!.replacedBy])).toEqual([['Hồ sơ gồm gì?', 'superseded', '99/2099/NĐ-CP']]);
    expect((await impact.compute({ days: 365 })).answers.map((a) => a.question)).toEqual(['Hồ sơ gồm gì?', 'Câu hỏi cũ về hồ sơ']);

    // The end date passes: nothing was ingested, the answer on it is affected all the same.
    clock = new Date('2027-01-05T08:00:00Z');
    const expired = await impact.compute();
    expect(expired.answers.find((a) => a.question === 'Mức cũ bao nhiêu?')!.changes).toMatchObject([{ kind: 'expired', endedOn: '2026-12-31' }]);
    expect(expired.changedDocuments.map((d) => d.id)).toEqual(['cu', 'muc']);

    await knowledge.applyChanges([], ['cu']);
    const removed = await impact.compute();
    expect(removed.answers.find((a) => a.question === 'Mức cũ bao nhiêu?')!.changes).toMatchObject([{ kind: 'removed' }]);
    expect(removed.changedDocuments.find((d) => d.id === 'cu')!.changes.map((c) => c.kind)).toEqual(['removed']);
  });
});
