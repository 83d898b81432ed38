import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import {
  approveData,
  claimData,
  escapeHtml,
  feedbackData,
  formatHtml,
  renderHtmlParts,
  splitText,
  TELEGRAM_TEXT_LIMIT,
  toSendResult,
} from '../../src/channels/telegram/index.js';
import { ticketIdOfNotification, withoutBotMention } from '../../src/channels/telegram/filters.js';
import { askerFrom } from '../../src/channels/telegram/identity.js';
import { entitiesOf, parseTelegramHtml, TEST_BOT_INFO } from '../helpers/telegram-emulator.js';

/** Every part is valid Telegram HTML within the limit; returns what the user would read. */
function readParts(parts: string[]): string[] {
  return parts.map((html) => {
    const parsed = parseTelegramHtml(html);
    if ('error' in parsed) throw new Error(`invalid HTML part: ${parsed.error}\n${html.slice(0, 200)}`);
    expect(parsed.plain.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(parsed.plain.trim().length).toBeGreaterThan(0);
    return parsed.plain;
  });
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('HTML rendering', () => {
  it('escapes user and document text: & < > and quotes', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; \'y\'');
    // Already-escaped looking text is escaped again: the user typed it literally.
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });

  it('puts the 📌 title in bold and the "Căn cứ:" lines in italics, everything escaped', () => {
    const html = formatHtml('📌 Thủ tục <mai táng> & hồ sơ\n\nNội dung <b>không</b> phải thẻ\n\nCăn cứ: Nghị định 131/2021/NĐ-CP › Điều 5 & 6\nNguồn: https://x.vn/?a=1&b=2');
    expect(html).toBe(
      '<b>📌 Thủ tục &lt;mai táng&gt; &amp; hồ sơ</b>\n\nNội dung &lt;b&gt;không&lt;/b&gt; phải thẻ\n\n<i>Căn cứ: Nghị định 131/2021/NĐ-CP › Điều 5 &amp; 6</i>\nNguồn: https://x.vn/?a=1&amp;b=2',
    );
    expect(parseTelegramHtml(html)).not.toHaveProperty('error');
    // A first line that is not a title stays plain unless asked.
    expect(formatHtml('Câu hỏi mới #3\nx')).toBe('Câu hỏi mới #3\nx');
    expect(formatHtml('Câu hỏi mới #3\nx', { boldFirstLine: true })).toBe('<b>Câu hỏi mới #3</b>\nx');
  });

  it('splits a long answer on paragraph boundaries into valid parts that keep every word', () => {
    const paragraph = (n: number) => `Khoản ${n}. ${'Hồ sơ gồm bản khai <Mẫu số 12> & giấy báo tử; '.repeat(12)}`.trim();
    const text = ['📌 Thủ tục hưởng trợ cấp mai táng', ...Array.from({ length: 16 }, (_, i) => paragraph(i + 1)), 'Căn cứ: Nghị định 131/2021/NĐ-CP & 55/2023/NĐ-CP'].join('\n\n');
    expect(text.length).toBeGreaterThan(2 * TELEGRAM_TEXT_LIMIT);

    const parts = renderHtmlParts(text);
    expect(parts.length).toBe(3);
    const read = readParts(parts);
    expect(squash(read.join(' '))).toBe(squash(text));
    expect(parts[0]).toMatch(/^<b>📌 Thủ tục hưởng trợ cấp mai táng<\/b>\n\n/);
    expect(parts.at(-1)).toMatch(/<i>Căn cứ: Nghị định 131\/2021\/NĐ-CP &amp; 55\/2023\/NĐ-CP<\/i>$/);
    // Cut between paragraphs, not inside one.
    for (const part of read) expect(part).toMatch(/(^📌|^Khoản \d+\.)[\s\S]*(giấy báo tử;|NĐ-CP)$/);
    expect(parts.join('')).not.toMatch(/&(?!lt;|gt;|amp;|quot;)/);
  });

  it('falls back to lines, then words, then a hard cut that never splits a surrogate pair', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `dòng ${i} ${'chữ '.repeat(5)}`.trim()).join('\n');
    const byLine = splitText(lines, 1000);
    expect(byLine.length).toBeGreaterThan(1);
    for (const part of byLine) {
      expect(part.length).toBeLessThanOrEqual(1000);
      expect(part).toMatch(/^dòng \d+/);
      expect(part).toMatch(/chữ$/);
    }
    expect(byLine.join('\n')).toBe(lines);

    const words = Array.from({ length: 500 }, (_, i) => `từ${i}`).join(' ');
    const byWord = splitText(words, 100);
    for (const part of byWord) {
      expect(part.length).toBeLessThanOrEqual(100);
      expect(part).toMatch(/^từ\d+( từ\d+)*$/);
    }
    expect(byWord.join(' ')).toBe(words);

    const emoji = '😀'.repeat(60); // 120 UTF-16 units, no spaces
    const cut = splitText(emoji, 51);
    expect(cut.join('')).toBe(emoji);
    for (const part of cut) {
      expect(part.length).toBeLessThanOrEqual(51);
      expect(part).toMatch(/^(😀)+$/u);
    }
  });

  it('escaping after splitting keeps tags and entities whole even when the text is full of < > &', () => {
    const nasty = Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? '<script>&' : i % 3 === 1 ? '"a&b"' : 'x>y')).join(' ');
    const parts = renderHtmlParts(`📌 ${nasty}`);
    expect(parts.length).toBeGreaterThan(1);
    const read = readParts(parts);
    expect(squash(read.join(' '))).toBe(squash(`📌 ${nasty}`));
    // The HTML is longer than the limit, but Telegram counts the text after parsing.
    expect(parts[0]!.length).toBeGreaterThan(TELEGRAM_TEXT_LIMIT);
  });

  it('short texts are one part; empty text is none', () => {
    expect(renderHtmlParts('Xin chào')).toEqual(['Xin chào']);
    expect(renderHtmlParts('  \n ')).toEqual([]);
  });
});

