import { afterEach, describe, expect, it } from 'vitest';
import { person, postUpdate, privateChat, startTelegramHarness, TEST_SECRET, textUpdate, type TelegramHarness } from '../helpers/telegram-emulator.js';

let h: TelegramHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

const lan = person(424242, 'Lan');

describe('polling mode', () => {
  it('removes any webhook, answers an update from getUpdates once, and stops cleanly', async () => {
    h = await startTelegramHarness({ mode: 'polling' });
    const { emulator, adapter } = h;
    expect(adapter.router).toBeUndefined();
    expect(emulator.callsOf('deleteWebhook')).toHaveLength(1);
    expect(emulator.callsOf('setWebhook')).toHaveLength(0);
    // No webhook route in polling mode.
    expect((await postUpdate(h.url, textUpdate({ chat: privateChat(lan), from: lan, text: 'x' }), { secret: TEST_SECRET })).status).toBe(404);

    const update = textUpdate({ chat: privateChat(lan), from: lan, text: 'Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?' });
    emulator.queueUpdate(update);
    emulator.queueUpdate(update); // a re-delivery of the same update_id
    const answer = await emulator.waitFor(() => emulator.messagesTo(lan.id)[0]);
    expect(answer.plain).toContain('Mẫu số 12');
    expect(answer.text).toMatch(/<i>Căn cứ: /);
    await h.deps.background.idle();

    // The runner confirmed the update with the next offset.
    await emulator.waitFor(() => emulator.callsOf('getUpdates').some((c) => c.payload.offset === update.update_id + 1));
    const polls = emulator.callsOf('getUpdates');
    expect(polls[0]!.payload).toMatchObject({ timeout: 1, allowed_updates: ['message', 'callback_query'] });

    await adapter.stop();
    const afterStop = emulator.callsOf('getUpdates').length;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(emulator.callsOf('getUpdates').length).toBe(afterStop);
    expect(emulator.messagesTo(lan.id)).toHaveLength(1);
    expect(await h.questionCount()).toBe(1);

    // An update queued after stop() is not taken.
    emulator.queueUpdate(textUpdate({ chat: privateChat(lan), from: lan, text: 'còn thời hạn giải quyết?' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(emulator.messagesTo(lan.id)).toHaveLength(1);
  });
});
