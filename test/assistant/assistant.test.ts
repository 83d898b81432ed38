import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createApp } from '../../src/app.js';
import type { Asker } from '../../src/escalation/types.js';
import { createTestApp, RecordingPort } from '../helpers/app-fixture.js';

const official: Asker = { channel: 'test', chatId: 'chat-1', userId: 'u-1', displayName: 'Chị Lan', commune: 'Xã Tịnh Sơn' };

let app: App;
let dataDir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ app, dataDir, cleanup } = await createTestApp());
});

afterEach(async () => {
  await cleanup();
});

const ask = (text: string, asker: Asker = official) => app.assistant.handle({ asker, text });

describe('answers from the knowledge base', () => {
  it('answers a covered question with the passage and a correct citation', async () => {
    const reply = await ask('Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?');
    expect(reply.stage).toBe('retrieval');
    expect(reply.citations).toContainEqual(
      expect.objectContaining({ docId: 'tt-mai-tang-phi', citation: 'Thủ tục hưởng trợ cấp mai táng › Thành phần hồ sơ' }),
    );
    expect(new Set(reply.citations.map((c) => c.docId))).toEqual(new Set(['tt-mai-tang-phi']));
    expect(reply.text).toContain('Mẫu số 12');
    expect(reply.text).toMatch(/Căn cứ: Thủ tục hưởng trợ cấp mai táng › Thành phần hồ sơ \(theo 131\/2021\/NĐ-CP; 129\/2025\/NĐ-CP\) — hiệu lực từ 01\/07\/2025/);
    expect(reply.text).toContain('Nguồn: https://');
    expect(reply.offerFeedback).toBe(true);
    expect(reply.answerId).toBeGreaterThan(0);
    const logged = await app.log.get(reply.answerId!);
    expect(logged).toMatchObject({ stage: 'retrieval', docId: 'tt-mai-tang-phi', question: 'Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?' });
  });

  it('understands a question typed without diacritics and with abbreviations', async () => {
    const reply = await ask('benh binh 71% huong bao nhieu');
    expect(reply.stage).toBe('retrieval');
    expect(reply.text).toContain('5.329.000');
    expect(reply.citations.some((c) => c.docId === 'mh-benh-binh')).toBe(true);
  });

  it('flags an answer drawn from a document that is not verified', async () => {
    const reply = await ask('Kết luận 192-KL/TW ban hành ngày nào?');
    expect(reply.stage).toBe('retrieval');
    expect(reply.citations[0]?.docId).toBe('kl-192-kl-tw');
    expect(reply.citations[0]?.verified).toBe(false);
    // A Party document is checked against its full text through the Party committee, not the Sở Nội vụ.
    expect(reply.text).toContain('chưa được đối chiếu với toàn văn; đề nghị xem toàn văn qua cấp ủy');
    expect(reply.text).not.toContain('Sở Nội vụ');
  });

  it('escalates an out-of-domain question instead of guessing', async () => {
    const reply = await ask('Thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ?');
    expect(reply.stage).toBe('escalated');
    expect(reply.ticket).toBeGreaterThan(0);
    expect(reply.text).toContain(`phiếu số #${reply.ticket}`);
    expect(reply.citations).toEqual([]);
    const ticket = await app.escalation.getTicket(reply.ticket!);
    expect(ticket).toMatchObject({ status: 'open', question: 'Thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ?', asker: { channel: 'test', chatId: 'chat-1' } });
    expect(['out_of_domain', 'low_confidence']).toContain(ticket!.reason);
  });

  it('reads a short follow-up in the context of the previous question', async () => {
    const first = await ask('Hồ sơ đề nghị trợ cấp thờ cúng liệt sĩ gồm những gì?');
    expect(first.citations[0]?.docId).toBe('tt-tho-cung-liet-si');
    const followUp = await ask('còn thời hạn giải quyết bao lâu?');
    expect(followUp.stage).toBe('retrieval');
    expect(followUp.citations[0]?.docId).toBe('tt-tho-cung-liet-si');
    expect(followUp.citations.map((c) => c.citation).join(' ')).toMatch(/Trình tự và thời hạn/);
    // Another chat has no such context.
    const elsewhere = await ask('còn thời hạn giải quyết bao lâu?', { ...official, chatId: 'chat-2' });
    expect(elsewhere.citations[0]?.docId).not.toBe('tt-tho-cung-liet-si');
  });

  it('replies politely to empty messages, greetings and thanks without searching', async () => {
    expect(await ask('   ')).toMatchObject({ stage: 'smalltalk', offerFeedback: false });
    expect((await ask('xin chào')).text).toMatch(/^Xin chào! Tôi là Trợ lý Xã/);
    expect((await ask('cảm ơn bạn nhiều')).stage).toBe('smalltalk');
    const long = await ask(`Hồ sơ hưởng trợ cấp mai táng gồm những gì? ${'xin hỏi thêm '.repeat(400)}`);
    expect(long.text).toContain('Tin nhắn dài hơn 4000 ký tự');
    expect((await app.log.get(long.answerId!))!.question.length).toBeLessThanOrEqual(1000);
  });
});

