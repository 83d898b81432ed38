import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/web/http-app.js';
import { createTestApp } from '../helpers/app-fixture.js';
import { WebChatStore } from '../../src/web/chat/store.js';
import { WebAccountStore } from '../../src/web/console/accounts.js';
import { csvField, toCsv } from '../../src/web/console/exports.js';
import { escapeHtml, html, jsonScript, raw, safeHref } from '../../src/web/shared/html.js';
import { contentProblem, editYaml, resolveInside, safeUploadName } from '../../src/web/console/knowledge/files.js';
import { isStale } from '../../src/web/console/knowledge/pages.js';
import { bootstrapAdmin, createWebChatPort, createWebConsole } from '../../src/web/console/index.js';
import { periodFrom } from '../../src/web/console/stats.js';

describe('html', () => {
  it('escapes every interpolated value unless it is already safe HTML', () => {
    const name = `<script>alert('x')</script> & "quotes"`;
    expect(html`<p title="${name}">${name}</p>`.toString()).toBe(
      '<p title="&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;</p>',
    );
    expect(html`<ul>${['<a>', html`<li>${'<b>'}</li>`]}</ul>`.toString()).toBe('<ul>&lt;a&gt;<li>&lt;b&gt;</li></ul>');
    expect(html`${null}${undefined}${false}${0}${raw('<br>')}`.toString()).toBe('0<br>');
    expect(escapeHtml('Trợ cấp `mai táng`')).toBe('Trợ cấp &#96;mai táng&#96;');
  });

  it('keeps JSON in a script block from closing it', () => {
    const out = jsonScript('d', { x: '</script><script>alert(1)</script>', y: 'a&b\u2028' }).toString();
    expect(out).not.toContain('</script><script>');
    expect(JSON.parse(/>(.*)<\/script>$/s.exec(out)![1]!)).toEqual({ x: '</script><script>alert(1)</script>', y: 'a&b\u2028' });
  });

  it('links only http(s) URLs', () => {
    expect(safeHref('https://thuvienphapluat.vn/a?b=1')).toBe('https://thuvienphapluat.vn/a?b=1');
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref('data:text/html,x')).toBeUndefined();
    expect(safeHref('không phải địa chỉ')).toBeUndefined();
  });
});

describe('CSV', () => {
  it('quotes what needs quoting and neutralises formulas', () => {
    expect(csvField('Xã An Phú')).toBe('Xã An Phú');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('nói "không"')).toBe('"nói ""không"""');
    expect(csvField('hai\ndòng')).toBe('"hai\ndòng"');
    expect(csvField(' lề')).toBe('" lề"');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-2)).toBe('-2');
    expect(csvField(0.5)).toBe('0.5');
    expect(csvField(null)).toBe('');
  });

  it('starts with a UTF-8 byte-order mark and ends rows with CRLF', () => {
    expect(toCsv(['Mã', 'Câu hỏi'], [[1, 'mai táng, thờ cúng']])).toBe('\uFEFFMã,Câu hỏi\r\n1,"mai táng, thờ cúng"\r\n');
  });
});