describe('callback data', () => {
  it('round-trips and refuses anything else', () => {
    expect(feedbackData.encode(42, 'unhelpful')).toBe('fb:42:u');
    expect(feedbackData.parse('fb:42:u')).toEqual({ answerId: 42, value: 'unhelpful' });
    expect(feedbackData.parse('fb:42:e')).toEqual({ answerId: 42, value: 'expert' });
    expect(feedbackData.parse('fb:0:h')).toBeUndefined();
    expect(feedbackData.parse('fb:42:x')).toBeUndefined();
    expect(claimData.parse(claimData.encode(7))).toEqual({ ticketId: 7 });
    expect(approveData.parse('approve:7')).toEqual({ ticketId: 7 });
    expect(approveData.parse('claim:7')).toBeUndefined();
    expect(() => claimData.encode(-1)).toThrow();
    expect(Buffer.byteLength(feedbackData.encode(999_999_999_999_999, 'expert'))).toBeLessThanOrEqual(64);
  });
});

describe('identity and addressing', () => {
  it('builds the asker from the platform ids', () => {
    expect(askerFrom({ id: -100 }, { id: 42, is_bot: false, first_name: 'Lan', last_name: 'Nguyễn' })).toEqual({
      channel: 'telegram',
      chatId: '-100',
      userId: '42',
      displayName: 'Lan Nguyễn',
    });
    expect(askerFrom({ id: 1 }, { id: 1, is_bot: false, first_name: ' ', username: 'lan_xa' })?.displayName).toBe('@lan_xa');
    expect(askerFrom({ id: 1 }, { id: 2, is_bot: true, first_name: 'Bot' })).toBeUndefined();
  });

  it('strips the mention of the bot from a group message', () => {
    const text = `@${TEST_BOT_INFO.username} hồ sơ mai táng gồm gì? cc @someone_else`;
    expect(withoutBotMention({ text, entities: entitiesOf(text) }, TEST_BOT_INFO)).toBe('hồ sơ mai táng gồm gì? cc @someone_else');
  });

  it('finds the ticket number only in notifications and reminders', () => {
    expect(ticketIdOfNotification('Câu hỏi mới #12 cần chuyên gia trả lời\nNgười hỏi: …')).toBe(12);
    expect(ticketIdOfNotification('Nhắc việc: câu hỏi #7 đã chờ 4 giờ mà chưa có câu trả lời.')).toBe(7);
    expect(ticketIdOfNotification('Tôi đã ghi nhận yêu cầu (phiếu số #12).')).toBeUndefined();
    expect(ticketIdOfNotification(undefined)).toBeUndefined();
  });
});

describe('send errors → outbox results', () => {
  const grammyError = (error_code: number, description: string, parameters = {}) =>
    new GrammyError('call failed', { ok: false, error_code, description, parameters }, 'sendMessage', {});

  it('429 waits as Telegram asks; 5xx, 401 and network errors retry; other 4xx give up', () => {
    expect(toSendResult(grammyError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }))).toMatchObject({ retryable: true, retryAfterMs: 7000 });
    expect(toSendResult(grammyError(502, 'Bad Gateway'))).toMatchObject({ retryable: true });
    expect(toSendResult(grammyError(500, 'Internal Server Error')).retryAfterMs).toBeUndefined();
    expect(toSendResult(grammyError(401, 'Unauthorized'))).toMatchObject({ retryable: true });
    expect(toSendResult(grammyError(400, 'Bad Request: chat not found'))).toMatchObject({ retryable: false, error: 'telegram 400: Bad Request: chat not found' });
    expect(toSendResult(grammyError(403, 'Forbidden: bot was blocked by the user'))).toMatchObject({ retryable: false });
    expect(toSendResult(new HttpError('Network request failed', new Error('ECONNRESET')))).toMatchObject({ retryable: true });
  });
});
