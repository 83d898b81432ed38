import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ASKER, disposeEnv, FakePort, HOUR, openEnv, seedStaff, type Env, type Staff } from './harness.js';

let env: Env;
let staff: Staff;

beforeEach(async () => {
  env = await openEnv();
  staff = await seedStaff(env.stores, env.clock.iso());
});

afterEach(() => disposeEnv(env));

describe('approving an expert answer as a curated answer', () => {
  it('records the question, the edited answer, who answered and when, who approved and when', async () => {
    const { service, clock } = env;
    const ticket = await service.createTicket({
      asker: ASKER,
      question: 'Hồ sơ hưởng trợ cấp mai táng gồm những gì?',
      topic: 'mai-tang',
      reason: 'low_confidence',
    });
    clock.advance(HOUR);
    const answered = await service.answer(ticket.id, staff.maiTang.id, 'Tờ khai và giấy chứng tử.');
    await service.processOutbox(new FakePort());
    clock.advance(24 * HOUR);

    await expect(service.approve(ticket.id, staff.maiTang.id)).rejects.toMatchObject({
      code: 'forbidden',
      message: 'Chỉ quản trị viên mới được duyệt câu trả lời.',
    });
    await expect(service.approve(ticket.id, staff.official.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(service.approve(ticket.id, staff.admin.id, '   ')).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await env.stores.curated.listActive()).toEqual([]);

    const curated = await service.approve(ticket.id, staff.admin.id, 'Hồ sơ gồm: tờ khai (Mẫu 01), giấy chứng tử.');
    expect(curated).toEqual({
      id: curated.id,
      question: 'Hồ sơ hưởng trợ cấp mai táng gồm những gì?',
      answer: 'Hồ sơ gồm: tờ khai (Mẫu 01), giấy chứng tử.',
      sourceTicketId: ticket.id,
      expertId: staff.maiTang.id,
      answeredAt: answered.answeredAt,
      approvedBy: staff.admin.id,
      approvedAt: clock.iso(),
      topic: 'mai-tang',
      hits: 0,
      active: true,
      updatedAt: clock.iso(),
    });
    expect(answered.answeredAt).not.toBe(clock.iso());
    const event = (await service.getTicket(ticket.id))!.events.at(-1)!;
    expect(event).toMatchObject({ action: 'approved', actor: `user:${staff.admin.id}`, detail: { curatedAnswerId: curated.id, edited: true } });

    // Approving again (unedited) replaces the same curated answer instead of adding one.
    clock.advance(HOUR);
    const again = await service.approve(ticket.id, staff.admin.id);
    expect(again).toMatchObject({ id: curated.id, answer: 'Tờ khai và giấy chứng tử.', approvedAt: clock.iso() });
    expect(await env.stores.curated.listActive()).toHaveLength(1);

    await env.stores.curated.recordHit(curated.id);
    expect((await env.stores.curated.get(curated.id))!.hits).toBe(1);
  });

  it('refuses a ticket without an expert answer, or an unknown ticket', async () => {
    const ticket = await env.service.createTicket({ asker: ASKER, question: 'Câu hỏi?', reason: 'ambiguous' });
    await expect(env.service.approve(ticket.id, staff.admin.id)).rejects.toMatchObject({ code: 'invalid_state' });
    await env.service.close(ticket.id, staff.admin.id);
    await expect(env.service.approve(ticket.id, staff.admin.id, 'Tự viết')).rejects.toMatchObject({ code: 'invalid_state' });
    await expect(env.service.approve(4242, staff.admin.id)).rejects.toMatchObject({ code: 'not_found' });
    expect(await env.stores.curated.listActive()).toEqual([]);
  });

  it('accepts an answered ticket that was closed afterwards', async () => {
    const ticket = await env.service.createTicket({ asker: ASKER, question: 'Câu hỏi?', topic: 'tro-cap', reason: 'ambiguous' });
    await env.service.answer(ticket.id, staff.troCap.id, 'Câu trả lời.');
    await env.service.close(ticket.id, 'system');
    const curated = await env.service.approve(ticket.id, staff.admin.id);
    expect(curated).toMatchObject({ answer: 'Câu trả lời.', expertId: staff.troCap.id, approvedBy: staff.admin.id });
  });
});