describe('upload names and paths', () => {
  it('keeps only a safe last segment of the name', () => {
    expect(safeUploadName('../../etc/passwd.md')).toEqual({ name: 'passwd.md', ext: '.md' });
    expect(safeUploadName('..\\..\\Windows\\Hồ sơ Mai Táng.DOCX')).toEqual({ name: 'ho-so-mai-tang.docx', ext: '.docx' });
    expect(safeUploadName('.env.md')).toEqual({ name: 'env.md', ext: '.md' });
    expect(safeUploadName('_an.md')).toEqual({ name: 'an.md', ext: '.md' });
    expect(safeUploadName('....pdf')).toEqual({ name: 'tai-lieu.pdf', ext: '.pdf' });
    expect(safeUploadName('x.md\u0000.exe')).toBeUndefined();
    expect(safeUploadName('script.js')).toBeUndefined();
    expect(safeUploadName('no-extension')).toBeUndefined();
    expect(safeUploadName(`${'dài '.repeat(60)}.md`)!.name.length).toBeLessThanOrEqual(83);
  });

  it('never resolves outside the root', () => {
    expect(resolveInside('/srv/kb', 'uploads/a.md')).toBe('/srv/kb/uploads/a.md');
    expect(resolveInside('/srv/kb', '../etc/passwd')).toBeUndefined();
    expect(resolveInside('/srv/kb', '/etc/passwd')).toBeUndefined();
    expect(resolveInside('/srv/kb', '')).toBeUndefined();
    expect(resolveInside('/srv/kb', 'uploads/../../kb2/x')).toBeUndefined();
  });

  it('checks the content against the extension', () => {
    expect(contentProblem('.pdf', Buffer.from('%PDF-1.4\n…'))).toBeUndefined();
    expect(contentProblem('.pdf', Buffer.from('<html>'))).toContain('không phải PDF');
    expect(contentProblem('.docx', Buffer.from('PK\u0003\u0004 nothing'))).toContain('word/document.xml');
    expect(contentProblem('.docx', Buffer.from('%PDF-'))).toContain('không phải .docx');
    expect(contentProblem('.md', Buffer.from([0xff, 0xfe, 0x41, 0x00]))).toContain('UTF-8');
    expect(contentProblem('.md', Buffer.from('# Tiêu đề'))).toBeUndefined();
    expect(contentProblem('.md', Buffer.alloc(0))).toBe('Tệp rỗng.');
  });
});

describe('front matter edits', () => {
  it('changes keys and keeps the rest of the YAML as written', () => {
    const yaml = 'id: a\n# ghi chú\ntitle: "Tiêu đề"\nissued: 2024-07-01\nstatus: in_force\ntopic: [mai-tang]\n';
    const out = editYaml(yaml, { status: 'superseded', superseded_by: 'nd-1' });
    expect(out).toContain('# ghi chú');
    expect(out).toContain('issued: 2024-07-01');
    expect(out).toContain('status: superseded');
    expect(out).toContain('superseded_by: nd-1');
    expect(editYaml(out, { superseded_by: undefined, status: 'in_force' })).not.toContain('superseded_by');
    expect(editYaml('', { status: 'draft' })).toBe('status: draft\n');
  });

  it('flags a document reviewed more than 180 days ago, or never', () => {
    const now = new Date('2026-11-27T00:00:00Z');
    expect(isStale('2026-11-01', now)).toBe(false);
    expect(isStale('2026-05-31', now)).toBe(false);
    expect(isStale('2026-05-29', now)).toBe(true);
    expect(isStale(undefined, now)).toBe(true);
  });
});

describe('dashboard period', () => {
  it('counts whole Vietnamese days', () => {
    const now = new Date('2026-03-01T18:30:00Z'); // 01:30 on 2 March in Vietnam
    expect(periodFrom({}, now)).toEqual({ from: '2026-02-01', to: '2026-03-02' });
    expect(periodFrom({ days: '7' }, now)).toEqual({ from: '2026-02-24', to: '2026-03-02' });
    expect(periodFrom({ from: '2026-01-01', to: '2026-01-31' }, now)).toEqual({ from: '2026-01-01', to: '2026-01-31' });
    expect(periodFrom({ from: '2026-02-01', to: '2026-01-01' }, now)).toEqual({ from: '2026-02-01', to: '2026-03-02' });
    expect(periodFrom({ days: '9999' }, now).from).toBe('2025-03-02');
  });
});

