import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChannelRouter, type OutboundPort } from '../../src/escalation/outbound-port.js';
import type { OutboundMessage } from '../../src/escalation/types.js';
import { ASKER, disposeEnv, FakePort, MINUTE, openEnv, PERMANENT, RETRYABLE, seedStaff, type Env, type Staff } from './harness.js';

let env: Env;
let staff: Staff;

beforeEach(async () => {
  env = await openEnv(); // backoff(n) = n minutes, maxAttempts 5
  staff = await seedStaff(env.stores, env.clock.iso());
});

afterEach(() => disposeEnv(env));

/** A ticket answered by the mai-tang expert, its notifications already delivered: only the relay is left. */
async function answeredTicket(port: OutboundPort = new FakePort()): Promise<number> {
  const ticket = await env.service.createTicket({ asker: ASKER, question: 'Mai táng phí bao nhiêu?', topic: 'mai-tang', reason: 'low_confidence' });
  await env.service.processOutbox(port);
  await env.service.answer(ticket.id, staff.maiTang.id, 'Mức mai táng phí bằng 10 lần lương cơ sở.');
  return ticket.id;
}

const relayRow = async (ticketId: number) => (await env.stores.outbox.list({ ticketId, kind: 'relay' }))[0]!;
const actions = async (ticketId: number) => (await env.service.getTicket(ticketId))!.events.map((e) => e.action);

