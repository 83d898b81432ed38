import { afterEach, describe, expect, it } from 'vitest';
import { EscalationService } from '../../src/escalation/escalation-service.js';
import { person, privateChat, startTelegramHarness, textUpdate, type TelegramHarness } from '../helpers/telegram-emulator.js';

const lan = person(424242, 'Lan');
const binh = person(515151, 'Bình');
const QUESTION = 'Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?';

let h: TelegramHarness;
afterEach(async () => {
  await h.close();
});

describe('Telegram unreachable for one chat for a while', () => {
  it('keeps the answer in the outbox through connection resets and 5xx, delivers it once Telegram is back, and serves other chats meanwhile', async () => {
    h = await startTelegramHarness();
    h.emulator.failChat(lan.id, 'network', 'network', { code: 502 }, { code: 500 });

    await h.deliverAndSettle(textUpdate({ chat: privateChat(lan), from: lan, text: QUESTION }));
    expect(h.emulator.messagesTo(lan.id)).toEqual([]);
    const [queued] = await h.app.stores.outbox.list({ kind: 'answer' });
    expect(queued).toMatchObject({ channel: 'telegram', chatId: String(lan.id), status: 'pending' });

    // Another chat is answered at once while Lan's answer waits.
    await h.deliverAndSettle(textUpdate({ chat: privateChat(binh), from: binh, text: QUESTION }));
    expect(h.emulator.messagesTo(binh.id)).toHaveLength(1);

    // The outbox worker retries (no backoff here) until Telegram takes it: reset, 502, 500, then delivered.
    const worker = new EscalationService(h.app.stores, { backoff: () => 0 });
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await worker.processOutbox(h.router));
    expect(runs.map((r) => r.sent)).toEqual([0, 0, 0, 1, 0]);
    const answers = h.emulator.messagesTo(lan.id);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.plain).toContain('Mẫu số 12');
    expect(answers[0]!.plain).toContain('Căn cứ:');
    expect((await h.app.stores.outbox.list({ kind: 'answer' }))[0]).toMatchObject({ status: 'sent', attempts: 4 });
  });
});