describe('accounts and the web chat port', () => {
  it('bootstraps the admin once and never overwrites its password on a later start', async () => {
    const { app, cleanup } = await createTestApp({}, undefined);
    try {
      const first = await bootstrapAdmin(app, 'Admin@Tinh.gov.vn', 'mat-khau-dau-tien-1');
      const again = await bootstrapAdmin(app, 'admin@tinh.gov.vn', 'mat-khau-moi-hon-2');
      expect(again.id).toBe(first.id);
      const accounts = new WebAccountStore(app.repos.webAccounts);
      expect((await accounts.verify('ADMIN@tinh.gov.vn', 'mat-khau-dau-tien-1'))?.role).toBe('admin');
      expect(await accounts.verify('admin@tinh.gov.vn', 'mat-khau-moi-hon-2')).toBeUndefined();
      const user = await app.stores.users.get(first.userId);
      expect(user).toMatchObject({ role: 'admin', approved: true, active: true, channel: 'web' });
      expect(app.escalation.access.isAdmin(user)).toBe(true);
      expect((await app.stores.users.list()).filter((u) => u.role === 'admin')).toHaveLength(1);
      // The .env password is only checked when it is used, to create the account.
      await expect(bootstrapAdmin(app, 'admin@tinh.gov.vn', 'ngan')).resolves.toMatchObject({ id: first.id });
      await expect(bootstrapAdmin(app, 'moi@tinh.gov.vn', 'ngan')).rejects.toThrow(/^ADMIN_PASSWORD: Mật khẩu phải có ít nhất 10 ký tự/);
      await expect(bootstrapAdmin(app, 'moi@tinh.gov.vn', 'matkhau123')).rejects.toThrow(/^ADMIN_PASSWORD: Mật khẩu quá dễ đoán/);
      await expect(bootstrapAdmin(app, 'khong-phai-thu', 'mat-khau-dau-tien-1')).rejects.toThrow(/^ADMIN_EMAIL: /);
      const row = await app.db.get<{ password_hash: string }>('SELECT password_hash FROM web_accounts WHERE id = ?', [first.id]);
      expect(row?.password_hash).toMatch(/^\$2[aby]\$/);
    } finally {
      await cleanup();
    }
  });

  it('stores outbox messages for channel web once per outbox id', async () => {
    const { app, cleanup } = await createTestApp();
    try {
      const port = createWebChatPort(app);
      const message = { id: 41, channel: 'web', chatId: 'w-abc', kind: 'relay' as const, text: 'Chuyên gia trả lời…', ticketId: 3 };
      expect(await port.send(message)).toEqual({ ok: true });
      expect(await port.send(message)).toEqual({ ok: true });
      expect((await port.send({ ...message, channel: 'telegram' })).ok).toBe(false);
      const stored = await new WebChatStore(app.repos.webChat).list('w-abc');
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ role: 'expert', text: 'Chuyên gia trả lời…', meta: { kind: 'relay', ticket: 3 } });
    } finally {
      await cleanup();
    }
  });
});

describe('cookies behind HTTPS', () => {
  it('marks the CSRF, session and chat cookies Secure when asked', async () => {
    const { app, cleanup } = await createTestApp();
    const logger = pino({ level: 'silent' });
    const server = createHttpApp({ adapters: [], logger, mount: createWebConsole({ app, logger, secureCookies: true }) }).listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const secure = (cookie: string | undefined) => {
        expect(cookie).toMatch(/; Secure/);
        expect(cookie).toMatch(/; HttpOnly/);
        expect(cookie).toMatch(/; SameSite=Lax/);
      };
      const page = await fetch(`${base}/chat`);
      const csrfCookie = page.headers.getSetCookie().find((c) => c.startsWith('trolyxa_csrf='));
      secure(csrfCookie);
      const token = /name="csrf-token" content="([^"]+)"/.exec(await page.text())![1]!;
      const asked = await fetch(`${base}/chat/api/ask`, {
        method: 'POST',
        headers: { cookie: csrfCookie!.split(';')[0]!, 'content-type': 'application/json', 'x-csrf-token': token },
        body: JSON.stringify({ text: 'mai táng phí' }),
      });
      expect(asked.status).toBe(200);
      secure(asked.headers.getSetCookie().find((c) => c.startsWith('trolyxa_chat=')));
      await bootstrapAdmin(app, 'admin@tinh.gov.vn', 'mat-khau-dau-tien-1');
      const login = await fetch(`${base}/console/login`);
      const loginCookie = login.headers.getSetCookie().find((c) => c.startsWith('trolyxa_csrf='))!.split(';')[0]!;
      const loginToken = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
      const signedIn = await fetch(`${base}/console/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: loginCookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: loginToken, email: 'admin@tinh.gov.vn', password: 'mat-khau-dau-tien-1' }),
      });
      expect(signedIn.status).toBe(303);
      secure(signedIn.headers.getSetCookie().find((c) => c.startsWith('trolyxa_session=')));
    } finally {
      server.close();
      await cleanup();
    }
  });
});
