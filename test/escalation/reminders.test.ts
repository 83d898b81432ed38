import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { duration } from '../../src/escalation/messages.js';
import { ASKER, disposeEnv, FakePort, HOUR, MINUTE, openEnv, seedStaff, type Env, type Staff } from './harness.js';

let env: Env;
let staff: Staff;

beforeEach(async () => {
  env = await openEnv(); // reminderAfterMs: 4 h
  staff = await seedStaff(env.stores, env.clock.iso());
});

afterEach(() => disposeEnv(env));

const reminders = async (ticketId: number) =>
  (await env.stores.outbox.list({ ticketId, kind: 'reminder' })).map((m) => `${m.channel}/${m.chatId}`);

describe('reminders for overdue tickets', () => {
  it('reminds the experts of an unanswered ticket once per period', async () => {
    const { service, clock } = env;
    const ticket = await service.createTicket({ asker: ASKER, question: 'Mai táng phí?', topic: 'mai-tang', reason: 'low_confidence' });

    clock.advance(4 * HOUR - 1);
    expect(await service.remindOverdue()).toEqual({ tickets: [], messages: 0 });
    expect(await service.listOverdue()).toEqual([]);

    clock.advance(1);
    expect((await service.listOverdue()).map((t) => t.id)).toEqual([ticket.id]);
    expect(await service.remindOverdue()).toEqual({ tickets: [ticket.id], messages: 2 });
    expect((await reminders(ticket.id)).sort()).toEqual(['telegram/chat-2', 'telegram/chat-4']);
    expect((await service.getTicket(ticket.id))!.lastRemindedAt).toBe(clock.iso());

    clock.advance(HOUR);
    expect(await service.remindOverdue()).toEqual({ tickets: [], messages: 0 }); // reminded within the period
    expect((await service.listOverdue()).map((t) => t.id)).toEqual([ticket.id]); // still overdue for the admin

    clock.advance(3 * HOUR);
    expect(await service.remindOverdue()).toEqual({ tickets: [ticket.id], messages: 2 });
    expect(await reminders(ticket.id)).toHaveLength(4);

    const events = (await service.getTicket(ticket.id))!.events.filter((e) => e.action === 'reminded');
    expect(events.map((e) => e.detail)).toEqual([
      { experts: [staff.maiTang.id, staff.both.id], waitedMs: 4 * HOUR },
      { experts: [staff.maiTang.id, staff.both.id], waitedMs: 8 * HOUR },
    ]);

    const port = new FakePort();
    await service.processOutbox(port);
    const text = port.deliveredOf('reminder')[0]!.text;
    expect(text).toContain(`Nhắc việc: câu hỏi #${ticket.id} đã chờ 4 giờ mà chưa có câu trả lời.`);
    expect(text).toContain(`/traloi ${ticket.id}`);
  });

  it('reminds only the assigned expert, and stops once the ticket is answered', async () => {
    const { service, clock } = env;
    const ticket = await service.createTicket({ asker: ASKER, question: 'Mai táng phí?', topic: 'mai-tang', reason: 'ambiguous' });
    await service.claim(ticket.id, staff.both.id);
    clock.advance(5 * HOUR);
    expect(await service.remindOverdue()).toEqual({ tickets: [ticket.id], messages: 1 });
    expect(await reminders(ticket.id)).toEqual(['telegram/chat-4']);

    await service.answer(ticket.id, staff.both.id, 'Đã có câu trả lời.');
    clock.advance(5 * HOUR);
    expect(await service.remindOverdue()).toEqual({ tickets: [], messages: 0 });
    expect(await service.listOverdue()).toEqual([]);
  });

  it('falls back to the topic experts when the assigned expert is no longer active', async () => {
    const { service, clock } = env;
    const ticket = await service.createTicket({ asker: ASKER, question: 'Mai táng phí?', topic: 'mai-tang', reason: 'ambiguous' });
    await service.claim(ticket.id, staff.maiTang.id);
    await env.stores.users.update(staff.maiTang.id, { active: false }, clock.iso());
    clock.advance(4 * HOUR);
    await service.remindOverdue();
    expect(await reminders(ticket.id)).toEqual(['telegram/chat-4']);
  });

  it('words durations in Vietnamese', () => {
    expect(duration(45 * MINUTE)).toBe('45 phút');
    expect(duration(5 * HOUR + 30 * MINUTE)).toBe('5 giờ 30 phút');
    expect(duration(51 * HOUR)).toBe('2 ngày 3 giờ');
    expect(duration(48 * HOUR)).toBe('2 ngày');
  });
});