describe('the expert escalation loop', () => {
  it('question → ticket → expert notified → answer → relayed to the same chat → approved → answered from the curated store', async () => {
    const now = new Date().toISOString();
    const expert = await app.stores.users.add(
      { channel: 'test', channelUserId: 'e-1', chatId: 'expert-chat', displayName: 'Anh Minh (Sở Nội vụ)', role: 'expert', topics: ['*'] },
      now,
    );
    const admin = await app.stores.users.add({ channel: 'test', channelUserId: 'a-1', chatId: 'admin-chat', displayName: 'Quản trị', role: 'admin' }, now);
    const port = new RecordingPort();

    const question = 'Người có công mất ở nước ngoài thì thân nhân làm mai táng phí ở đâu?';
    const escalated = await ask(`hỏi chuyên gia: ${question}`);
    expect(escalated).toMatchObject({ stage: 'escalated', escalationReason: 'user_request' });
    const ticketId = escalated.ticket!;

    await app.escalation.processOutbox(port.router());
    const notification = port.sent.find((m) => m.kind === 'notify');
    expect(notification).toMatchObject({ channel: 'test', chatId: 'expert-chat', ticketId });
    expect(notification!.text).toContain(question);

    await app.escalation.claim(ticketId, expert.id);
    const expertAnswer = 'Thân nhân nộp bản khai Mẫu số 12 tại UBND xã nơi đang quản lý hồ sơ người có công; giấy báo tử do cơ quan có thẩm quyền nước sở tại cấp cần được hợp pháp hóa lãnh sự.';
    await app.escalation.answer(ticketId, expert.id, expertAnswer);
    await app.escalation.processOutbox(port.router());
    const relay = port.sent.find((m) => m.kind === 'relay');
    expect(relay).toMatchObject({ channel: 'test', chatId: 'chat-1', ticketId });
    expect(relay!.text).toContain(expertAnswer);
    expect((await app.escalation.getTicket(ticketId))!.status).toBe('relayed');

    const curated = await app.escalation.approve(ticketId, admin.id);
    expect(curated.answer).toBe(expertAnswer);

    const again = await ask('người có công mất ở nước ngoài thì thân nhân làm mai táng phí ở đâu', { ...official, chatId: 'chat-9' });
    expect(again.stage).toBe('curated');
    expect(again.text).toContain(expertAnswer);
    expect(again.text).toContain('Anh Minh (Sở Nội vụ)');
    expect(again.confidence).toBeGreaterThanOrEqual(0.85);
    expect((await app.stores.curated.get(curated.id))!.hits).toBe(1);

    // A different question does not get the curated answer.
    const other = await ask('Hồ sơ hưởng trợ cấp thờ cúng liệt sĩ gồm những gì?', { ...official, chatId: 'chat-9' });
    expect(other.stage).toBe('retrieval');
  });

  it('relays exactly once after a crash between the answer and the relay', async () => {
    const now = new Date().toISOString();
    const expert = await app.stores.users.add({ channel: 'test', channelUserId: 'e-1', chatId: 'expert-chat', displayName: 'Chuyên gia', role: 'expert', topics: ['*'] }, now);
    const escalated = await ask('hỏi chuyên gia: trường hợp đặc biệt về hồ sơ liệt sĩ');
    await app.escalation.answer(escalated.ticket!, expert.id, 'Trả lời của chuyên gia.');
    // The process dies here: the relay is in the outbox, nothing was sent.
    await app.close();

    const restarted = await createApp(app.config);
    app = restarted;
    const port = new RecordingPort();
    await restarted.escalation.recoverInFlight();
    await restarted.escalation.processOutbox(port.router());
    await restarted.escalation.processOutbox(port.router());
    const relays = port.sent.filter((m) => m.kind === 'relay');
    expect(relays).toHaveLength(1);
    expect(relays[0]).toMatchObject({ chatId: 'chat-1', ticketId: escalated.ticket });
    expect((await restarted.escalation.getTicket(escalated.ticket!))!.status).toBe('relayed');
    expect(dataDir).toBeTruthy();
  });

  it('stores feedback, and "not helpful" hands the question to an expert', async () => {
    const reply = await ask('Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?');
    const thanks = await app.assistant.feedback(reply.answerId!, 'helpful', official);
    expect(thanks.text).toContain('Cảm ơn');
    const unhelpful = await app.assistant.feedback(reply.answerId!, 'unhelpful', official);
    expect(unhelpful.stage).toBe('escalated');
    const ticket = await app.escalation.getTicket(unhelpful.ticket!);
    expect(ticket).toMatchObject({ reason: 'unhelpful_feedback', question: 'Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?' });
    expect(await app.log.feedbackFor(reply.answerId!)).toEqual([{ value: 'unhelpful', userId: 'u-1' }]);
    const twice = await app.assistant.feedback(reply.answerId!, 'expert', official);
    expect(twice.text).toContain(`phiếu số #${unhelpful.ticket}`);
  });
});

describe('per-user rate limit', () => {
  it('refuses questions beyond the configured rate with a polite wait message, per user', async () => {
    const limited = await createTestApp({ QUESTIONS_PER_MINUTE: '3' });
    try {
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await limited.app.assistant.handle({ asker: official, text: 'trợ cấp thờ cúng liệt sĩ bao nhiêu' }));
      expect(results.slice(0, 3).every((r) => r.stage === 'retrieval')).toBe(true);
      expect(results[3]).toMatchObject({ stage: 'refused' });
      expect(results[3]!.text).toMatch(/đợi khoảng \d+ giây/);
      const other = await limited.app.assistant.handle({ asker: { ...official, userId: 'u-2', chatId: 'chat-2' }, text: 'trợ cấp thờ cúng liệt sĩ bao nhiêu' });
      expect(other.stage).toBe('retrieval');
    } finally {
      await limited.cleanup();
    }
  });
});
