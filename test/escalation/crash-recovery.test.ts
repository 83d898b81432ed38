import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundPort, SendResult } from '../../src/escalation/outbound-port.js';
import type { OutboundMessage } from '../../src/escalation/types.js';
import { ASKER, disposeEnv, FakePort, openEnv, seedStaff, type Env, type Staff } from './harness.js';

let env: Env;
let staff: Staff;

beforeEach(async () => {
  env = await openEnv();
  staff = await seedStaff(env.stores, env.clock.iso());
});

afterEach(() => disposeEnv(env));

/** Closes the database as a crash would leave it, and opens a new Database and service on the same file. */
async function restart(): Promise<Env> {
  await env.db.close();
  env = await openEnv({}, { root: env.root, clock: env.clock });
  return env;
}

async function answeredTicket(): Promise<number> {
  const ticket = await env.service.createTicket({ asker: ASKER, question: 'Mai táng phí?', topic: 'mai-tang', reason: 'low_confidence' });
  await env.service.processOutbox(new FakePort()); // the notifications
  await env.service.answer(ticket.id, staff.maiTang.id, 'Bằng 10 lần lương cơ sở.');
  return ticket.id;
}

const relayStatus = async (ticketId: number) => (await env.stores.outbox.list({ ticketId, kind: 'relay' }))[0]?.status;

describe('crash recovery', () => {
  it('delivers a relay committed before a crash exactly once after restart', async () => {
    const id = await answeredTicket();
    await restart(); // the outbox was never processed

    expect(await relayStatus(id)).toBe('pending');
    expect(await env.service.recoverInFlight()).toBe(0);
    const port = new FakePort();
    expect(await env.service.processOutbox(port)).toMatchObject({ sent: 1 });
    expect(await env.service.processOutbox(port)).toMatchObject({ claimed: 0, sent: 0 });
    expect(port.deliveredOf('relay')).toHaveLength(1);
    expect(port.delivered).toHaveLength(1);
    const ticket = await env.service.getTicket(id);
    expect(ticket!.status).toBe('relayed');
    expect(ticket!.events.filter((e) => e.action === 'relayed')).toHaveLength(1);
  });

  it("recovers a message a crashed process left in 'sending', and sends it once", async () => {
    const id = await answeredTicket();
    let entered!: () => void;
    const inSend = new Promise<void>((resolve) => (entered = resolve));
    const hanging: OutboundPort = {
      send: () => {
        entered();
        return new Promise<SendResult>(() => undefined); // the process dies while the platform call is in flight
      },
    };
    void env.service.processOutbox(hanging);
    await inSend;
    expect(await relayStatus(id)).toBe('sending');
    await restart();

    expect(await relayStatus(id)).toBe('sending');
    const port = new FakePort();
    expect((await env.service.processOutbox(port)).claimed).toBe(0); // 'sending' is not claimed again…
    expect(await env.service.recoverInFlight()).toBe(1); // …until recovered at start-up
    expect(await relayStatus(id)).toBe('pending');
    expect(await env.service.processOutbox(port)).toMatchObject({ claimed: 1, sent: 1 });
    expect(await env.service.processOutbox(port)).toMatchObject({ claimed: 0 });
    expect(await env.service.recoverInFlight()).toBe(0);
    expect(port.deliveredOf('relay')).toHaveLength(1);
    expect((await env.service.getTicket(id))!.status).toBe('relayed');
  });

  it('is at-least-once: a crash after the platform accepted, before the mark, sends again (documented window)', async () => {
    const id = await answeredTicket();
    const deliveries: OutboundMessage[] = [];
    const dying: OutboundPort = {
      send: async (message) => {
        deliveries.push(message); // the platform accepted it…
        await env.db.close(); // …and the process died before writing 'sent'
        return { ok: true };
      },
    };
    await expect(env.service.processOutbox(dying)).rejects.toThrow(/closed/i);
    env = await openEnv({}, { root: env.root, clock: env.clock });

    expect(await relayStatus(id)).toBe('sending');
    expect(await env.service.recoverInFlight()).toBe(1);
    const port = new FakePort();
    await env.service.processOutbox(port);
    expect([...deliveries, ...port.delivered].map((m) => m.id)).toEqual([deliveries[0]!.id, deliveries[0]!.id]);
    expect(port.delivered[0]).toEqual(deliveries[0]); // same id: an adapter can de-duplicate on it
    expect((await env.service.getTicket(id))!.status).toBe('relayed');
  });

  it('keeps the claim of a slow send renewed, so a running recovery leaves it alone; a claim that ran out is taken back', async () => {
    await env.db.close();
    env = await openEnv({ claimRenewMs: 5 }, { root: env.root, clock: env.clock });
    const id = await answeredTicket();
    const leaseOf = async () => (await env.db.get<{ lease_until: string }>("SELECT lease_until FROM outbox WHERE ticket_id = ? AND kind = 'relay'", [id]))!.lease_until;
    let claimedLease = '';
    const slow: OutboundPort = {
      send: async () => {
        claimedLease = await leaseOf();
        // 40 s pass while the platform call lasts (the lease is 30 s): the renewals move the lease on.
        env.clock.advance(40_000);
        while ((await leaseOf()) <= claimedLease || Date.parse(await leaseOf()) <= env.clock.ms) await new Promise((resolve) => setTimeout(resolve, 5));
        expect(await env.service.recoverAbandonedSends()).toBe(0);
        return { ok: true };
      },
    };
    await env.service.processOutbox(slow);
    expect(Date.parse(claimedLease)).toBe(env.clock.ms - 40_000 + 30_000);
    expect(await relayStatus(id)).toBe('sent');

    // A claim nobody renews (its instance died mid-send) is taken back once it has run out, not before.
    const again = await env.service.createTicket({ asker: ASKER, question: 'Trợ cấp thờ cúng?', topic: 'mai-tang', reason: 'low_confidence' });
    const [claimed] = await env.stores.outbox.claimDue(env.clock.iso(), 1);
    expect(claimed?.ticketId).toBe(again.id);
    env.clock.advance(29_000);
    expect(await env.service.recoverAbandonedSends()).toBe(0);
    env.clock.advance(2_000);
    expect(await env.service.recoverAbandonedSends()).toBe(1);
  });
});
