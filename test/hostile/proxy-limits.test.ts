import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { ADMIN, EXPERT, startWebServer, WebClient } from '../web/web-fixture.js';

/**
 * Issue 15, point 9: behind a same-host HTTPS reverse proxy cookies lacked `Secure`, and rate limits keyed on
 * `X-Forwarded-For` from any loopback client, so rotating it defeated the sign-in limit. Now only the proxies
 * `TRUST_PROXY` names are believed, and failed sign-ins are also limited per account.
 */

const PROXY_HTTPS = { 'x-forwarded-proto': 'https' };
const from = (ip: string, extra: Record<string, string> = {}) => ({ 'x-forwarded-for': ip, ...extra });
const cookieLine = (headers: Headers, name: string) => headers.getSetCookie().find((c) => c.startsWith(`${name}=`));

describe('TRUST_PROXY', () => {
  it('takes false, a hop count, or addresses and names; refuses anything else in Vietnamese, naming the variable', () => {
    expect(loadConfig({}).web.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).web.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).web.trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'Loopback, 10.0.0.0/8, ::1' }).web.trustProxy).toEqual(['loopback', '10.0.0.0/8', '::1']);
    for (const bad of ['true', 'abc', '10.0.0.0/33', '11']) {
      try {
        loadConfig({ TRUST_PROXY: bad });
        expect.unreachable(bad);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems[0]).toMatch(/^TRUST_PROXY: phải là false, một số proxy/);
      }
    }
  });
});

describe('behind a trusted proxy (TRUST_PROXY=loopback)', () => {
  it('marks cookies Secure when the proxy says the request is HTTPS, and not otherwise', async () => {
    const s = await startWebServer({ trustProxy: ['loopback'] });
    try {
      const c = new WebClient(s.url);
      const page = await c.get('/console/login', PROXY_HTTPS);
      expect(cookieLine(page.headers, 'trolyxa_csrf')).toMatch(/; Secure/);
      const signedIn = await c.post('/console/login', { email: ADMIN.email, password: ADMIN.password }, c.csrf, PROXY_HTTPS);
      expect(signedIn.status).toBe(303);
      expect(cookieLine(signedIn.headers, 'trolyxa_session')).toMatch(/; Secure/);
      expect((await c.get('/console', PROXY_HTTPS)).status).toBe(200);
      const out = await c.post('/console/logout', {}, c.csrf, PROXY_HTTPS);
      expect(cookieLine(out.headers, 'trolyxa_session')).toMatch(/; Secure/);

      const chat = new WebClient(s.url);
      expect(cookieLine((await chat.get('/chat', PROXY_HTTPS)).headers, 'trolyxa_csrf')).toMatch(/; Secure/);
      const asked = await chat.postJson('/chat/api/ask', { text: 'mai táng phí' }, { 'x-csrf-token': chat.csrf, ...PROXY_HTTPS });
      expect(cookieLine(asked.headers, 'trolyxa_chat')).toMatch(/; Secure/);

      const plain = new WebClient(s.url);
      const http = await plain.get('/console/login', { 'x-forwarded-proto': 'http' });
      expect(cookieLine(http.headers, 'trolyxa_csrf')).not.toMatch(/Secure/);
    } finally {
      await s.stop();
    }
  });

  it('keys the sign-in limit on the client the proxy reports (and logs that address)', async () => {
    const lines: string[] = [];
    const s = await startWebServer({
      trustProxy: ['loopback'],
      loginLimit: { limit: 3, windowMs: 60_000, perAccount: { limit: 100, windowMs: 60_000 } },
      logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }),
    });
    try {
      const attacker = new WebClient(s.url);
      for (let i = 0; i < 3; i++) expect((await attacker.login(ADMIN.email, `sai-${i}-mat-khau`, from('203.0.113.7'))).status).toBe(401);
      expect((await attacker.login(ADMIN.email, ADMIN.password, from('203.0.113.7'))).status).toBe(429);
      // A proxy appends the address it saw: what the client wrote before it is not believed.
      expect((await attacker.login(ADMIN.email, ADMIN.password, from('198.51.100.1, 203.0.113.7'))).status).toBe(429);
      // Another client behind the same proxy is not locked out.
      const colleague = new WebClient(s.url);
      expect((await colleague.login(ADMIN.email, ADMIN.password, from('203.0.113.8'))).status).toBe(303);
      const ips = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'console sign-in failed').map((l) => l['ip']);
      expect(ips).toEqual(['203.0.113.7', '203.0.113.7', '203.0.113.7']);
    } finally {
      await s.stop();
    }
  });

  it('holds the per-account limit across client addresses, for that account only', async () => {
    const s = await startWebServer({ trustProxy: ['loopback'], loginLimit: { limit: 100, windowMs: 60_000, perAccount: { limit: 4, windowMs: 15 * 60_000 } } });
    try {
      for (let i = 0; i < 4; i++) {
        const c = new WebClient(s.url);
        expect((await c.login(EXPERT.email, `doan-mo-${i}-lan`, from(`198.51.100.${i + 1}`))).status).toBe(401);
      }
      const owner = new WebClient(s.url);
      const locked = await owner.login(EXPERT.email.toUpperCase(), EXPERT.password, from('192.0.2.50'));
      expect(locked.status).toBe(429);
      expect(locked.text).toContain('Tài khoản này bị nhập sai mật khẩu quá nhiều lần nên tạm khóa đăng nhập. Vui lòng thử lại sau 15 phút.');
      expect((await new WebClient(s.url).login(ADMIN.email, ADMIN.password, from('198.51.100.1'))).status).toBe(303);
    } finally {
      await s.stop();
    }
  });
});

describe('without TRUST_PROXY', () => {
  it('ignores X-Forwarded-For: rotating it does not defeat the sign-in limit', async () => {
    const s = await startWebServer({ loginLimit: { limit: 3, windowMs: 60_000, perAccount: { limit: 100, windowMs: 60_000 } } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await new WebClient(s.url).login(ADMIN.email, `sai-${i}-mat-khau`, from(`198.51.100.${i + 1}`))).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    } finally {
      await s.stop();
    }
  });

  it('ignores X-Forwarded-Proto: a client cannot make the server believe the request was HTTPS', async () => {
    const s = await startWebServer();
    try {
      const c = new WebClient(s.url);
      expect(cookieLine((await c.get('/console/login', PROXY_HTTPS)).headers, 'trolyxa_csrf')).not.toMatch(/Secure/);
      const signedIn = await c.post('/console/login', { email: ADMIN.email, password: ADMIN.password }, c.csrf, PROXY_HTTPS);
      expect(cookieLine(signedIn.headers, 'trolyxa_session')).not.toMatch(/Secure/);
    } finally {
      await s.stop();
    }
  });
});
