import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { ChunkedSender, splitText } from '../../src/channels/text-split.js';
import { renderReply, toZaloText } from '../../src/channels/zalo-bot/conversation.js';
import { verifyZaloEvent, zaloEventMac } from '../../src/channels/zalo-oa/signature.js';
import type { SendResult } from '../../src/escalation/outbound-port.js';
import { createTestApp } from '../helpers/app-fixture.js';
import { oaSignature } from '../helpers/zalo-oa-emulator.js';

const squash = (s: string) => s.replace(/\s+/gu, ' ').trim();

describe('splitText', () => {
  it('leaves a short text whole and drops empty input', () => {
    expect(splitText('  Xin chào!  ', 2000)).toEqual(['Xin chào!']);
    expect(splitText(' \n ', 2000)).toEqual([]);
  });

  it('cuts at a paragraph break, else a line break, else a space, never above the limit', () => {
    const para = (n: number) => `Đoạn ${n}: ${'chữ '.repeat(20).trim()}`; // 90 characters
    const text = [para(1), para(2), para(3)].join('\n\n');
    expect(splitText(text, 190)).toEqual([`${para(1)}\n\n${para(2)}`, para(3)]);

    const lines = [para(1), para(2), para(3)].join('\n');
    expect(splitText(lines, 150)).toEqual([para(1), para(2), para(3)]);

    const words = 'một hai ba bốn năm sáu bảy tám chín mười';
    const pieces = splitText(words, 12);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(12);
    expect(pieces.join(' ')).toBe(words);
  });

  it('prefers a later line break to an early paragraph break', () => {
    const text = `${'a'.repeat(20)}\n\n${'b'.repeat(60)}\n${'c'.repeat(50)}`;
    expect(splitText(text, 100)).toEqual([`${'a'.repeat(20)}\n\n${'b'.repeat(60)}`, 'c'.repeat(50)]);
  });

  it('cuts a word longer than the limit without splitting an emoji', () => {
    const text = `${'x'.repeat(9)}📌${'y'.repeat(5)}`;
    const pieces = splitText(text, 10);
    expect(pieces).toEqual(['x'.repeat(9), `📌${'y'.repeat(5)}`]);
    expect(() => splitText('abc', 1)).toThrow(RangeError);
  });

  it('keeps every character of a long mixed text, in order', () => {
    const text = Array.from({ length: 200 }, (_, i) => (i % 7 === 0 ? `\n\nMục ${i}.` : `câu số ${i} có dấu tiếng Việt;`)).join(' ');
    const pieces = splitText(text, 300);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(300);
    expect(squash(pieces.join(' '))).toBe(squash(text));
  });
});

describe('ChunkedSender', () => {
  it('resumes an outbox message at the first piece that did not arrive', async () => {
    const arrived: string[] = [];
    const script: SendResult[] = [{ ok: true }, { ok: false, retryable: true, error: '429' }];
    const sender = new ChunkedSender(
      async (_chat, text) => {
        const result = script.shift() ?? { ok: true };
        if (result.ok) arrived.push(text);
        return result;
      },
      { limit: 10 },
    );
    const text = 'aaaa bbbb cccc dddd';
    expect(await sender.send('c', text, 7)).toMatchObject({ ok: false, retryable: true });
    expect(await sender.send('c', text, 7)).toEqual({ ok: true });
    expect(arrived).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(await sender.send('c', text, 7)).toEqual({ ok: true }); // a new attempt after success starts over
    expect(arrived).toHaveLength(4);
  });
});

describe('Zalo text', () => {
  let app: App;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ app, cleanup } = await createTestApp());
  });
  afterAll(() => cleanup());

  it('reduces Markdown to plain text and keeps emoji, blank lines and "Căn cứ:" lines', () => {
    const md = '## Hồ sơ\n\n**Thành phần:**\n* Bản khai `Mẫu số 12`\n* Xem [Nghị định](https://example.vn/nd)\n\n\n\n📌 Ghi chú\nCăn cứ: Nghị định 131/2021/NĐ-CP, Điều 121';
    expect(toZaloText(md)).toBe(
      'Hồ sơ\n\nThành phần:\n- Bản khai Mẫu số 12\n- Xem Nghị định (https://example.vn/nd)\n\n📌 Ghi chú\nCăn cứ: Nghị định 131/2021/NĐ-CP, Điều 121',
    );
  });

  it('splits a real answer so the title opens the first piece and no "Căn cứ:" line is cut', async () => {
    const reply = await app.assistant.handle({
      asker: { channel: 'zalo-bot', chatId: 'unit', userId: 'unit' },
      text: 'Hồ sơ hưởng trợ cấp mai táng cho người có công gồm những gì?',
    });
    // The whole reply, as /chitiet sends it.
    const text = renderReply({ ...reply, brief: undefined }, true);
    const pieces = splitText(text, 400);
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces[0]!.startsWith('👉 ')).toBe(true);
    const sourceLines = text.split('\n').filter((line) => line.startsWith('Căn cứ:'));
    expect(sourceLines.length).toBeGreaterThan(0);
    for (const line of sourceLines) expect(pieces.some((p) => p.split('\n').includes(line))).toBe(true);
    expect(squash(pieces.join(' '))).toBe(squash(text));
  });
});

describe('Zalo OA event signature', () => {
  const secret = 'oa-secret-xyz';

  it('is sha256(app_id + raw body + timestamp + OA secret), as the emulator computes it independently', () => {
    const raw = '{"app_id":"4100000000000000001","timestamp":"1767225602789","event_name":"user_send_text"}';
    const mac = zaloEventMac('4100000000000000001', Buffer.from(raw), '1767225602789', secret);
    expect(mac).toBe(oaSignature('4100000000000000001', raw, '1767225602789', secret));
    expect(verifyZaloEvent(Buffer.from(raw), mac.toUpperCase().replace('MAC=', 'mac='), secret)).toEqual({
      appId: '4100000000000000001',
      timestamp: '1767225602789',
      depth: 1,
    });
  });

  it('takes a numeric app_id as written, not as JSON.parse rounds it', () => {
    const raw = '{"app_id":4100000000000000001,"timestamp":1767225602789,"event_name":"follow"}';
    const mac = oaSignature('4100000000000000001', raw, '1767225602789', secret);
    expect(verifyZaloEvent(Buffer.from(raw), mac, secret)).toEqual({ appId: '4100000000000000001', timestamp: '1767225602789', depth: 1 });
    expect(verifyZaloEvent(Buffer.from(raw), undefined, secret)).toBeUndefined();
  });

  it('reads the top-level app_id and timestamp, not same-named members nested deeper', () => {
    const raw = '{"message":{"timestamp":"1","app_id":"2","x":[{"timestamp":"3"}]},"app_id":"41","timestamp":"1767225602789"}';
    expect(verifyZaloEvent(Buffer.from(raw), oaSignature('41', raw, '1767225602789', secret), secret)).toEqual({ appId: '41', timestamp: '1767225602789', depth: 4 });
    // Signed over nested members (not what Zalo signs): refused.
    expect(verifyZaloEvent(Buffer.from(raw), oaSignature('2', raw, '1', secret), secret)).toBeUndefined();
    expect(verifyZaloEvent(Buffer.from(raw), oaSignature('41', raw, '3', secret), secret)).toBeUndefined();
  });
});
