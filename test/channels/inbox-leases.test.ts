import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackgroundWork } from '../../src/channels/background.js';
import { InboxLeases } from '../../src/channels/inbox-leases.js';
import { UpdateIntake } from '../../src/channels/intake.js';
import { SqliteUpdateInbox } from '../../src/storage/sqlite/inbox-repository.js';
import { sourceKeyOf } from '../../src/storage/update-inbox.js';
import { createTestApp, type TestApp } from '../helpers/app-fixture.js';

/**
 * Two instances on one database, each with its own intake, inbox claimant and background work, over the
 * real assistant: A takes updates and "dies" (its handling never finishes, its lease is never renewed);
 * once the lease has run out, B's sweep takes them over once. What A had already answered and recorded
 * is sent again as recorded, never answered, logged or escalated a second time (the source keys).
 */

const LEASE = 30_000;
const ANSWERED = 'Hồ sơ hưởng trợ cấp mai táng cho người có công gồm những gì?';
const ESCALATED = 'Thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ?';
const NEVER_STARTED = 'Thân nhân liệt sĩ được hưởng trợ cấp tuất hằng tháng khi nào?';

interface Message {
  chatId: string;
  text: string;
}

interface Sent {
  instance: string;
  updateId: string;
  text: string;
  resumed: boolean;
}

let app: TestApp;
let cleanup: () => Promise<void>;
let clock: number;
const logger = pino({ level: 'silent' });

beforeEach(async () => {
  ({ app, cleanup } = await createTestApp());
  clock = Date.now();
});
afterEach(async () => {
  await cleanup();
});

/** One instance: its inbox object, its intake for channel "zalo-bot", its lease keeper. */
function instance(id: string, sent: Sent[], options: { hangBefore?: Set<string>; hangAfter?: boolean } = {}) {
  const inbox = new SqliteUpdateInbox(app.db, () => new Date(clock), { instanceId: id, leaseMs: LEASE });
  const background = new BackgroundWork(logger);
  const leases = new InboxLeases(logger);
  const intake = new UpdateIntake<Message>('zalo-bot', { inbox, background, logger, leases }, async (message, updateId, resumed) => {
    if (options.hangBefore?.has(updateId)) await new Promise(() => undefined);
    const reply = await app.assistant.handle({
      asker: { channel: 'zalo-bot', chatId: message.chatId, userId: message.chatId },
      text: message.text,
      sourceKey: sourceKeyOf('zalo-bot', updateId),
      resumed,
      rateLimited: false,
    });
    sent.push({ instance: id, updateId, text: reply.text, resumed });
    // Killed right after answering, before the update is marked done.
    if (options.hangAfter) await new Promise(() => undefined);
  });
  return { inbox, background, leases, intake };
}

const parse = (payload: unknown) => payload as Message;
const count = async (table: 'question_log' | 'tickets') => (await app.db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n;

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

describe('an update whose instance died is answered by another, once', () => {
  it('B takes over after the lease; what A had answered is re-sent as recorded, not answered, logged or escalated again', async () => {
    const sent: Sent[] = [];
    const b = instance('b', sent);
    // B is already running when A takes the updates (at B's own start there was nothing to take).
    expect(await b.intake.replayUnfinished(parse)).toBe(0);
    const a = instance('a', sent, { hangBefore: new Set(['u3']), hangAfter: true });
    expect(await a.intake.take('u1', { chatId: 'chat-1', text: ANSWERED })).toBe('accepted');
    expect(await a.intake.take('u2', { chatId: 'chat-2', text: ESCALATED })).toBe('accepted');
    expect(await a.intake.take('u3', { chatId: 'chat-3', text: NEVER_STARTED })).toBe('accepted');
    await until(() => sent.length === 2);
    expect([await count('question_log'), await count('tickets')]).toEqual([2, 1]);
    const answeredByA = new Map(sent.map((s) => [s.updateId, s.text]));
    expect(answeredByA.get('u2')).toMatch(/phiếu số #\d+/);

    // A re-delivery reaching B while A holds the updates is a duplicate; B's sweep leaves them to A.
    expect(await b.intake.take('u3', { chatId: 'chat-3', text: NEVER_STARTED })).toBe('duplicate');
    clock += LEASE - 1;
    expect(await b.leases.sweep()).toBe(0);

    clock += 1;
    expect(await b.leases.sweep()).toBe(3);
    await b.background.idle();
    const byB = sent.filter((s) => s.instance === 'b');
    expect(byB.map((s) => [s.updateId, s.resumed]).sort()).toEqual([
      ['u1', true],
      ['u2', true],
      ['u3', true],
    ]);
    expect(byB.find((s) => s.updateId === 'u1')!.text).toBe(answeredByA.get('u1'));
    expect(byB.find((s) => s.updateId === 'u2')!.text).toBe(answeredByA.get('u2'));
    expect(byB.find((s) => s.updateId === 'u3')!.text).toContain('liệt sĩ');
    // One question-log entry per update, one ticket.
    expect([await count('question_log'), await count('tickets')]).toEqual([3, 1]);

    // Done: never taken again, by anyone, however late.
    clock += 10 * LEASE;
    expect(await b.leases.sweep()).toBe(0);
    expect(await a.leases.sweep()).toBe(0);
    expect(await instance('c', sent).intake.replayUnfinished(parse)).toBe(0);
  });

  it('renews the leases of updates still being handled, so a slow answer is not taken over', async () => {
    const sent: Sent[] = [];
    const b = instance('b', sent);
    await b.intake.replayUnfinished(parse);
    let finish!: () => void;
    const slow = new Promise<void>((resolve) => (finish = resolve));
    const inbox = new SqliteUpdateInbox(app.db, () => new Date(clock), { instanceId: 'a', leaseMs: LEASE });
    const background = new BackgroundWork(logger);
    const leases = new InboxLeases(logger);
    const a = new UpdateIntake<Message>('zalo-bot', { inbox, background, logger, leases }, async (_message, updateId) => {
      await slow; // a slow LLM
      sent.push({ instance: 'a', updateId, text: 'xong', resumed: false });
    });
    await a.replayUnfinished(parse);
    await a.take('slow', { chatId: 'chat-9', text: ANSWERED });
    for (let i = 0; i < 4; i++) {
      clock += LEASE / 3;
      await leases.renew();
      expect(await b.leases.sweep()).toBe(0);
    }
    finish();
    await background.idle();
    clock += 2 * LEASE;
    expect(await b.leases.sweep()).toBe(0);
    expect(sent.map((s) => s.instance)).toEqual(['a']);
  });

  it('gives up an update whose handling failed too many times', async () => {
    let tries = 0;
    const inbox = new SqliteUpdateInbox(app.db, () => new Date(clock), { instanceId: 'a', leaseMs: LEASE });
    const background = new BackgroundWork(logger);
    const leases = new InboxLeases(logger);
    const intake = new UpdateIntake<Message>('zalo-bot', { inbox, background, logger, leases }, async () => {
      tries += 1;
      throw new Error('database or disk is full');
    });
    await intake.replayUnfinished(parse);
    await intake.take('poison', { chatId: 'chat-p', text: ANSWERED });
    await background.idle();
    for (let round = 0; round < 8; round++) {
      clock += LEASE;
      await leases.sweep();
      await background.idle();
    }
    expect(tries).toBe(5);
    expect(await inbox.claimAbandoned('zalo-bot', { atStart: true })).toEqual([]);
  });
});
