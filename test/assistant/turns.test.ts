import { describe, expect, it } from 'vitest';
import { TurnTaker } from '../../src/assistant/turns.js';
import { BackgroundWork } from '../../src/channels/background.js';
import type { UpdateInbox } from '../../src/storage/update-inbox.js';
import { UpdateIntake } from '../../src/channels/intake.js';
import { createLogger } from '../../src/logger.js';

/** Lets the event loop go round `n` times (each round polls for I/O and runs the immediates). */
async function loopRounds(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Long enough never to run out during a test: these tests check order, not time. */
const NEVER = 600_000;

describe('TurnTaker', () => {
  it('starts the steps one per turn, first come first served', async () => {
    const turns = new TurnTaker(NEVER);
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => turns.next().then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3]);
  });

  it('starts no step while held, and every waiting step once the last hold is released', async () => {
    const turns = new TurnTaker(NEVER);
    const first = turns.hold();
    const second = turns.hold();
    const started: number[] = [];
    const steps = [1, 2].map((n) => turns.next().then(() => started.push(n)));
    await loopRounds(10);
    expect(started).toEqual([]);
    first();
    first(); // releasing twice counts once
    await loopRounds(10);
    expect(started).toEqual([]);
    second();
    await Promise.all(steps);
    expect(started).toEqual([1, 2]);
  });

  it('does not let holds that never end stop the answering', async () => {
    const turns = new TurnTaker(5);
    turns.hold();
    let started = false;
    await turns.next().then(() => (started = true));
    expect(started).toBe(true);
    // Once the hold has outlasted its time, later steps do not wait for it either.
    await turns.next();
  });
});

describe('UpdateIntake with a burst of deliveries', () => {
  it('answers nothing while a delivery is still being stored, so the burst is acknowledged first', async () => {
    const stored = new Map<string, () => void>();
    const inbox: UpdateInbox = {
      accept: (_channel, updateId) => new Promise<boolean>((resolve) => stored.set(updateId, () => resolve(true))),
      done: async () => {},
      claimAbandoned: async () => [],
      renew: async () => [],
    };
    const handled: string[] = [];
    const background = new BackgroundWork();
    const intake = new UpdateIntake<string>(
      'test',
      { inbox, background, logger: createLogger('silent'), turns: new TurnTaker(NEVER) },
      async (update) => void handled.push(update),
    );
    const first = intake.take('1', 'first question');
    const second = intake.take('2', 'second question');
    await loopRounds(2);
    stored.get('1')!();
    expect(await first).toBe('accepted');
    await loopRounds(10);
    expect(handled).toEqual([]); // the second delivery is not stored and acknowledged yet
    stored.get('2')!();
    expect(await second).toBe('accepted');
    await background.idle();
    expect(handled).toEqual(['first question', 'second question']);
  });
});
