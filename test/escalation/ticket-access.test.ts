import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseExpertCommand, runExpertCommand } from '../../src/channels/expert-commands.js';
import type { Ticket, User } from '../../src/escalation/types.js';
import { ASKER, disposeEnv, openEnv, seedStaff, type Env, type Staff } from './harness.js';

/*
 * Issue 15, point 6: experts see and act on the tickets of their topics only (admins on all); a ticket
 * another expert holds is answered or closed only by that expert or an admin; tickets nobody covers are
 * the admins'. Staff: admin; maiTang (mai-tang); troCap (tro-cap); both (mai-tang, bhyt).
 */

let env: Env;
let staff: Staff;
let maiTangTicket: Ticket;
let troCapTicket: Ticket;
let noTopicTicket: Ticket;

beforeEach(async () => {
  env = await openEnv();
  staff = await seedStaff(env.stores, env.clock.iso());
  maiTangTicket = await env.service.createTicket({ asker: ASKER, question: 'Mai táng phí bao nhiêu?', topic: 'mai-tang', reason: 'low_confidence' });
  troCapTicket = await env.service.createTicket({
    asker: { ...ASKER, displayName: 'Bà Tư', commune: 'Xã Nghĩa Hành' },
    question: 'Trợ cấp hằng tháng của thương binh?',
    topic: 'tro-cap',
    reason: 'low_confidence',
  });
  noTopicTicket = await env.service.createTicket({ asker: ASKER, question: 'Ai trả lời câu này?', reason: 'user_request' });
});

afterEach(() => disposeEnv(env));

/** Everything an action could change about a ticket. */
async function stateOf(id: number) {
  return {
    ticket: await env.stores.tickets.get(id),
    events: (await env.stores.tickets.events(id)).length,
    relays: await env.stores.outbox.list({ ticketId: id, kind: 'relay' }),
  };
}

const ids = (tickets: readonly Ticket[]) => tickets.map((t) => t.id);

describe('an expert stays in their topics', () => {
  it('lists and shows an expert only the tickets of their topics; an admin all of them', async () => {
    expect(ids(await env.service.listTicketsFor(staff.maiTang.id))).toEqual([maiTangTicket.id]);
    expect(ids(await env.service.listTicketsFor(staff.troCap.id))).toEqual([troCapTicket.id]);
    expect(ids(await env.service.listTicketsFor(staff.admin.id))).toEqual([maiTangTicket.id, troCapTicket.id, noTopicTicket.id]);
    expect(ids(await env.service.listTicketsFor(staff.official.id))).toEqual([]);
    expect(await env.service.getTicketFor(staff.maiTang.id, troCapTicket.id)).toBeUndefined();
    expect(await env.service.getTicketFor(staff.maiTang.id, noTopicTicket.id)).toBeUndefined();
    expect(await env.service.getTicketFor(staff.troCap.id, troCapTicket.id)).toMatchObject({ id: troCapTicket.id });
    expect(await env.service.getTicketFor(staff.admin.id, noTopicTicket.id)).toMatchObject({ id: noTopicTicket.id });
    expect(await env.service.ticketTopicsFor(staff.maiTang.id)).toEqual(['mai-tang']);
    expect(await env.service.ticketTopicsFor(staff.admin.id)).toEqual(['mai-tang', 'tro-cap']);
    // Filters still apply within the scope.
    expect(await env.service.listTicketsFor(staff.maiTang.id, { topic: 'tro-cap' })).toEqual([]);
  });

  it('refuses an expert who claims, answers or closes a ticket of another topic, and changes nothing', async () => {
    const before = await stateOf(troCapTicket.id);
    const refusal = { code: 'forbidden', message: `Câu hỏi #${troCapTicket.id} không thuộc lĩnh vực bạn phụ trách.` };
    await expect(env.service.claim(troCapTicket.id, staff.maiTang.id)).rejects.toMatchObject(refusal);
    await expect(env.service.answer(troCapTicket.id, staff.maiTang.id, 'Trả lời lấn sân.')).rejects.toMatchObject(refusal);
    await expect(env.service.close(troCapTicket.id, staff.maiTang.id)).rejects.toMatchObject(refusal);
    expect(await stateOf(troCapTicket.id)).toEqual(before);
    // An unrouted ticket is the admins' (and nobody's without a topic covering it).
    await expect(env.service.answer(noTopicTicket.id, staff.both.id, 'Trả lời.')).rejects.toMatchObject({ code: 'forbidden' });
    // The expert of the topic can.
    await env.service.answer(troCapTicket.id, staff.troCap.id, 'Mức trợ cấp theo Nghị định 55/2023.');
    expect((await env.stores.tickets.get(troCapTicket.id))!.status).toBe('answered');
  });

  it('gives an expert with no topics nothing, and one with "*" every ticket', async () => {
    const none = await env.stores.users.add({ channel: 'telegram', channelUserId: 'tg-7', chatId: 'chat-7', displayName: 'Chưa Giao', role: 'expert' }, env.clock.iso());
    const all = await env.stores.users.add(
      { channel: 'telegram', channelUserId: 'tg-8', chatId: 'chat-8', displayName: 'Tổng Hợp', role: 'expert', topics: ['*'] },
      env.clock.iso(),
    );
    expect(await env.service.listTicketsFor(none.id)).toEqual([]);
    await expect(env.service.claim(maiTangTicket.id, none.id)).rejects.toMatchObject({ code: 'forbidden' });
    expect(ids(await env.service.listTicketsFor(all.id))).toEqual([maiTangTicket.id, troCapTicket.id, noTopicTicket.id]);
    await env.service.answer(noTopicTicket.id, all.id, 'Trả lời chung.');
    expect((await env.stores.tickets.get(noTopicTicket.id))!.status).toBe('answered');
  });

  it('keeps a ticket visible to the expert who holds it after their topics change', async () => {
    await env.service.claim(maiTangTicket.id, staff.maiTang.id);
    await env.stores.users.update(staff.maiTang.id, { topics: ['bhyt'] }, env.clock.iso());
    expect(ids(await env.service.listTicketsFor(staff.maiTang.id))).toEqual([maiTangTicket.id]);
    await env.service.answer(maiTangTicket.id, staff.maiTang.id, 'Mười lần mức lương cơ sở.');
  });
});

