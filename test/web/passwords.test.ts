import { rm } from 'node:fs/promises';
import bcrypt from 'bcryptjs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebAccountStore } from '../../src/web/console/accounts.js';
import { MAX_PASSWORD_BYTES, passwordProblem } from '../../src/web/console/passwords.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { ADMIN, EXPERT, startWebServer, WebClient, type WebServer } from './web-fixture.js';

/** Issue 15, point 8: password rules, sessions on a change, the .env password, and what a failed sign-in logs. */

const isNfc = (text: string) => text === text.normalize('NFC');
/** 24 letters of 3 bytes each (72 bytes), then a different ending: bcrypt reads only the first 72 bytes. */
const SAME_72 = 'ấ'.repeat(24);

describe('password rules', () => {
  it('refuses common passwords, digits only, repeats and runs, in Vietnamese', () => {
    for (const weak of ['1234567890', '0912345678', 'matkhau123', 'Mật khẩu 123', 'mật khẩu @2026', 'P@ssw0rd2024', 'admin12345', 'quantri2026', 'aaaaaaaaaaaa', 'abcabcabcabc', 'qwertyuiop', 'abc123456789', '1q2w3e4r5t', 'trolyxa2026']) {
      const problem = passwordProblem(weak);
      expect(problem, weak).toMatch(/^Mật khẩu quá dễ đoán: /);
      expect(isNfc(problem!)).toBe(true);
    }
    // The account's own e-mail name with a few digits.
    expect(passwordProblem('hoangthilan1990', 'hoangthilan@xa.gov.vn')).toMatch(/thư điện tử/);
    expect(passwordProblem('hoangthilan1990')).toBeUndefined();
    for (const fine of ['sông Trà Khúc mùa lũ 1999', 'Đường lên Bà Nà mưa rơi', 'x8392017465', ADMIN.password, EXPERT.password]) {
      expect(passwordProblem(fine), fine).toBeUndefined();
    }
    expect(passwordProblem('ngắn-quá')).toBe('Mật khẩu phải có ít nhất 10 ký tự.');
  });

  it(`caps a password at ${MAX_PASSWORD_BYTES} UTF-8 bytes, saying so in Vietnamese`, () => {
    const vietnamese = 'Người ở lại Quảng Ngãi xứ núi đồi mưa nắng'; // 42 characters, 61 bytes
    expect(Buffer.byteLength(vietnamese)).toBeLessThanOrEqual(MAX_PASSWORD_BYTES);
    expect(passwordProblem(vietnamese)).toBeUndefined();
    const longer = `${vietnamese} ạ`; // 44 characters, 65 bytes
    const problem = passwordProblem(longer)!;
    expect(problem).toBe(`Mật khẩu dài quá ${MAX_PASSWORD_BYTES} byte (mật khẩu này dài 65 byte; mỗi chữ có dấu tính 2–3 byte). Hãy rút ngắn lại.`);
    expect(isNfc(problem)).toBe(true);
    expect(passwordProblem(`${SAME_72}một`)).toContain('dài quá 64 byte');
  });
});

