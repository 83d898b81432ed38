import { afterEach, describe, expect, it } from 'vitest';
import { buttonsOf, callbackUpdate, person, privateChat, startTelegramHarness, textUpdate, type TelegramHarness } from '../helpers/telegram-emulator.js';

const lan = person(424242, 'Lan');
const mallory = person(666666, 'Mallory');
const QUESTION = 'Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?';

let h: TelegramHarness;
afterEach(async () => {
  await h.close();
});

describe('feedback on someone else\'s answer', () => {
  it('refuses "ask an expert" sent with another chat\'s answer id: no ticket in the other asker\'s name, no feedback stored', async () => {
    h = await startTelegramHarness();
    await h.deliverAndSettle(textUpdate({ chat: privateChat(lan), from: lan, text: QUESTION }));
    await h.deliverAndSettle(textUpdate({ chat: privateChat(mallory), from: mallory, text: QUESTION }));
    const [lansAnswer] = h.emulator.messagesTo(lan.id);
    const [mallorysAnswer] = h.emulator.messagesTo(mallory.id);
    const lansAnswerId = /^fb:(\d+):/u.exec(buttonsOf(lansAnswer)[0]!)![1]!;

    // Mallory presses a button under her own answer, with the data rewritten to Lan's answer.
    await h.deliverAndSettle(callbackUpdate({ from: mallory, message: mallorysAnswer!.message, data: `fb:${lansAnswerId}:e` }));
    await h.deliverAndSettle(callbackUpdate({ from: mallory, message: mallorysAnswer!.message, data: `fb:${lansAnswerId}:u` }));
    expect(await h.app.escalation.listTickets()).toEqual([]);
    expect(await h.app.db.all('SELECT id FROM feedback')).toEqual([]);
    expect(h.emulator.messagesTo(lan.id)).toHaveLength(1);

    // Lan herself can.
    await h.deliverAndSettle(callbackUpdate({ from: lan, message: lansAnswer!.message, data: `fb:${lansAnswerId}:e` }));
    expect(await h.app.escalation.listTickets()).toHaveLength(1);
  });
});