describe('a ticket another expert holds', () => {
  it('is answered or closed only by the claimant or an admin; the asker gets the claimant’s answer', async () => {
    await env.service.claim(maiTangTicket.id, staff.maiTang.id);
    const before = await stateOf(maiTangTicket.id);
    // `both` covers mai-tang too, but Bình holds the ticket.
    await expect(env.service.answer(maiTangTicket.id, staff.both.id, 'Câu trả lời chen ngang.')).rejects.toMatchObject({
      code: 'forbidden',
      message: `Câu hỏi #${maiTangTicket.id} đang do chuyên gia Trần Thị Bình phụ trách; chỉ người đó hoặc quản trị viên mới được trả lời.`,
    });
    await expect(env.service.close(maiTangTicket.id, staff.both.id)).rejects.toMatchObject({
      code: 'forbidden',
      message: `Câu hỏi #${maiTangTicket.id} đang do chuyên gia Trần Thị Bình phụ trách; chỉ người đó hoặc quản trị viên mới được đóng.`,
    });
    await expect(env.service.claim(maiTangTicket.id, staff.both.id)).rejects.toMatchObject({
      message: `Câu hỏi #${maiTangTicket.id} đã được chuyên gia Trần Thị Bình nhận xử lý.`,
    });
    expect(await stateOf(maiTangTicket.id)).toEqual(before);

    // The claimant answers; the relay carries their answer, and another expert cannot close it afterwards.
    await env.service.answer(maiTangTicket.id, staff.maiTang.id, 'Mười lần mức lương cơ sở.');
    const [relay] = await env.stores.outbox.list({ ticketId: maiTangTicket.id, kind: 'relay' });
    expect(relay!.text).toContain('Chuyên gia Trần Thị Bình trả lời');
    expect(relay!.text).toContain('Mười lần mức lương cơ sở.');
    await expect(env.service.close(maiTangTicket.id, staff.both.id)).rejects.toMatchObject({ code: 'forbidden' });
    await env.service.close(maiTangTicket.id, staff.maiTang.id, 'Xong');
    expect((await env.stores.tickets.get(maiTangTicket.id))!.status).toBe('closed');
  });

  it('may be answered or closed by an admin', async () => {
    await env.service.claim(maiTangTicket.id, staff.maiTang.id);
    await env.service.answer(maiTangTicket.id, staff.admin.id, 'Quản trị viên trả lời thay.');
    const answered = await env.service.getTicket(maiTangTicket.id);
    expect(answered).toMatchObject({ status: 'answered', expertId: staff.admin.id });
    expect(answered!.events.at(-1)).toMatchObject({ action: 'answered', detail: { expertId: staff.admin.id, previousExpertId: staff.maiTang.id } });
    const other = await env.service.createTicket({ asker: ASKER, question: 'Mai táng phí ở đâu?', topic: 'mai-tang', reason: 'ambiguous' });
    await env.service.claim(other.id, staff.both.id);
    await env.service.close(other.id, staff.admin.id, 'Trùng câu hỏi');
    expect((await env.stores.tickets.get(other.id))!.status).toBe('closed');
  });
});

describe('chat commands (/nhan, /traloi) follow the same rules', () => {
  const run = (text: string, who: User) =>
    runExpertCommand(parseExpertCommand(text)!, { channel: who.channel, userId: who.channelUserId }, { escalation: env.service, users: env.stores.users });

  it('refuses an expert of another topic and an expert when another holds the ticket, in Vietnamese', async () => {
    const before = await stateOf(troCapTicket.id);
    expect(await run(`/nhan ${troCapTicket.id}`, staff.maiTang)).toBe(`Câu hỏi #${troCapTicket.id} không thuộc lĩnh vực bạn phụ trách.`);
    expect(await run(`/traloi ${troCapTicket.id} Trả lời lấn sân`, staff.maiTang)).toBe(`Câu hỏi #${troCapTicket.id} không thuộc lĩnh vực bạn phụ trách.`);
    expect(await stateOf(troCapTicket.id)).toEqual(before);

    expect(await run(`/nhan ${maiTangTicket.id}`, staff.maiTang)).toContain(`Bạn đã nhận xử lý phiếu #${maiTangTicket.id}`);
    expect(await run(`/traloi ${maiTangTicket.id} Câu trả lời chen ngang`, staff.both)).toBe(
      `Câu hỏi #${maiTangTicket.id} đang do chuyên gia Trần Thị Bình phụ trách; chỉ người đó hoặc quản trị viên mới được trả lời.`,
    );
    expect(await env.stores.outbox.list({ ticketId: maiTangTicket.id, kind: 'relay' })).toEqual([]);
    expect(await run(`/traloi ${maiTangTicket.id} Mười lần mức lương cơ sở.`, staff.admin)).toContain('Đã ghi nhận câu trả lời');
    expect(await env.stores.tickets.get(maiTangTicket.id)).toMatchObject({ status: 'answered', expertId: staff.admin.id });
  });
});
