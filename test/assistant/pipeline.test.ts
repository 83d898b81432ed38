import { describe, expect, it } from 'vitest';
import { Assistant } from '../../src/assistant/assistant.js';
import type { AnswerSearcher, Escalator, KnowledgeSource } from '../../src/assistant/ports.js';
import type { LoggedQuestion, QuestionLogStore } from '../../src/assistant/question-log.js';
import type { CreateTicketInput } from '../../src/escalation/escalation-service.js';
import type { CuratedAnswerStore, UserStore } from '../../src/escalation/stores.js';
import type { Asker, CuratedAnswer, OpenedTicket } from '../../src/escalation/types.js';
import type { DocumentMeta } from '../../src/knowledge/types.js';
import type { ScoredPassage } from '../../src/retrieval/hybrid-search.js';
import type { StoredPassage } from '../../src/storage/knowledge-store.js';
import { passageHash, type PassageSource } from '../../src/storage/provenance.js';
import { CURATED_UNDER_REVIEW_NOTE } from '../../src/assistant/assistant.js';

/**
 * The assistant's decisions on fakes of its ports: no database, no knowledge folder, no index. Each stage
 * of the pipeline (guard, small talk, expert request, curated, retrieve + gate, compose) is reached here.
 */

const asker: Asker = { channel: 'test', chatId: 'c-1', userId: 'u-1', displayName: 'Chị Lan' };

function passage(docId: string, text: string, meta: Partial<DocumentMeta> = {}): StoredPassage {
  return {
    id: `${docId}#0`, docId, ordinal: 0, citation: `${docId}, Điều 1`, path: ['Mục 1'], heading: 'Mục 1', text,
    meta: { id: docId, title: `Tài liệu ${docId}`, status: 'in_force', verified: true, topic: ['mai-tang'], ...meta } as DocumentMeta,
  };
}

const MAI_TANG = passage(
  'tt-mai-tang',
  'Hồ sơ hưởng trợ cấp mai táng gồm:\n1. Bản khai theo Mẫu số 12.\n2. Bản sao giấy báo tử.\n\nNộp hồ sơ tại UBND cấp xã nơi quản lý hồ sơ người có công.',
);

class FakeSearcher implements AnswerSearcher {
  readonly passages: readonly StoredPassage[];
  readonly queries: string[] = [];
  constructor(private readonly found: readonly { passage: StoredPassage; coverage: number }[]) {
    this.passages = found.map((f) => f.passage);
  }
  async search(query: string) {
    this.queries.push(query);
    const hits: ScoredPassage[] = this.found.map(({ passage: p, coverage }, i) => ({
      passage: p, score: 0.9 - i * 0.1, lexicalScore: 10 - i, lexicalNormalized: 1, lexicalCoverage: coverage, vectorSimilarity: 0.5,
    }));
    return { hits, expandedQuery: query, typedWithDiacritics: true };
  }
  passagesOf(docId: string) {
    return this.passages.filter((p) => p.docId === docId);
  }
  async embedQuestion() {
    return undefined;
  }
}

class FakeLog implements QuestionLogStore {
  readonly entries: LoggedQuestion[] = [];
  async add(entry: Omit<LoggedQuestion, 'id'>) {
    this.entries.push({ ...entry, id: this.entries.length + 1 });
    return this.entries.length;
  }
  async get(id: number) {
    return this.entries[id - 1];
  }
  async findBySource(sourceKey: string) {
    return this.entries.find((e) => e.sourceKey === sourceKey);
  }
  async attachTicket() {}
  async addFeedback() {}
  async feedbackFor() {
    return [];
  }
  async sourcedSince() {
    return [];
  }
}

class FakeEscalator implements Escalator {
  readonly tickets: CreateTicketInput[] = [];
  allowed = true;
  readonly access = { mayAsk: async () => this.allowed };
  async createTicket(input: CreateTicketInput) {
    this.tickets.push(input);
    return { id: this.tickets.length, routing: 'experts' } as OpenedTicket;
  }
  async deliverPendingFor() {
    return 0;
  }
  async routingOf() {
    return 'experts' as const;
  }
}

function curatedStore(answers: CuratedAnswer[]): CuratedAnswerStore {
  return { revision: 0, listActive: async () => answers, recordHit: async () => {} } as unknown as CuratedAnswerStore;
}