describe('relay delivery', () => {
  it('retries a retryable failure with backoff, then delivers once', async () => {
    const { service, clock } = env;
    const id = await answeredTicket();
    const port = new FakePort().script('relay', RETRYABLE, RETRYABLE);

    expect(await service.processOutbox(port)).toEqual({ claimed: 1, sent: 0, retried: 1, failed: 0 });
    expect(await relayRow(id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'ETIMEDOUT',
      nextAttemptAt: new Date(clock.ms + 1 * MINUTE).toISOString(),
    });
    expect((await service.processOutbox(port)).claimed).toBe(0); // not due yet

    clock.advance(MINUTE);
    expect(await service.processOutbox(port)).toMatchObject({ claimed: 1, retried: 1 });
    expect(await relayRow(id)).toMatchObject({ attempts: 2, nextAttemptAt: new Date(clock.ms + 2 * MINUTE).toISOString() });

    clock.advance(MINUTE);
    expect((await service.processOutbox(port)).claimed).toBe(0);
    clock.advance(MINUTE);
    expect(await service.processOutbox(port)).toEqual({ claimed: 1, sent: 1, retried: 0, failed: 0 });
    expect(await service.processOutbox(port)).toEqual({ claimed: 0, sent: 0, retried: 0, failed: 0 });

    expect(port.attempts.filter((m) => m.kind === 'relay')).toHaveLength(3);
    expect(port.deliveredOf('relay')).toHaveLength(1);
    expect(await relayRow(id)).toMatchObject({ status: 'sent', attempts: 3, sentAt: clock.iso() });
    expect((await relayRow(id)).lastError).toBeUndefined();
    const ticket = await service.getTicket(id);
    expect(ticket).toMatchObject({ status: 'relayed', relayedAt: clock.iso() });
    expect(ticket!.events.filter((e) => e.action === 'relayed').map((e) => e.detail)).toEqual([
      { outboxId: (await relayRow(id)).id, attempts: 3 },
    ]);
  });

  it('honours the retryAfterMs the platform asks for', async () => {
    const { service, clock } = env;
    const id = await answeredTicket();
    const port = new FakePort().script('relay', { ok: false, retryable: true, error: '429 Too Many Requests', retryAfterMs: 37 * MINUTE });

    await service.processOutbox(port);
    expect(await relayRow(id)).toMatchObject({ attempts: 1, nextAttemptAt: new Date(clock.ms + 37 * MINUTE).toISOString() });
    clock.advance(36 * MINUTE);
    expect((await service.processOutbox(port)).claimed).toBe(0);
    clock.advance(MINUTE);
    expect((await service.processOutbox(port)).sent).toBe(1);
    expect(port.deliveredOf('relay')).toHaveLength(1);
  });

  it('parks a relay as relay_pending after a non-retryable failure, and delivers it when the asker writes again', async () => {
    const { service } = env;
    const id = await answeredTicket();
    const port = new FakePort().script('relay', PERMANENT);

    expect(await service.processOutbox(port)).toEqual({ claimed: 1, sent: 0, retried: 0, failed: 1 });
    expect(await relayRow(id)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'chat not found' });
    expect((await service.getTicket(id))!.status).toBe('relay_pending');
    expect((await service.processOutbox(port)).claimed).toBe(0);

    expect(await service.deliverPendingFor('telegram', 'some-other-chat')).toBe(0);
    expect(await service.deliverPendingFor('zalo', ASKER.chatId)).toBe(0);
    expect(await service.deliverPendingFor(ASKER.channel, ASKER.chatId)).toBe(1);
    expect(await relayRow(id)).toMatchObject({ status: 'pending', attempts: 0 });

    expect((await service.processOutbox(port)).sent).toBe(1);
    expect(port.deliveredOf('relay')).toHaveLength(1);
    expect((await service.getTicket(id))!.status).toBe('relayed');
    expect(await actions(id)).toEqual(['created', 'notified', 'answered', 'relay_failed', 'relay_requeued', 'relayed']);
    expect(await service.deliverPendingFor(ASKER.channel, ASKER.chatId)).toBe(0); // nothing left to re-enable
  });

  it('gives up after maxAttempts retryable failures, and requeueRelay brings the relay back', async () => {
    const { service, clock } = env;
    const id = await answeredTicket();
    const port = new FakePort().script('relay', RETRYABLE, RETRYABLE, RETRYABLE, RETRYABLE, RETRYABLE);
    for (let i = 0; i < 5; i++) {
      await service.processOutbox(port);
      clock.advance(10 * MINUTE);
    }
    expect(await relayRow(id)).toMatchObject({ status: 'failed', attempts: 5 });
    expect((await service.getTicket(id))!.status).toBe('relay_pending');

    await expect(service.requeueRelay(9999)).rejects.toMatchObject({ code: 'not_found' });
    expect(await service.requeueRelay(id, `user:${staff.admin.id}`)).toBe(1);
    expect((await service.processOutbox(port)).sent).toBe(1);
    expect((await service.getTicket(id))!.status).toBe('relayed');
    expect(port.deliveredOf('relay')).toHaveLength(1);
    expect(port.attempts.filter((m) => m.kind === 'relay')).toHaveLength(6);
  });

  it('brings a back-off-delayed relay forward when the asker writes again', async () => {
    const { service } = env;
    const id = await answeredTicket();
    const port = new FakePort().script('relay', { ok: false, retryable: true, error: 'flood', retryAfterMs: 3_600_000 });
    await service.processOutbox(port);
    expect((await service.processOutbox(port)).claimed).toBe(0);
    expect(await service.deliverPendingFor(ASKER.channel, ASKER.chatId)).toBe(1);
    expect(await relayRow(id)).toMatchObject({ status: 'pending', attempts: 1 }); // still counts its attempt
    expect((await service.processOutbox(port)).sent).toBe(1);
  });

  it('counts a port that throws as a retryable failure', async () => {
    const id = await answeredTicket();
    const throwing: OutboundPort = {
      send: async () => {
        throw new Error('socket hang up');
      },
    };
    expect(await env.service.processOutbox(throwing)).toMatchObject({ retried: 1 });
    expect(await relayRow(id)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'socket hang up' });
  });

  it('records a notification that could not be delivered, leaving the ticket open', async () => {
    const ticket = await env.service.createTicket({ asker: ASKER, question: 'Trợ cấp?', topic: 'tro-cap', reason: 'ambiguous' });
    const port = new FakePort().script('notify', PERMANENT);
    expect(await env.service.processOutbox(port)).toMatchObject({ failed: 1 });
    const got = await env.service.getTicket(ticket.id);
    expect(got!.status).toBe('open');
    expect(got!.events.at(-1)).toMatchObject({
      action: 'notify_failed',
      detail: { kind: 'notify', channel: 'zalo', chatId: 'zchat-3', error: 'chat not found' },
    });
  });

  it('respects the limit and delivers in due order', async () => {
    for (const q of ['Một?', 'Hai?', 'Ba?']) {
      await env.service.createTicket({ asker: ASKER, question: q, topic: 'tro-cap', reason: 'ambiguous' });
    }
    const port = new FakePort();
    expect(await env.service.processOutbox(port, { limit: 2 })).toMatchObject({ claimed: 2, sent: 2 });
    expect(await env.service.processOutbox(port, { limit: 2 })).toMatchObject({ claimed: 1, sent: 1 });
    expect(port.delivered.map((m) => m.ticketId)).toEqual([1, 2, 3]);
  });
});

