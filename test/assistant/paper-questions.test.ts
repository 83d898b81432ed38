import { describe, expect, it } from 'vitest';
import { NOTHING_READ_REPLY, PaperQuestions } from '../../src/assistant/paper-questions.js';
import type { AnswerSearcher, KnowledgeSource } from '../../src/assistant/ports.js';
import type { AssistantReply, IncomingMessage } from '../../src/assistant/types.js';

const asker = { channel: 'test', chatId: 'c1', userId: 'u1' };
const DEATH_NOTICE = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nGIẤY BÁO TỬ\nÔng Nguyễn Văn Bình, sinh năm 1948, thương binh, từ trần ngày 12/3/2026 tại xã Tân Phú';

function fakes() {
  const asked: IncomingMessage[] = [];
  const searched: string[] = [];
  const assistant = {
    async handle(message: IncomingMessage): Promise<AssistantReply> {
      asked.push(message);
      return { stage: 'retrieval', text: 'Câu trả lời.', body: 'Câu trả lời.', brief: 'Ngắn.', citations: [], warnings: [], confidence: 0.9, offerFeedback: true, answerId: 7 };
    },
  };
  const searcher = {
    async search(query: string) {
      searched.push(query);
      return { hits: [{ passage: { citation: 'Thủ tục hưởng trợ cấp mai táng › Thành phần hồ sơ', meta: { doc_type: 'huong-dan' } } }], expandedQuery: query };
    },
  } as unknown as AnswerSearcher;
  const kb: KnowledgeSource = { searcher: async () => searcher };
  return { papers: new PaperQuestions({ assistant, kb }), asked, searched };
}

describe('PaperQuestions', () => {
  it('asks the caption with the paper’s kind and domain concepts beside it — not its names, dates or places — and names the paper', async () => {
    const { papers, asked } = fakes();
    const file = { bytes: new Uint8Array([1]), mimeType: 'image/png', fileName: 'a.png' };
    const reply = await papers.answer({ asker, question: 'Gia đình được hưởng gì?', text: DEATH_NOTICE, file, sourceKey: 'test:1' });
    expect(asked).toHaveLength(1);
    expect(asked[0]!.text).toBe('Gia đình được hưởng gì?');
    expect(asked[0]!.sourceKey).toBe('test:1');
    expect(asked[0]!.paper?.attachment).toBe(file);
    const terms = asked[0]!.paper!.searchTerms;
    expect(terms).toContain('giấy báo tử');
    for (const detail of ['Bình', '1948', '12/3/2026', 'Tân Phú']) expect(terms).not.toContain(detail);
    expect(reply.text.startsWith('📄 Giấy bạn gửi có vẻ là giấy báo tử.\n\nCâu trả lời.')).toBe(true);
    expect(reply.brief).toBe('📄 Giấy bạn gửi có vẻ là giấy báo tử.\n\nNgắn.');
    expect(reply.answerId).toBe(7);
  });

  it('without a question says what the paper is and where it belongs, and asks what the user wants to know', async () => {
    const { papers, asked, searched } = fakes();
    const reply = await papers.answer({ asker, question: '  ', text: DEATH_NOTICE });
    expect(asked).toHaveLength(0);
    expect(searched[0]).toContain('giấy báo tử');
    expect(reply.text).toContain('giấy báo tử');
    expect(reply.text).toContain('Thủ tục hưởng trợ cấp mai táng');
    expect(reply.text).toContain('Bạn muốn hỏi gì về giấy này?');
  });

  it('says nothing of the kind when unsure, and asks for a clearer photo when nothing was read', async () => {
    const { papers } = fakes();
    const unsure = await papers.answer({ asker, question: 'Nộp ở đâu?', text: 'Trang 3 — tiếp theo phần trên, các thành viên gia đình' });
    expect(unsure.text).toBe('Câu trả lời.');
    expect((await papers.answer({ asker, question: 'Nộp ở đâu?', text: ' ~ . ' })).text).toBe(NOTHING_READ_REPLY);
  });
});