function setup(options: { found?: { passage: StoredPassage; coverage: number }[]; curated?: CuratedAnswer[]; perMinute?: number } = {}) {
  const searcher = new FakeSearcher(options.found ?? [{ passage: MAI_TANG, coverage: 0.8 }]);
  const kb: KnowledgeSource = { searcher: async () => searcher };
  const log = new FakeLog();
  const escalation = new FakeEscalator();
  const assistant = new Assistant({
    kb,
    escalation,
    log,
    curated: curatedStore(options.curated ?? []),
    users: { get: async () => undefined } as unknown as UserStore,
    settings: { questionsPerMinute: options.perMinute ?? 0 },
    now: () => new Date('2026-12-06T08:00:00Z'),
  });
  return { assistant, searcher, log, escalation, ask: (text: string, extra: { sourceKey?: string; resumed?: boolean } = {}) => assistant.handle({ asker, text, ...extra }) };
}

describe('the assistant pipeline, on fakes of its ports', () => {
  it('answers small talk without searching', async () => {
    const { ask, searcher } = setup();
    expect((await ask('xin chào')).stage).toBe('smalltalk');
    expect((await ask('   ')).stage).toBe('smalltalk');
    expect(searcher.queries).toEqual([]);
  });

  it('refuses an asker the access policy does not allow, and one who asks too fast', async () => {
    const first = setup();
    first.escalation.allowed = false;
    expect((await first.ask('hồ sơ mai táng gồm gì')).stage).toBe('refused');
    const fast = setup({ perMinute: 1 });
    expect((await fast.ask('hồ sơ mai táng gồm gì')).stage).toBe('retrieval');
    const second = await fast.ask('nộp hồ sơ mai táng ở đâu');
    expect(second.stage).toBe('refused');
    expect(second.text).toMatch(/nhanh quá/);
  });

  it('answers from the passages with the direct lines first and the basis', async () => {
    const { ask, log } = setup();
    const reply = await ask('Hồ sơ hưởng trợ cấp mai táng gồm những gì?');
    expect(reply.stage).toBe('retrieval');
    expect(reply.text.split('\n')[0]).toBe('👉 Hồ sơ hưởng trợ cấp mai táng gồm:');
    expect(reply.text).toContain('Mẫu số 12');
    expect(reply.citations.map((c) => c.docId)).toEqual(['tt-mai-tang']);
    expect(log.entries).toHaveLength(1);
  });

  it('answers from the benefits, not from the criteria for a title the question does not ask about (asked_with)', async () => {
    const criteria = passage('tieu-chuan-bmvnah', 'Những bà mẹ có 2 con trở lên là liệt sĩ được tặng hoặc truy tặng danh hiệu Bà mẹ Việt Nam anh hùng.', {
      topic: ['ba-me-viet-nam-anh-hung'],
      asked_with: ['truy tặng', 'danh hiệu'],
    });
    const benefits = passage('muc-huong-bmvnah', 'Bà mẹ Việt Nam anh hùng được trợ cấp hằng tháng 8.367.000 đồng.', { topic: ['ba-me-viet-nam-anh-hung'] });
    const found = [{ passage: criteria, coverage: 0.8 }, { passage: benefits, coverage: 0.6 }];
    const monthly = await setup({ found }).ask('Mẹ tôi là Bà mẹ Việt Nam anh hùng có 2 con là liệt sĩ, mỗi tháng mẹ được bao nhiêu?');
    expect(monthly.citations[0]?.docId).toBe('muc-huong-bmvnah');
    const title = await setup({ found }).ask('Bà tôi có 2 con là liệt sĩ, có được truy tặng danh hiệu không?');
    expect(title.citations[0]?.docId).toBe('tieu-chuan-bmvnah');
  });

  it('escalates a neighbouring field whatever the passages, filed under no topic', async () => {
    const { ask, escalation } = setup();
    const reply = await ask('Hồ sơ hưởng trợ cấp thất nghiệp gồm những gì?');
    expect(reply.stage).toBe('escalated');
    expect(escalation.tickets[0]).toMatchObject({ reason: 'out_of_domain', topic: undefined });
  });

  it('escalates a question of the field that the passages barely cover, with its topic', async () => {
    const { ask, escalation } = setup({ found: [{ passage: MAI_TANG, coverage: 0.05 }] });
    const reply = await ask('Thương binh được cấp xe lăn mấy năm một lần?');
    expect(reply.stage).toBe('escalated');
    expect(escalation.tickets[0]).toMatchObject({ reason: 'low_confidence', topic: 'mai-tang' });
  });

  it('answers a question of the field from passages that cover a sixth of a long story, the story being most of the words', async () => {
    const { ask } = setup({ found: [{ passage: MAI_TANG, coverage: 0.17 }] });
    const reply = await ask('Bố tôi là thương binh, mất tháng 3/2026 ở xã Yên Thành. Hồ sơ hưởng trợ cấp mai táng gồm những gì?');
    expect(reply.stage).toBe('retrieval');
  });

  it('hands an explicit request to the experts, and a bare one takes the previous question', async () => {
    const { ask, escalation } = setup();
    await ask('Hồ sơ hưởng trợ cấp mai táng gồm những gì?');
    expect((await ask('hỏi chuyên gia')).stage).toBe('escalated');
    expect(escalation.tickets[0]).toMatchObject({ reason: 'user_request', question: 'Hồ sơ hưởng trợ cấp mai táng gồm những gì?', topic: 'mai-tang' });
    // The passages found travel with the ticket; a neighbouring field's question is routed by no topic.
    expect(escalation.tickets[0]!.context?.map((c) => c.id)).toEqual(['tt-mai-tang#0']);
    await ask('hỏi chuyên gia: hồ sơ hưởng trợ cấp thất nghiệp gồm những gì');
    expect(escalation.tickets[1]).toMatchObject({ reason: 'user_request', topic: undefined, context: [] });
  });

  it('reuses an approved answer for the same question typed without diacritics', async () => {
    const approved: CuratedAnswer = {
      id: 7, question: 'Hồ sơ mai táng phí gồm những gì?', answer: 'Bản khai Mẫu số 12 và giấy báo tử.', approvedAt: '2026-11-01T00:00:00Z',
      hits: 0, active: true, updatedAt: '2026-11-01T00:00:00Z',
    };
    const { ask, searcher } = setup({ curated: [approved] });
    const reply = await ask('ho so mai tang phi gom nhung gi');
    expect(reply.stage).toBe('curated');
    expect(reply.text).toContain('Bản khai Mẫu số 12 và giấy báo tử.');
    expect(searcher.queries).toEqual([]);
  });

  it('replays the answer already given when a stored update is handled again after a crash', async () => {
    const { ask, log } = setup();
    const first = await ask('Hồ sơ hưởng trợ cấp mai táng gồm những gì?', { sourceKey: 'test:1' });
    const again = await ask('Hồ sơ hưởng trợ cấp mai táng gồm những gì?', { sourceKey: 'test:1', resumed: true });
    expect(again.text).toBe(first.text);
    expect(log.entries).toHaveLength(1);
  });

  it('records the passages an answer rests on, with their text hash and document version', async () => {
    const { ask, log } = setup({ found: [{ passage: { ...MAI_TANG, docHash: 'v1' }, coverage: 0.8 }] });
    await ask('Hồ sơ hưởng trợ cấp mai táng gồm những gì?');
    expect(log.entries[0]!.sources).toEqual([
      { passageId: 'tt-mai-tang#0', docId: 'tt-mai-tang', citation: 'tt-mai-tang, Điều 1', passageHash: passageHash(MAI_TANG.text), docHash: 'v1', docInForce: true },
    ]);
    await ask('xin chào');
    expect(log.entries).toHaveLength(1);
  });

  it('never answers from a replaced text alone: the text that replaced it leads, named with its date', async () => {
    const old = passage('nd-cu', 'Hồ sơ hưởng trợ cấp mai táng gồm bản khai Mẫu số 09 và giấy báo tử.', {
      status: 'superseded', superseded_by: '99/2099/NĐ-CP', effective: '2021-01-01', effective_to: '2024-06-30', citation: 'Nghị định cũ 1/2021/NĐ-CP',
    });
    const replacing = passage('nd-moi', 'Hồ sơ hưởng trợ cấp mai táng gồm bản khai Mẫu số 12 và bản sao giấy báo tử.', {
      doc_number: '99/2099/NĐ-CP', citation: 'Nghị định 99/2099/NĐ-CP', effective: '2024-07-01',
    });
    const { ask } = setup({ found: [{ passage: old, coverage: 0.8 }, { passage: replacing, coverage: 0.3 }] });
    const reply = await ask('Hồ sơ hưởng trợ cấp mai táng gồm những gì?');
    expect(reply.stage).toBe('retrieval');
    expect(reply.text.split('\n')[0]).toBe(
      '⚠️ Nghị định cũ 1/2021/NĐ-CP đã được thay thế từ ngày 01/07/2024 bởi Nghị định 99/2099/NĐ-CP (hiệu lực từ 01/07/2024); đoạn của văn bản thay thế được nêu trước, nội dung văn bản cũ chỉ để đối chiếu.',
    );
    expect(reply.citations[0]!.docId).toBe('nd-moi');
    // The direct line comes from the text in force.
    expect(reply.text.split('\n')[1]).toBe('👉 Hồ sơ hưởng trợ cấp mai táng gồm bản khai Mẫu số 12 và bản sao giấy báo tử.');
    expect(reply.text).toContain('Căn cứ: nd-moi, Điều 1 (theo 99/2099/NĐ-CP) — hiệu lực từ 01/07/2024');
    expect(reply.text).toContain('Căn cứ: nd-cu, Điều 1 — hiệu lực từ 01/01/2021 đến hết ngày 30/06/2024 (đã hết hiệu lực, thay bằng 99/2099/NĐ-CP)');
  });

  it('names the lack of a replacement for an expired text, and says nothing for a text in force', async () => {
    const expired = passage('hd-cu', 'Hồ sơ hưởng trợ cấp mai táng gồm bản khai Mẫu số 09 và giấy báo tử.', { effective_to: '2025-06-30', citation: 'Hướng dẫn cũ' });
    const reply = await setup({ found: [{ passage: expired, coverage: 0.8 }] }).ask('Hồ sơ hưởng trợ cấp mai táng gồm những gì?');
    expect(reply.text.split('\n')[0]).toBe(
      '⚠️ Hướng dẫn cũ đã hết hiệu lực từ ngày 01/07/2025; kho tri thức chưa có văn bản thay thế. Đề nghị đối chiếu văn bản đang có hiệu lực trước khi áp dụng.',
    );
    const current = await setup().ask('Hồ sơ hưởng trợ cấp mai táng gồm những gì?');
    expect(current.text).not.toContain('hết hiệu lực');
  });

  it('serves a curated answer with the texts it rests on, and holds it back once one of them changed', async () => {
    const source: PassageSource = { passageId: 'tt-mai-tang#0', docId: 'tt-mai-tang', citation: 'tt-mai-tang, Điều 1', passageHash: passageHash(MAI_TANG.text), docInForce: true };
    const approved: CuratedAnswer = {
      id: 7, question: 'Hồ sơ mai táng phí gồm những gì?', answer: 'Bản khai Mẫu số 12 và giấy báo tử.', approvedAt: '2026-11-01T00:00:00Z',
      hits: 0, active: true, updatedAt: '2026-11-01T00:00:00Z', sources: [source],
    };
    const fresh = setup({ curated: [approved] });
    const served = await fresh.ask('Hồ sơ mai táng phí gồm những gì?');
    expect(served.stage).toBe('curated');
    expect(served.text).toContain('Căn cứ: tt-mai-tang, Điều 1');
    expect(fresh.log.entries[0]!.sources).toEqual([source]);

    const changed = setup({ curated: [{ ...approved, sources: [{ ...source, passageHash: passageHash('Hồ sơ cũ.') }] }] });
    const held = await changed.ask('Hồ sơ mai táng phí gồm những gì?');
    expect(held.stage).toBe('retrieval');
    expect(held.text).not.toContain('Bản khai Mẫu số 12 và giấy báo tử.');
    expect(held.text).toContain(CURATED_UNDER_REVIEW_NOTE);
    const gone = setup({ curated: [{ ...approved, sources: [{ ...source, docId: 'tt-da-go', passageId: 'tt-da-go#0' }] }] });
    expect((await gone.ask('Hồ sơ mai táng phí gồm những gì?')).stage).toBe('retrieval');
  });
});