describe('one relay per ticket', () => {
  it('refuses a second answer and never enqueues a second relay', async () => {
    const { service } = env;
    const id = await answeredTicket();
    await expect(service.answer(id, staff.both.id, 'Một câu trả lời khác.')).rejects.toMatchObject({
      code: 'duplicate',
      message: `Câu hỏi #${id} đã được trả lời.`,
    });
    // Even written around the service, the dedup key refuses a copy.
    const copy = await env.stores.outbox.enqueue({
      ticketId: id,
      channel: ASKER.channel,
      chatId: ASKER.chatId,
      kind: 'relay',
      text: 'bản sao',
      dedupKey: `relay:${id}`,
      createdAt: env.clock.iso(),
    });
    expect(copy).toBeUndefined();
    await expect(
      env.db.run("INSERT INTO outbox (channel, chat_id, kind, text, status, next_attempt_at, created_at, dedup_key) VALUES ('telegram', 'x', 'relay', 't', 'pending', '', '', ?)", [
        `relay:${id}`,
      ]),
    ).rejects.toThrow(/UNIQUE/);

    const port = new FakePort();
    await service.processOutbox(port);
    await service.processOutbox(port);
    expect(port.deliveredOf('relay')).toHaveLength(1);
    expect((await service.getTicket(id))!.answer).toBe('Mức mai táng phí bằng 10 lần lương cơ sở.');
  });

  it('lets exactly one of two concurrent answers through', async () => {
    const ticket = await env.service.createTicket({ asker: ASKER, question: 'Mai táng?', topic: 'mai-tang', reason: 'ambiguous' });
    const results = await Promise.allSettled([
      env.service.answer(ticket.id, staff.maiTang.id, 'Trả lời A'),
      env.service.answer(ticket.id, staff.both.id, 'Trả lời B'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await env.stores.outbox.list({ ticketId: ticket.id, kind: 'relay' })).toHaveLength(1);
    expect((await actions(ticket.id)).filter((a) => a === 'answered')).toHaveLength(1);
  });
});

describe('ChannelRouter', () => {
  const message: OutboundMessage = { id: 1, channel: 'zalo', chatId: 'z', kind: 'notify', text: 'xin chào' };

  it('dispatches by channel and reports a missing adapter as retryable', async () => {
    const telegram = new FakePort();
    const router = new ChannelRouter().register('telegram', telegram);
    expect(await router.send(message)).toEqual({ ok: false, retryable: true, error: 'no adapter for channel zalo' });
    const zalo = new FakePort();
    router.register('zalo', zalo);
    expect(await router.send(message)).toEqual({ ok: true });
    expect(zalo.delivered).toEqual([message]);
    expect(telegram.attempts).toEqual([]);
    const broken: OutboundPort = {
      send: () => Promise.reject(new Error('boom')),
    };
    router.register('zalo', broken);
    expect(await router.send(message)).toEqual({ ok: false, retryable: true, error: 'boom' });
  });

  it('keeps a relay for a channel that is not up yet as relay_pending, then delivers it', async () => {
    const { service, clock } = env;
    const telegram = new FakePort();
    const router = new ChannelRouter().register('zalo', new FakePort());
    const id = await answeredTicket(router); // notifications to the telegram experts wait too
    for (let i = 0; i < 5; i++) {
      await service.processOutbox(router);
      clock.advance(10 * MINUTE);
    }
    expect((await service.getTicket(id))!.status).toBe('relay_pending');
    expect((await relayRow(id)).lastError).toBe('no adapter for channel telegram');

    router.register('telegram', telegram);
    await service.deliverPendingFor(ASKER.channel, ASKER.chatId);
    await service.processOutbox(router);
    expect(telegram.deliveredOf('relay')).toHaveLength(1);
    expect((await service.getTicket(id))!.status).toBe('relayed');
  });
});
