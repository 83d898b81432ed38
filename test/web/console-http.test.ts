import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocx } from '../fixtures/knowledge/build-files.js';
import { ADMIN, EXPERT, startWebServer, WebClient, type WebServer } from './web-fixture.js';

let s: WebServer;
let admin: WebClient;
let expert: WebClient;

beforeAll(async () => {
  s = await startWebServer();
  admin = new WebClient(s.url);
  expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(303);
  expert = new WebClient(s.url);
  expect((await expert.login(EXPERT.email, EXPERT.password)).status).toBe(303);
});

afterAll(async () => {
  await s?.stop();
});

/** Asks through the web chat API as a fresh visitor. */
async function askInChat(text: string, extra: Record<string, string> = {}) {
  const chat = new WebClient(s.url);
  await chat.get('/chat');
  const page = await chat.postJson('/chat/api/ask', { text, ...extra }, { 'x-csrf-token': chat.csrf });
  expect(page.status).toBe(200);
  const { messages } = JSON.parse(page.text) as { messages: { text: string; meta: { ticket?: number; stage?: string; answerId?: number } }[] };
  return { chat, reply: messages[messages.length - 1]! };
}

describe('signing in', () => {
  it('sends an anonymous visitor to the sign-in page, in Vietnamese, with a safe CSRF cookie and no session', async () => {
    const visitor = new WebClient(s.url);
    const page = await visitor.get('/console/tickets');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/console/login?next=%2Fconsole%2Ftickets');
    const login = await visitor.get(page.location!);
    expect(login.text).toContain('<html lang="vi">');
    expect(login.text).toContain('Đăng nhập');
    expect(login.text).toContain('Mật khẩu');
    expect(login.headers.getSetCookie().find((c) => c.startsWith('trolyxa_session='))).toBeUndefined();
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('trolyxa_csrf='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    expect(login.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('signs in with the right password and lands on the page asked for; signs out', async () => {
    const c = new WebClient(s.url);
    await c.get('/console/login?next=/console/tickets');
    const before = c.cookies.get('trolyxa_session');
    const res = await c.post('/console/login', { email: ADMIN.email.toUpperCase(), password: ADMIN.password, next: '/console/tickets' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/console/tickets');
    // A new session token after sign-in (no session fixation).
    expect(c.cookies.get('trolyxa_session')).not.toBe(before);
    const page = await c.get('/console');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Bảng điều khiển');
    expect(page.text).toContain(ADMIN.email);
    const out = await c.post('/console/logout', {});
    expect(out.status).toBe(303);
    expect((await c.get('/console')).status).toBe(303);
  });

  it('refuses a wrong password with a Vietnamese message', async () => {
    const c = new WebClient(s.url);
    const res = await c.login(ADMIN.email, 'sai-mat-khau-roi');
    expect(res.status).toBe(401);
    expect(res.text).toContain('Thư điện tử hoặc mật khẩu không đúng.');
    expect((await c.get('/console')).status).toBe(303);
  });

  it('does not redirect outside the console after sign-in', async () => {
    const c = new WebClient(s.url);
    await c.get('/console/login');
    const res = await c.post('/console/login', { email: ADMIN.email, password: ADMIN.password, next: '//evil.example/phish' });
    expect(res.location).toBe('/console');
  });
});

describe('sign-in rate limit', () => {
  it('locks out a client after too many failed attempts, with a Vietnamese message', async () => {
    const limited = await startWebServer({ loginLimit: { limit: 3, windowMs: 60_000 } });
    try {
      const c = new WebClient(limited.url);
      for (let i = 0; i < 3; i++) expect((await c.login(ADMIN.email, `sai-${i}-mat-khau`)).status).toBe(401);
      const blocked = await c.login(ADMIN.email, ADMIN.password);
      expect(blocked.status).toBe(429);
      expect(blocked.text).toContain('Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 1 phút.');
    } finally {
      await limited.stop();
    }
  });
});

describe('a private web chat', () => {
  it('sends a visitor to the sign-in page when the chat is not public', async () => {
    const closed = await startWebServer({ chatPublic: false });
    try {
      const c = new WebClient(closed.url);
      const page = await c.get('/chat');
      expect(page.status).toBe(303);
      expect(page.location).toBe('/console/login?next=/chat');
      expect((await c.postJson('/chat/api/ask', { text: 'mai táng' })).status).toBe(401);
      await c.login(EXPERT.email, EXPERT.password);
      const open = await c.get('/chat');
      expect(open.status).toBe(200);
      expect(open.text).toContain('Trang quản trị');
    } finally {
      await closed.stop();
    }
  });
});

describe('CSRF protection', () => {
  it('refuses a console form post without the token or with a wrong one (403)', async () => {
    await admin.get('/console/curated');
    for (const token of [null, 'sai-ma-bao-ve', '']) {
      const res = await admin.post('/console/users/1', { role: 'admin', approved: 'on', active: 'on' }, token);
      expect(res.status).toBe(403);
      expect(res.text).toContain('CSRF');
    }
    // The same request with the session's token goes through.
    await admin.get('/console/users');
    const ok = await admin.post('/console/knowledge/reindex', {});
    expect(ok.status).toBe(303);
  });

  it('refuses a token from another session', async () => {
    await expert.get('/console/tickets');
    const res = await admin.post('/console/logout', {}, expert.csrf);
    expect(res.status).toBe(403);
    expect((await admin.get('/console')).status).toBe(200);
  });

  it('refuses sign-in and JSON APIs without the token', async () => {
    const c = new WebClient(s.url);
    await c.get('/console/login');
    const login = await c.post('/console/login', { email: ADMIN.email, password: ADMIN.password }, null);
    expect(login.status).toBe(403);
    const reindex = await admin.postJson('/console/knowledge/reindex', {}, { 'x-csrf-token': 'nope' });
    expect(reindex.status).toBe(403);

    const chat = new WebClient(s.url);
    await chat.get('/chat');
    expect((await chat.postJson('/chat/api/ask', { text: 'mai táng' })).status).toBe(403);
    expect((await chat.postJson('/chat/api/ask', { text: 'mai táng' }, { 'x-csrf-token': 'sai' })).status).toBe(403);
    expect((await chat.post('/chat/ask', { text: 'mai táng' }, null)).status).toBe(403);
  });
});

describe('roles', () => {
  it('refuses an expert every admin page and action (403)', async () => {
    await expert.get('/console/tickets');
    for (const url of ['/console/knowledge', '/console/curated', '/console/users', '/console/audit', '/console/export/tickets.csv', '/console/knowledge/reindex/progress']) {
      const page = await expert.get(url);
      expect(page.status, url).toBe(403);
    }
    const users = await expert.post('/console/users/1', { role: 'official', approved: 'on', active: 'on' });
    expect(users.status).toBe(403);
    expect(users.text).toContain('không có quyền');
    expect((await expert.post('/console/tickets/1/approve', { answer: 'x' })).status).toBe(403);
    expect((await expert.post('/console/knowledge/doc/mh-tho-cung-liet-si/delete', {})).status).toBe(403);
    expect((await expert.post('/console/curated/1/retire', {})).status).toBe(403);
    expect(existsSync(path.join(s.knowledgeDir, 'muc-huong', 'tho-cung-liet-si.md'))).toBe(true);
  });

  it('shows an expert only the pages they may use', async () => {
    const page = await expert.get('/console');
    expect(page.text).toContain('href="/console/tickets"');
    expect(page.text).not.toContain('href="/console/knowledge"');
    expect(page.text).not.toContain('href="/console/users"');
  });
});

describe('knowledge uploads', () => {
  it('neutralises a path in an upload name: the file lands in uploads/ with a safe name', async () => {
    await admin.get('/console/knowledge');
    const md = `---\nid: tt-thu-nghiem-duong-dan\ntitle: "Tài liệu thử tên tệp"\ndoc_type: thu-tuc\nstatus: in_force\ntopic: [thu-nghiem]\nverified: false\nreviewed: 2026-11-01\nsource_url: https://example.invalid/a\n---\n\n## Nội dung thử\n\nTài liệu thử nghiệm đường dẫn tệp tải lên cho trợ lý xã.\n`;
    const form = new FormData();
    form.set('_csrf', admin.csrf);
    form.set('file', new Blob([md]), '../../../../tmp/Độc hại/..\\..\\evil name.md');
    const res = await admin.postMultipart('/console/knowledge/upload', form);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/console/knowledge/doc/tt-thu-nghiem-duong-dan');
    expect(await readdir(path.join(s.knowledgeDir, 'uploads'))).toContain('evil-name.md');
    expect(existsSync(path.join(s.dataDir, 'evil name.md'))).toBe(false);
    expect(existsSync('/tmp/Độc hại')).toBe(false);
    const doc = await admin.get(res.location!);
    expect(doc.text).toContain('uploads/evil-name.md');
  });

  it('refuses a file whose content does not match its extension, and other types', async () => {
    await admin.get('/console/knowledge');
    const fake = new FormData();
    fake.set('_csrf', admin.csrf);
    fake.set('file', new Blob(['<html>không phải pdf</html>']), 'bao-cao.pdf');
    expect((await admin.postMultipart('/console/knowledge/upload', fake)).location).toBe('/console/knowledge');
    expect((await admin.get('/console/knowledge')).text).toContain('Tệp không phải PDF');

    const fakeImage = new FormData();
    fakeImage.set('_csrf', admin.csrf);
    fakeImage.set('file', new Blob(['<html>không phải ảnh</html>']), 'giay-bao-tu.png');
    expect((await admin.postMultipart('/console/knowledge/upload', fakeImage)).location).toBe('/console/knowledge');
    expect((await admin.get('/console/knowledge')).text).toContain('Tệp không phải ảnh PNG, JPEG hoặc TIFF.');

    const exe = new FormData();
    exe.set('_csrf', admin.csrf);
    exe.set('file', new Blob(['MZ']), 'chay.exe');
    await admin.postMultipart('/console/knowledge/upload', exe);
    expect((await admin.get('/console/knowledge')).text).toContain('Chỉ nhận tệp .md, .txt, .docx, .pdf hoặc ảnh quét .png, .jpg, .tif.');
  });

  it('refuses a multipart upload without the CSRF token', async () => {
    const form = new FormData();
    form.set('file', new Blob(['---\nid: x\n---\n']), 'x.md');
    const res = await admin.postMultipart('/console/knowledge/upload', form);
    expect(res.status).toBe(403);
    expect(existsSync(path.join(s.knowledgeDir, 'uploads', '_pending', 'x.md'))).toBe(false);
  });

  it('gives a .docx a metadata form, writes the sidecar and ingests it', async () => {
    await admin.get('/console/knowledge');
    const docx = await buildDocx([
      { text: 'Hướng dẫn cấp thẻ bảo hiểm y tế cho thân nhân liệt sĩ tại xã Bình Sơn', heading: 1 },
      { text: 'Hồ sơ cấp thẻ bảo hiểm y tế', heading: 2 },
      { text: 'Hồ sơ cấp thẻ bảo hiểm y tế cho thân nhân liệt sĩ gồm tờ khai TK1-TS và bản sao giấy chứng nhận gia đình liệt sĩ.' },
    ]);
    const form = new FormData();
    form.set('_csrf', admin.csrf);
    form.set('file', new Blob([docx]), 'BHYT thân nhân.docx');
    const up = await admin.postMultipart('/console/knowledge/upload', form);
    expect(up.location).toBe('/console/knowledge/pending/bhyt-than-nhan.docx');
    const pending = await admin.get(up.location!);
    expect(pending.text).toContain('Khai báo thông tin tài liệu');
    expect(pending.text).toContain('bhyt-than-nhan.meta.yaml');
    // An invalid form is shown again with Vietnamese problems.
    const bad = await admin.post(up.location!, { id: 'Sai Mã!', title: 'x', status: 'superseded', issued: '2026-02-30' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Mã tài liệu: chỉ gồm chữ thường không dấu');
    expect(bad.text).toContain('Tiêu đề: cần ít nhất 3 ký tự.');
    const done = await admin.post(up.location!, {
      id: 'hd-bhyt-than-nhan',
      title: 'Hướng dẫn cấp thẻ bảo hiểm y tế cho thân nhân liệt sĩ',
      doc_type: 'thu-tuc',
      status: 'in_force',
      topic: 'nguoi-co-cong, bao-hiem-y-te',
      source_url: 'https://example.invalid/bhyt',
      reviewed: '2026-11-01',
    });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/console/knowledge/doc/hd-bhyt-than-nhan');
    const sidecar = await readFile(path.join(s.knowledgeDir, 'uploads', 'bhyt-than-nhan.meta.yaml'), 'utf8');
    expect(sidecar).toContain('id: hd-bhyt-than-nhan');
    expect(sidecar).toContain('reviewed: 2026-11-01');
    const doc = await admin.get(done.location!);
    expect(doc.text).toContain('Đã nạp tài liệu');
    expect(doc.text).toContain('tờ khai TK1-TS');
    const docs = await s.app.kb.store.listDocuments();
    expect(docs.find((d) => d.id === 'hd-bhyt-than-nhan')?.sourcePath).toBe('uploads/bhyt-than-nhan.docx');
  });

  it('puts the metadata form of a Markdown file without front matter at the head of the file', async () => {
    await admin.get('/console/knowledge');
    const form = new FormData();
    form.set('_csrf', admin.csrf);
    form.set('file', new Blob(['# Ghi chú về thẻ thương binh\n\n## Đổi thẻ\n\nĐổi thẻ thương binh bị hỏng làm tại Ủy ban nhân dân xã, nộp kèm ảnh 3x4.\n']), 'ghi-chu.md');
    const up = await admin.postMultipart('/console/knowledge/upload', form);
    expect(up.location).toBe('/console/knowledge/pending/ghi-chu.md');
    const pending = await admin.get(up.location!);
    expect(pending.text).toContain('value="Ghi chú về thẻ thương binh"');
    expect(pending.text).toContain('ghi vào đầu tệp Markdown');
    const done = await admin.post(up.location!, { id: 'gc-the-thuong-binh', title: 'Ghi chú về thẻ thương binh', status: 'in_force', topic: 'thuong-binh', issued: '2025-07-01', reviewed: '2026-11-01' });
    expect(done.location).toBe('/console/knowledge/doc/gc-the-thuong-binh');
    const text = await readFile(path.join(s.knowledgeDir, 'uploads', 'ghi-chu.md'), 'utf8');
    expect(text).toMatch(/^---\nid: gc-the-thuong-binh\ntitle: Ghi chú về thẻ thương binh\n/);
    expect(text).toContain('issued: 2025-07-01');
    expect(text).toContain('---\n\n# Ghi chú về thẻ thương binh');
    const meta = (await s.app.kb.store.listDocuments()).find((d) => d.id === 'gc-the-thuong-binh')?.meta;
    expect(meta).toMatchObject({ issued: '2025-07-01', reviewed: '2026-11-01', topic: ['thuong-binh'], verified: false });
    expect(existsSync(path.join(s.knowledgeDir, 'uploads', '_pending', 'ghi-chu.md'))).toBe(false);
  });

  it('shows admins the official sources and the third-party copies apart, with each amount and its period', async () => {
    const page = (await admin.get('/console/knowledge/doc/mh-muc-chuan')).text;
    expect(page).toContain('<dt>Nguồn chính thức</dt>');
    const copies = page.slice(page.indexOf('<dt>Bản sao tham khảo</dt>'));
    expect(copies).toMatch(/^<dt>Bản sao tham khảo<\/dt><dd><a href="https:\/\/github\.com\/TuanHuu168\/CongBot"/);
    expect(page.slice(page.indexOf('<dt>Nguồn chính thức</dt>'), page.indexOf('<dt>Bản sao tham khảo</dt>'))).not.toContain('github.com');
    expect(page).toContain('2.789.000 đồng');
    expect(page).toMatch(/từ 01\/07\/2024/);
  });

  it('retires a document into "superseded" only with the document that replaces it', async () => {
    await admin.get('/console/knowledge/doc/tt-thu-nghiem-duong-dan');
    await admin.post('/console/knowledge/doc/tt-thu-nghiem-duong-dan/status', { status: 'superseded' });
    expect((await admin.get('/console/knowledge/doc/tt-thu-nghiem-duong-dan')).text).toContain('phải ghi văn bản thay thế');
    await admin.post('/console/knowledge/doc/tt-thu-nghiem-duong-dan/status', { status: 'superseded', superseded_by: 'hd-bhyt-than-nhan' });
    const page = await admin.get('/console/knowledge/doc/tt-thu-nghiem-duong-dan');
    expect(page.text).toContain('Đã bị thay thế');
    const text = await readFile(path.join(s.knowledgeDir, 'uploads', 'evil-name.md'), 'utf8');
    expect(text).toMatch(/^status: superseded$/m);
    expect(text).toMatch(/^superseded_by: hd-bhyt-than-nhan$/m);
    expect(text).toContain('reviewed: 2026-11-01');
  });
});

describe('editing and deleting documents', () => {
  const file = () => path.join(s.knowledgeDir, 'uploads', 'evil-name.md');

  it('edits the front matter and text of a Markdown document and re-indexes it', async () => {
    const text = await readFile(file(), 'utf8');
    const [, yaml, body] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text)!;
    const page = await admin.get('/console/knowledge/doc/tt-thu-nghiem-duong-dan/edit');
    expect(page.text).toContain('Thông tin tài liệu (front matter YAML)');
    expect(page.text).toContain('id: tt-thu-nghiem-duong-dan');

    const broken = await admin.post('/console/knowledge/doc/tt-thu-nghiem-duong-dan/edit', { front_matter: 'id: [không đóng', body: body! });
    expect(broken.status).toBe(400);
    expect(broken.text).toContain('Tài liệu chưa hợp lệ');
    const renamed = await admin.post('/console/knowledge/doc/tt-thu-nghiem-duong-dan/edit', { front_matter: yaml!.replace('id: tt-thu-nghiem-duong-dan', 'id: tt-khac'), body: body! });
    expect(renamed.status).toBe(400);
    expect(renamed.text).toContain('Không được đổi mã tài liệu');
    expect(await readFile(file(), 'utf8')).toBe(text);

    const saved = await admin.post('/console/knowledge/doc/tt-thu-nghiem-duong-dan/edit', {
      front_matter: yaml!.replace('title: "Tài liệu thử tên tệp"', 'title: "Tài liệu thử đã sửa"'),
      body: `${body}\r\n## Mục bổ sung\r\n\r\nMục bổ sung nói về giấy xác nhận ZX-77 dành cho cán bộ xã.\r\n`,
    });
    expect(saved.status).toBe(303);
    const doc = await admin.get('/console/knowledge/doc/tt-thu-nghiem-duong-dan');
    expect(doc.text).toContain('Đã lưu và lập chỉ mục lại tài liệu.');
    expect(doc.text).toContain('Tài liệu thử đã sửa');
    expect(doc.text).toContain('giấy xác nhận ZX-77');
    expect(await readFile(file(), 'utf8')).not.toContain('\r');
    const query = await admin.get(`/console/knowledge/query?q=${encodeURIComponent('giấy xác nhận ZX-77')}`);
    expect(query.text).toContain('Tài liệu thử đã sửa › Mục bổ sung');
  });

  it('deletes a document: its file goes and so do its passages', async () => {
    await admin.get('/console/knowledge/doc/tt-thu-nghiem-duong-dan');
    const res = await admin.post('/console/knowledge/doc/tt-thu-nghiem-duong-dan/delete', {});
    expect(res.location).toBe('/console/knowledge');
    expect(existsSync(file())).toBe(false);
    expect((await s.app.kb.store.listDocuments()).some((d) => d.id === 'tt-thu-nghiem-duong-dan')).toBe(false);
    const list = await admin.get('/console/knowledge');
    expect(list.text).toContain('Đã xóa tài liệu “Tài liệu thử đã sửa”.');
    expect((await admin.get('/console/knowledge/doc/tt-thu-nghiem-duong-dan')).status).toBe(404);
  });
});

describe('escaping', () => {
  it('escapes HTML in a question everywhere it is shown', async () => {
    const evil = `<script>alert("xss")</script><img src=x onerror=alert(1)> thủ tục cấp phép đặc biệt`;
    const { reply } = await askInChat(`Hỏi chuyên gia: ${evil}`, { name: '<b>Ông Tư</b>', commune: 'Xã <i>Nghĩa</i> Hành' });
    expect(reply.meta.ticket).toBeGreaterThan(0);
    const ticket = await admin.get(`/console/tickets/${reply.meta.ticket}`);
    expect(ticket.status).toBe(200);
    expect(ticket.text).not.toContain('<script>alert');
    expect(ticket.text).not.toContain('<img src=x');
    expect(ticket.text).toContain('&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;');
    expect(ticket.text).toContain('&lt;b&gt;Ông Tư&lt;/b&gt;');
    const list = await admin.get('/console/tickets');
    expect(list.text).not.toContain('<script>alert');
    expect(list.text).toContain('&lt;script&gt;');
    const dashboard = await admin.get('/console');
    expect(dashboard.text).not.toContain('<i>Nghĩa</i>');
    expect(dashboard.text).toContain('Xã \\u003ci\\u003eNghĩa\\u003c/i\\u003e Hành'); // chart data (JSON in a script block)
    expect(dashboard.text).toContain('Xã &lt;i&gt;Nghĩa&lt;/i&gt; Hành'); // the ranked list
  });

  it('escapes HTML in a document title and text', async () => {
    await admin.get('/console/knowledge');
    const md = `---\nid: tt-thu-html\ntitle: "Thủ tục <img src=x onerror=alert(1)> thử"\ndoc_type: thu-tuc\nstatus: in_force\ntopic: [thu-nghiem]\nverified: false\nreviewed: 2026-11-01\nsource_url: https://example.invalid/html\n---\n\n## Mục <script>alert(2)</script>\n\nNội dung có thẻ <b>đậm</b> và <script>alert(3)</script> cần được hiển thị nguyên văn.\n`;
    const form = new FormData();
    form.set('_csrf', admin.csrf);
    form.set('file', new Blob([md]), 'html.md');
    const res = await admin.postMultipart('/console/knowledge/upload', form);
    expect(res.location).toBe('/console/knowledge/doc/tt-thu-html');
    for (const url of ['/console/knowledge', '/console/knowledge/doc/tt-thu-html', '/console/knowledge/doc/tt-thu-html/edit', '/console/knowledge/query?q=n%E1%BB%99i+dung+c%C3%B3+th%E1%BA%BB+%C4%91%E1%BA%ADm']) {
      const page = await admin.get(url);
      expect(page.status, url).toBe(200);
      expect(page.text, url).not.toMatch(/<script>alert|<img src=x|<b>đậm/);
      expect(page.text, url).toMatch(/&lt;(img|script|b)/);
    }
  });
});

describe('tickets in the console', () => {
  it('lets an expert claim, answer and close; relays the answer to the web chat; an admin approves it', async () => {
    const { chat, reply } = await askInChat('Hỏi chuyên gia: thủ tục xin cấp lại bằng Tổ quốc ghi công bị mất?', { name: 'Chị Lan', commune: 'Xã Tịnh Sơn' });
    const id = reply.meta.ticket!;
    let page = await expert.get(`/console/tickets/${id}`);
    expect(page.text).toContain('Chị Lan · Xã Tịnh Sơn · Trang web');
    expect(page.text).toContain('người hỏi đề nghị được chuyên gia trả lời');
    await expert.post(`/console/tickets/${id}/claim`, {});
    page = await expert.get(`/console/tickets/${id}`);
    expect(page.text).toContain(`Bạn đã nhận xử lý phiếu #${id}.`);
    expect(page.text).toContain('Đang xử lý');
    await expert.post(`/console/tickets/${id}/answer`, { answer: 'Đề nghị cấp lại bằng Tổ quốc ghi công gửi Sở Nội vụ kèm đơn theo mẫu.' });
    page = await expert.get(`/console/tickets/${id}`);
    expect(page.text).toContain('câu trả lời đang được gửi tới người hỏi');
    // The outbox worker relays the answer to the asker's web chat.
    await s.server.runOutbox();
    const polled = JSON.parse((await chat.get('/chat/api/messages')).text) as { messages: { role: string; text: string }[] };
    const relay = polled.messages.find((m) => m.role === 'expert');
    expect(relay?.text).toContain(`Chuyên gia ${EXPERT.name} trả lời câu hỏi #${id} của bạn:`);
    expect(relay?.text).toContain('Đề nghị cấp lại bằng Tổ quốc ghi công');
    expect((await s.app.escalation.getTicket(id))?.status).toBe('relayed');

    // Only an admin approves; the curated answer is listed with its hits.
    await admin.get(`/console/tickets/${id}`);
    await admin.post(`/console/tickets/${id}/approve`, { answer: 'Đề nghị cấp lại bằng Tổ quốc ghi công gửi Sở Nội vụ (bản đã duyệt).' });
    const curated = await s.app.stores.curated.getBySourceTicket(id);
    expect(curated?.answer).toBe('Đề nghị cấp lại bằng Tổ quốc ghi công gửi Sở Nội vụ (bản đã duyệt).');
    const list = await admin.get('/console/curated');
    expect(list.text).toContain('(bản đã duyệt)');
    expect(list.text).toContain('0 lượt dùng');
    const again = await askInChat('thủ tục xin cấp lại bằng Tổ quốc ghi công bị mất?');
    expect(again.reply.meta.stage).toBe('curated');
    expect((await admin.get('/console/curated')).text).toContain('1 lượt dùng');

    await expert.get(`/console/tickets/${id}`);
    await expert.post(`/console/tickets/${id}/close`, { note: 'Xong' });
    expect((await s.app.escalation.getTicket(id))?.status).toBe('closed');
  });

  it('shows the service refusal in Vietnamese (answering a closed ticket)', async () => {
    const { reply } = await askInChat('Hỏi chuyên gia: câu hỏi sẽ bị đóng trước khi trả lời');
    const id = reply.meta.ticket!;
    await expert.get(`/console/tickets/${id}`);
    await expert.post(`/console/tickets/${id}/close`, {});
    await expert.post(`/console/tickets/${id}/answer`, { answer: 'Muộn rồi' });
    expect((await expert.get(`/console/tickets/${id}`)).text).toContain(`Câu hỏi #${id} đã đóng.`);
  });

  it('filters the inbox by status, topic and age', async () => {
    const waiting = await expert.get('/console/tickets');
    expect(waiting.text).toContain('Đang chờ trả lời');
    const closed = await expert.get('/console/tickets?status=closed');
    expect(closed.text).toContain('Đã đóng');
    expect(closed.text).not.toContain('class="status status-open"');
    const old = await expert.get('/console/tickets?status=all&age=7d');
    expect(old.text).toContain('Không có phiếu nào phù hợp.');
  });
});

describe('CSV exports', () => {
  it('exports tickets with a BOM, Vietnamese headers and proper quoting', async () => {
    const { reply } = await askInChat('Hỏi chuyên gia: hồ sơ "đặc biệt", gồm\nhai dòng; và =1+1 có đúng không');
    const res = await admin.get('/console/export/tickets.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('phieu-hoi.csv');
    const raw = Buffer.from(await (await fetch(new URL('/console/export/tickets.csv', s.url), { headers: { cookie: `trolyxa_session=${admin.cookies.get('trolyxa_session')}` } })).arrayBuffer());
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = raw.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).toBe('Số phiếu,Trạng thái,Câu hỏi,Lĩnh vực,Lý do chuyển,Độ tin cậy,Kênh,Người hỏi,Xã,Chuyên gia,Câu trả lời,Tạo lúc (giờ Việt Nam),Trả lời lúc,Gửi người hỏi lúc');
    expect(text).toContain(`${reply.meta.ticket},Mới,"hồ sơ ""đặc biệt"", gồm\nhai dòng; và =1+1 có đúng không",`);
    expect(text).toContain(',người hỏi đề nghị được chuyên gia trả lời,');
  });

  it('exports the question log of a period, neutralising formulas', async () => {
    await askInChat('=HYPERLINK("http://x") mai táng phí', { commune: 'Xã An, Phú' });
    const res = await admin.get('/console/export/questions.csv?days=7');
    expect(res.status).toBe(200);
    const lines = res.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('Mã,Thời gian (giờ Việt Nam),Kênh,Người hỏi,Xã,Câu hỏi,Cách trả lời,Độ tin cậy,Lý do chuyển,Phiếu,Câu trả lời mẫu,Tài liệu,Chủ đề,Phản hồi,Thời gian xử lý (ms)');
    const row = lines.find((l) => l.includes('HYPERLINK'))!;
    expect(row).toContain(`"'=HYPERLINK(""http://x"") mai táng phí"`);
    expect(row).toContain('"Xã An, Phú"');
    expect(row).toContain(',Trang web,');
    expect(row).toMatch(/^\d+,\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},/);
  });
});

describe('the rest of the console', () => {
  it('renders the dashboard with the period, counts and the chart library served locally', async () => {
    const page = await admin.get('/console?days=7');
    expect(page.text).toContain('Câu hỏi mỗi ngày theo kênh');
    expect(page.text).toContain('<script src="/static/vendor/chart.umd.min.js" defer></script>');
    expect(page.text).toMatch(/id="kpi-questions">\d+</);
    const data = JSON.parse(/<script type="application\/json" id="dashboard-data">(.*?)<\/script>/s.exec(page.text)![1]!) as { days: string[]; channels: { label: string }[] };
    expect(data.days).toHaveLength(7);
    expect(data.channels.map((c) => c.label)).toContain('Trang web');
    const lib = await admin.get('/static/vendor/chart.umd.min.js');
    expect(lib.status).toBe(200);
    expect(lib.text).toContain('Chart');
  });

  it('reports re-index progress as JSON', async () => {
    await admin.get('/console/knowledge');
    const started = await admin.postJson('/console/knowledge/reindex', {}, { 'x-csrf-token': admin.csrf });
    expect(started.status).toBe(202);
    let progress: { state: string; text: string } = { state: 'running', text: '' };
    for (let i = 0; i < 100 && progress.state === 'running'; i++) {
      progress = JSON.parse((await admin.get('/console/knowledge/reindex/progress')).text) as typeof progress;
      if (progress.state === 'running') await new Promise((r) => setTimeout(r, 100));
    }
    expect(progress.state).toBe('done');
    expect(progress.text).toMatch(/^Hoàn tất lúc/);
  });

  it('shows the scores of the "thử truy vấn" panel', async () => {
    const page = await admin.get(`/console/knowledge/query?q=${encodeURIComponent('trợ cấp thờ cúng liệt sĩ bao nhiêu')}`);
    expect(page.text).toContain('Điểm tổng hợp');
    expect(page.text).toContain('Điểm BM25F');
    expect(page.text).toContain('Độ tương đồng cosin');
    expect(page.text).toContain('Mức trợ cấp thờ cúng liệt sĩ');
    expect(page.text).toMatch(/<td class="num"[^>]*>0,\d{3}<\/td>/);
  });

  it('edits users and creates web accounts, recording it all in the journal', async () => {
    const official = await s.app.stores.users.add({ channel: 'zalo-bot', channelUserId: 'z-1', chatId: 'z-1', displayName: 'Anh Bảy', commune: 'Xã Ba Tơ', role: 'official', approved: false }, new Date().toISOString());
    let page = await admin.get('/console/users');
    expect(page.text).toContain('Cán bộ chờ duyệt (1)');
    await admin.post(`/console/users/${official.id}`, { role: 'expert', topics: 'Mai-Tang, liet-si', approved: 'on', active: 'on' });
    expect(await s.app.stores.users.get(official.id)).toMatchObject({ role: 'expert', topics: ['mai-tang', 'liet-si'], approved: true });
    page = await admin.get('/console/users');
    await admin.post('/console/users/accounts', { email: 'bay@xa.gov.vn', password: 'mat-khau-anh-bay-1', role: 'expert', user_id: String(official.id) });
    const bay = new WebClient(s.url);
    expect((await bay.login('bay@xa.gov.vn', 'mat-khau-anh-bay-1')).status).toBe(303);
    await admin.get('/console/users');
    await admin.post('/console/users/accounts', { email: 'moi@xa.gov.vn', password: 'ngan', role: 'expert', user_id: 'new', display_name: 'Người mới' });
    expect((await admin.get('/console/users')).text).toContain('Mật khẩu phải có ít nhất 10 ký tự.');
    const journal = await admin.get('/console/audit');
    expect(journal.text).toContain('Cập nhật người dùng');
    expect(journal.text).toContain('Tạo tài khoản');
    expect(journal.text).toContain('Tải tài liệu lên');
    expect(journal.text).toContain('Trả lời phiếu');
    expect(journal.text).toContain('Duyệt làm câu trả lời mẫu'); // a ticket event
    await expect(s.app.db.run("UPDATE web_audit SET actor = 'x'")).rejects.toThrow(/append-only/);
    await expect(s.app.db.run('DELETE FROM web_audit')).rejects.toThrow(/append-only/);
  });

  it('answers unknown console pages with a Vietnamese 404 page', async () => {
    const page = await admin.get('/console/khong-co');
    expect(page.status).toBe(404);
    expect(page.text).toContain('Không tìm thấy trang');
  });
});

describe('the web chat', () => {
  it('keeps line breaks and escapes the answer; rates an answer only from its own chat', async () => {
    const { chat, reply } = await askInChat('Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?');
    expect(reply.meta.stage).toBe('retrieval');
    const page = await chat.get('/chat');
    expect(page.text).toMatch(/<div class="text">👉 Hồ sơ/);
    expect(page.text).toContain('📌');
    expect(page.text).toContain('Căn cứ: ');
    expect(page.text).toContain('Hữu ích');
    const stranger = new WebClient(s.url);
    await stranger.get('/chat');
    const refused = await stranger.postJson('/chat/api/feedback', { answerId: reply.meta.answerId, value: 'unhelpful' }, { 'x-csrf-token': stranger.csrf });
    expect(refused.status).toBe(400);
    const rated = await chat.postJson('/chat/api/feedback', { answerId: reply.meta.answerId, value: 'unhelpful' }, { 'x-csrf-token': chat.csrf });
    expect(rated.status).toBe(200);
    expect(rated.text).toContain('phiếu số #');
  });

  it('works without JavaScript: a form post then the page', async () => {
    const chat = new WebClient(s.url);
    await chat.get('/chat');
    const res = await chat.post('/chat/ask', { text: 'trợ cấp thờ cúng liệt sĩ bao nhiêu', name: 'Bác Năm', commune: 'Xã Sơn Hà' });
    expect(res.status).toBe(303);
    const page = await chat.get('/chat');
    expect(page.text).toContain('trợ cấp thờ cúng liệt sĩ bao nhiêu');
    expect(page.text).toContain('1.400.000');
    expect(page.text).toContain('value="Bác Năm"');
  });
});
