import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ticket, User } from '../../src/escalation/types.js';
import { WebAccountStore } from '../../src/web/console/index.js';
import { ADMIN, EXPERT, startWebServer, WebClient, type WebServer } from './web-fixture.js';

/*
 * Issue 15, points 6 and 12 in the console, over real HTTP on 127.0.0.1: an expert sees and acts on the
 * tickets of their topics only (others are a 404, as if they did not exist), a ticket another expert holds
 * cannot be answered or closed by them (403), an admin may do everything; the ticket log of a ticket no
 * expert covers says that nobody could be notified in a chat.
 */

let s: WebServer;
let admin: WebClient;
/** Trần Thị Hoa: expert of mai-tang (the fixture's expert). */
let hoa: WebClient;
/** Lý Văn Phúc: expert of mai-tang too. */
let phuc: WebClient;
let phucUser: User;
let maiTang: Ticket;
let troCap: Ticket;
let noTopic: Ticket;

const PHUC = { email: 'phuc@sonv.gov.vn', password: 'mat-khau-phuc-2026-dai' };

async function ticket(question: string, topic: string | undefined, name: string): Promise<Ticket> {
  return s.app.escalation.createTicket({
    asker: { channel: 'web', chatId: `visitor-${name}`, userId: `visitor-${name}`, displayName: name, commune: 'Xã Tịnh Sơn' },
    question,
    ...(topic && { topic }),
    reason: 'low_confidence',
  });
}

/** What any ticket action could change. */
async function stateOf(id: number) {
  return {
    ticket: await s.app.stores.tickets.get(id),
    events: await s.app.stores.tickets.events(id),
    outbox: await s.app.stores.outbox.list({ ticketId: id, kind: 'relay' }),
  };
}

beforeAll(async () => {
  s = await startWebServer({ expertTopics: ['mai-tang'] });
  const now = new Date().toISOString();
  phucUser = await s.app.stores.users.add(
    { channel: 'telegram', channelUserId: 'tg-phuc', chatId: 'tg-phuc', displayName: 'Lý Văn Phúc', role: 'expert', topics: ['mai-tang'] },
    now,
  );
  await new WebAccountStore(s.app.repos.webAccounts).create({ ...PHUC, role: 'expert', userId: phucUser.id }, now);
  admin = new WebClient(s.url);
  expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(303);
  hoa = new WebClient(s.url);
  expect((await hoa.login(EXPERT.email, EXPERT.password)).status).toBe(303);
  phuc = new WebClient(s.url);
  expect((await phuc.login(PHUC.email, PHUC.password)).status).toBe(303);
  maiTang = await ticket('Mai táng phí của người có công là bao nhiêu?', 'mai-tang', 'Ông Sáu');
  troCap = await ticket('Trợ cấp hằng tháng của thương binh 61%?', 'tro-cap', 'Bà Bảy');
  noTopic = await ticket('Câu hỏi chưa rõ lĩnh vực nào?', undefined, 'Chú Tám');
});

afterAll(async () => {
  await s?.stop();
});

