import { describe, expect, it } from 'vitest';
import type { User } from '../../src/escalation/types.js';
import { matchesAudience, normalizeAudience, selectAudience } from '../../src/notices/audience.js';
import { reportedState } from '../../src/notices/delivery-report.js';
import { followUpText, noticeText } from '../../src/notices/messages.js';

const user = (over: Partial<User>): User => ({
  id: 1,
  channel: 'telegram',
  channelUserId: '1',
  chatId: '1',
  displayName: 'Chị An',
  role: 'official',
  topics: [],
  approved: true,
  active: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('the audience of a notice', () => {
  it('defaults to officials and narrows by topic (an expert’s * covers all), commune (any case) and channel', () => {
    const audience = normalizeAudience({ topics: [' Mai-Tang '], communes: ['xã tân phú'], channels: ['zalo-oa'] });
    expect(audience).toEqual({ roles: ['official'], topics: ['mai-tang'], communes: ['xã tân phú'], channels: ['zalo-oa'] });
    const oa = user({ channel: 'zalo-oa', commune: 'Xã Tân Phú', topics: ['mai-tang'] });
    expect(matchesAudience(oa, audience)).toBe(true);
    expect(matchesAudience({ ...oa, channel: 'telegram' }, audience)).toBe(false);
    expect(matchesAudience({ ...oa, commune: 'Xã Hòa An' }, audience)).toBe(false);
    expect(matchesAudience({ ...oa, commune: undefined }, audience)).toBe(false);
    expect(matchesAudience({ ...oa, topics: ['liet-si'] }, audience)).toBe(false);
    expect(matchesAudience({ ...oa, role: 'expert', topics: ['*'] }, { ...audience, roles: ['expert'] })).toBe(true);
    expect(matchesAudience({ ...oa, role: 'expert' }, audience)).toBe(false);
  });

  it('leaves out who turned notices off, who is inactive, and console-only users', () => {
    const { recipients, excluded } = selectAudience(
      [user({ id: 1 }), user({ id: 2, noticesOff: true }), user({ id: 3, approved: false }), user({ id: 4, channel: 'web', chatId: 'console:a@b.vn' })],
      normalizeAudience({}),
    );
    expect(recipients.map((u) => u.id)).toEqual([1]);
    expect(excluded.map((e) => [e.user.id, e.why])).toEqual([[2, 'notices_off'], [3, 'inactive'], [4, 'no_chat']]);
  });
});

describe('the texts', () => {
  it('tells each channel how to stop notices', () => {
    expect(noticeText('Hạn nộp', 'Trước 15/9.', 'zalo-bot')).toBe('📢 Thông báo: Hạn nộp\nTrước 15/9.\n\n(Không muốn nhận thông báo? Gõ /tatthongbao; gõ /batthongbao để nhận lại.)');
    expect(noticeText('Hạn nộp', 'Trước 15/9.', 'web')).toContain('Bấm “Tắt nhận thông báo”');
  });

  it('gives each answer its own new content when they differ, and clips long questions', () => {
    const text = followUpText(
      [
        { askedAt: '2026-03-11T18:30:00.000Z', question: 'Mức mai táng phí?', newContent: '25 triệu đồng.' },
        { askedAt: '2026-03-20T03:00:00.000Z', question: `Hỏi ${'rất dài '.repeat(40)}` },
      ],
      'Nghị định mới.',
      'Theo Nghị định 55/2026/NĐ-CP.',
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('Các câu trả lời sau đã thay đổi do Nghị định mới:');
    expect(lines[1]).toBe('- Câu trả lời ngày 12/03/2026 về “Mức mai táng phí?”. Nội dung mới: 25 triệu đồng.'); // 01:30 in Hà Nội
    expect(lines[2]).toMatch(/^- Câu trả lời ngày 20\/03\/2026 về “Hỏi rất dài .{100,}…”\. Nội dung mới: Theo Nghị định 55\/2026\/NĐ-CP\.$/u);
    expect(lines[2]!.length).toBeLessThan(260);
  });

  it('reports a Zalo OA refusal as pending until the user writes, and other refusals as failed', () => {
    expect(reportedState('zalo-oa', 'failed')).toEqual({ state: 'pending', waiting: true });
    expect(reportedState('telegram', 'failed')).toEqual({ state: 'failed', waiting: false });
    expect(reportedState('telegram', 'sending')).toEqual({ state: 'pending', waiting: false });
    expect(reportedState('web', 'sent')).toEqual({ state: 'sent', waiting: false });
  });
});