describe('passwords in the console', () => {
  let s: WebServer;
  let admin: WebClient;
  const lines: string[] = [];

  beforeAll(async () => {
    s = await startWebServer({ logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }) });
    admin = new WebClient(s.url);
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(303);
  });
  afterAll(async () => {
    await s?.stop();
  });

  async function flashAfter(form: Record<string, string>, url = '/console/users/accounts'): Promise<string> {
    await admin.get('/console/users');
    const res = await admin.post(url, form);
    expect(res.status).toBe(303);
    const page = await admin.get('/console/users');
    return /<div class="flash[^"]*"[^>]*>([^<]*)</.exec(page.text)?.[1] ?? '';
  }

  it('refuses weak and over-long passwords when an admin creates an account or sets a password', async () => {
    const create = (password: string) => flashAfter({ email: 'moi@xa.gov.vn', password, role: 'expert', user_id: 'new', display_name: 'Người mới' });
    expect(await create('1234567890')).toContain('Mật khẩu quá dễ đoán: chỉ gồm chữ số');
    expect(await create('matkhau123')).toContain('Mật khẩu quá dễ đoán: là một từ phổ biến kèm vài chữ số');
    expect(await create(`${SAME_72}một`)).toContain('Mật khẩu dài quá 64 byte (mật khẩu này dài 77 byte');
    expect(await new WebAccountStore(s.app.repos.webAccounts).findByEmail('moi@xa.gov.vn')).toBeUndefined();
    const expert = (await new WebAccountStore(s.app.repos.webAccounts).findByEmail(EXPERT.email))!;
    expect(await flashAfter({ password: 'qwertyuiop' }, `/console/users/accounts/${expert.id}/password`)).toContain('Mật khẩu quá dễ đoán');
    expect((await new WebClient(s.url).login(EXPERT.email, EXPERT.password)).status).toBe(303);
  });

  it('never lets two passwords sharing their first 72 bytes both sign in', async () => {
    const accounts = new WebAccountStore(s.app.repos.webAccounts);
    const now = new Date().toISOString();
    // An account whose hash was made before the cap (bcrypt kept only the first 72 bytes of it).
    const user = await s.app.stores.users.add({ channel: 'web', channelUserId: 'legacy', chatId: 'legacy', displayName: 'Cũ', role: 'expert' }, now);
    const legacy = await accounts.create({ email: 'cu@xa.gov.vn', password: 'tam-thoi-doi-sau-1', role: 'expert', userId: user.id }, now);
    await s.app.db.run('UPDATE web_accounts SET password_hash = ? WHERE id = ?', [await bcrypt.hash(`${SAME_72}một`, 4), legacy.id]);
    expect(await bcrypt.compare(`${SAME_72}hai`, (await s.app.db.get<{ password_hash: string }>('SELECT password_hash FROM web_accounts WHERE id = ?', [legacy.id]))!.password_hash)).toBe(true);
    for (const typed of [`${SAME_72}một`, `${SAME_72}hai`]) {
      const res = await new WebClient(s.url).login('cu@xa.gov.vn', typed);
      expect(res.status).toBe(401);
      expect(res.text).toContain('Mật khẩu dài quá 72 byte thì không thể đúng');
    }
  });

  it("ends the account's other sessions when its password changes: own change keeps only this session, an admin reset ends all", async () => {
    const expertA = new WebClient(s.url);
    const expertB = new WebClient(s.url);
    expect((await expertA.login(EXPERT.email, EXPERT.password)).status).toBe(303);
    expect((await expertB.login(EXPERT.email, EXPERT.password)).status).toBe(303);
    const admin2 = new WebClient(s.url);
    expect((await admin2.login(ADMIN.email, ADMIN.password)).status).toBe(303);

    const expert = (await new WebAccountStore(s.app.repos.webAccounts).findByEmail(EXPERT.email))!;
    const newExpertPassword = 'ngọn đèn biển Sa Kỳ 7';
    expect(await flashAfter({ password: newExpertPassword }, `/console/users/accounts/${expert.id}/password`)).toContain('Đã đặt mật khẩu mới');
    expect((await expertA.get('/console/tickets')).status).toBe(303);
    expect((await expertB.get('/console/tickets')).status).toBe(303);

    const me = (await new WebAccountStore(s.app.repos.webAccounts).findByEmail(ADMIN.email))!;
    const newAdminPassword = 'cầu Trà Khúc lúc bình minh';
    expect(await flashAfter({ password: newAdminPassword }, `/console/users/accounts/${me.id}/password`)).toContain('Đã đặt mật khẩu mới');
    expect((await admin.get('/console/users')).status).toBe(200);
    expect((await admin2.get('/console/users')).status).toBe(303);
    expect((await new WebClient(s.url).login(ADMIN.email, ADMIN.password)).status).toBe(401);
    expect((await new WebClient(s.url).login(ADMIN.email, newAdminPassword)).status).toBe(303);
    expect((await new WebClient(s.url).login(EXPERT.email, newExpertPassword)).status).toBe(303);
    // Put the fixture's passwords back for the other tests.
    await new WebAccountStore(s.app.repos.webAccounts).setPassword(me.id, ADMIN.password, new Date().toISOString());
    await new WebAccountStore(s.app.repos.webAccounts).setPassword(expert.id, EXPERT.password, new Date().toISOString());
  });

  it('logs a failed sign-in with the client address and the account id, never what was typed', async () => {
    lines.length = 0;
    const typedPassword = 'MậtKhẩuGõNhầmÔ-2026';
    const unknownEmail = 'nguoi-la-9137@vi-du.vn';
    const c = new WebClient(s.url);
    expect((await c.login(typedPassword, 'bat-ky-mat-khau-1')).status).toBe(401);
    expect((await c.login(unknownEmail, 'bat-ky-mat-khau-2')).status).toBe(401);
    expect((await c.login(EXPERT.email, 'sai-mat-khau-chuyen-gia')).status).toBe(401);
    const failed = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'console sign-in failed');
    expect(failed).toHaveLength(3);
    const expert = (await new WebAccountStore(s.app.repos.webAccounts).findByEmail(EXPERT.email))!;
    expect(failed.map((l) => l['accountId'])).toEqual([undefined, undefined, expert.id]);
    expect(failed.every((l) => l['ip'] === '127.0.0.1')).toBe(true);
    const all = lines.join('\n');
    for (const typed of [typedPassword, 'MậtKhẩu', unknownEmail, 'nguoi-la', EXPERT.email, 'bat-ky-mat-khau', 'sai-mat-khau-chuyen-gia']) expect(all).not.toContain(typed);
  });
});

describe('ADMIN_PASSWORD of .env', () => {
  it('creates the first admin only: a password changed in the console survives a restart with another ADMIN_PASSWORD', async () => {
    const dataDir = await makeTempDir('trolyxa-admin-');
    const env = (password: string) => ({ ADMIN_EMAIL: 'quantri@tinh.gov.vn', ADMIN_PASSWORD: password });
    try {
      const first = await startWebServer({ dataDir, env: env('mat-khau-tu-env-1') });
      const changed = 'hoa sim tím đồi Thiên Ấn';
      try {
        const admin = new WebClient(first.url);
        expect((await admin.login('quantri@tinh.gov.vn', 'mat-khau-tu-env-1')).status).toBe(303);
        const me = (await new WebAccountStore(first.app.repos.webAccounts).findByEmail('quantri@tinh.gov.vn'))!;
        await admin.get('/console/users');
        expect((await admin.post(`/console/users/accounts/${me.id}/password`, { password: changed })).status).toBe(303);
      } finally {
        await first.stop();
      }
      const second = await startWebServer({ dataDir, env: env('mat-khau-tu-env-2') });
      try {
        expect((await new WebClient(second.url).login('quantri@tinh.gov.vn', changed)).status).toBe(303);
        expect((await new WebClient(second.url).login('quantri@tinh.gov.vn', 'mat-khau-tu-env-2')).status).toBe(401);
        expect((await new WebClient(second.url).login('quantri@tinh.gov.vn', 'mat-khau-tu-env-1')).status).toBe(401);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