describe('an expert in the console sees only the tickets of their topics', () => {
  it('lists only their topics’ tickets, and offers only their topics in the filter; an admin sees all', async () => {
    const list = await hoa.get('/console/tickets?status=all');
    expect(list.status).toBe(200);
    expect(list.text).toContain(`href="/console/tickets/${maiTang.id}"`);
    expect(list.text).toContain('Ông Sáu');
    for (const hidden of [troCap, noTopic]) expect(list.text).not.toContain(`href="/console/tickets/${hidden.id}"`);
    for (const name of ['Bà Bảy', 'Chú Tám', 'thương binh 61%', 'tro-cap']) expect(list.text).not.toContain(name);
    // Asking for another topic by URL shows nothing either.
    const filtered = await hoa.get('/console/tickets?status=all&topic=tro-cap');
    expect(filtered.text).not.toContain('Bà Bảy');
    expect(filtered.text).toContain('Không có phiếu nào phù hợp.');

    const all = await admin.get('/console/tickets?status=all');
    for (const t of [maiTang, troCap, noTopic]) expect(all.text).toContain(`href="/console/tickets/${t.id}"`);
  });

  it('answers 404 for the page of another topic’s ticket, or of one without a topic; 200 for an admin', async () => {
    for (const t of [troCap, noTopic]) {
      const page = await hoa.get(`/console/tickets/${t.id}`);
      expect(page.status).toBe(404);
      expect(page.text).not.toContain(t.question);
      expect(page.text).not.toContain(t.asker.displayName!);
    }
    expect((await hoa.get(`/console/tickets/${maiTang.id}`)).status).toBe(200);
    const page = await admin.get(`/console/tickets/${noTopic.id}`);
    expect(page.status).toBe(200);
    // Point 12: the log says nobody could be told in a chat (the only admin has the console only).
    expect(page.text).toContain('Chưa có chuyên gia phụ trách, không báo được ai qua tin nhắn');
    expect(page.text).toContain('vì: chưa xác định được lĩnh vực');
    expect(page.text).not.toContain('Báo chuyên gia');
  });

  it('answers 404 to claiming, answering or closing another topic’s ticket, and changes nothing', async () => {
    await hoa.get(`/console/tickets/${maiTang.id}`); // a CSRF token of her session
    const before = await stateOf(troCap.id);
    for (const [action, form] of [['claim', {}], ['answer', { answer: 'Trả lời lấn sân.' }], ['close', { note: 'Đóng hộ' }]] as const) {
      const res = await hoa.post(`/console/tickets/${troCap.id}/${action}`, form);
      expect(res.status, action).toBe(404);
    }
    expect(await stateOf(troCap.id)).toEqual(before);
    expect(await s.app.db.all("SELECT * FROM web_audit WHERE target = ? AND action LIKE 'ticket.%'", [`ticket:${troCap.id}`])).toEqual([]);
  });

  it('refuses the CSV export to an expert (it holds every topic)', async () => {
    expect((await hoa.get('/console/export/tickets.csv')).status).toBe(403);
  });
});

describe('a ticket another expert holds', () => {
  it('shows it read-only, refuses answering or closing it (403), and lets an admin answer it', async () => {
    await phuc.get(`/console/tickets/${maiTang.id}`);
    expect((await phuc.post(`/console/tickets/${maiTang.id}/claim`, {})).status).toBe(303);
    expect(await s.app.stores.tickets.get(maiTang.id)).toMatchObject({ status: 'assigned', expertId: phucUser.id });

    const page = await hoa.get(`/console/tickets/${maiTang.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Phiếu này đang do chuyên gia Lý Văn Phúc phụ trách; chỉ người đó hoặc quản trị viên mới được trả lời hoặc đóng phiếu.');
    expect(page.text).not.toContain(`action="/console/tickets/${maiTang.id}/answer"`);
    expect(page.text).not.toContain(`action="/console/tickets/${maiTang.id}/close"`);

    const before = await stateOf(maiTang.id);
    const answer = await hoa.post(`/console/tickets/${maiTang.id}/answer`, { answer: 'Câu trả lời chen ngang.' });
    expect(answer.status).toBe(403);
    expect(answer.text).toContain(`Câu hỏi #${maiTang.id} đang do chuyên gia Lý Văn Phúc phụ trách; chỉ người đó hoặc quản trị viên mới được trả lời.`);
    expect((await hoa.post(`/console/tickets/${maiTang.id}/close`, {})).status).toBe(403);
    // Taking it over is refused too (with the page's message).
    expect((await hoa.post(`/console/tickets/${maiTang.id}/claim`, {})).status).toBe(303);
    expect((await hoa.get(`/console/tickets/${maiTang.id}`)).text).toContain(`Câu hỏi #${maiTang.id} đã được chuyên gia Lý Văn Phúc nhận xử lý.`);
    expect(await stateOf(maiTang.id)).toEqual(before);

    // The admin may answer it; the asker gets the admin's answer, not Hoa's.
    await admin.get(`/console/tickets/${maiTang.id}`);
    expect((await admin.post(`/console/tickets/${maiTang.id}/answer`, { answer: 'Mười lần mức lương cơ sở tại tháng người có công từ trần.' })).status).toBe(303);
    const [relay] = await s.app.stores.outbox.list({ ticketId: maiTang.id, kind: 'relay' });
    expect(relay!.text).toContain('Mười lần mức lương cơ sở');
    expect(relay!.text).not.toContain('chen ngang');
    // The relay may be on its way or delivered already ("relay_pending", "relayed"): either way the admin answered it.
    const answered = await s.app.stores.tickets.get(maiTang.id);
    expect(answered).toMatchObject({ expertId: await adminUserId() });
    expect(['answered', 'relay_pending', 'relayed']).toContain(answered!.status);
  });
});

async function adminUserId(): Promise<number> {
  const account = await new WebAccountStore(s.app.repos.webAccounts).findByEmail(ADMIN.email);
  return account!.userId;
}
