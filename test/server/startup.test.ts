import { createServer, type Server } from 'node:net';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { TelegramEmulator } from '../helpers/telegram-emulator.js';
import { blackHole, freePort, startServe, type ServeProcess } from './serve-process.js';

/*
 * Start-up mistakes, with the real `trolyxa serve` in its own process, as `npm start` runs it: a port in
 * use, a Telegram token the (emulated) Bot API refuses with 401, a Telegram that never answers, and
 * Ctrl-C / SIGTERM at any point. The only timing asserted is that the process ends.
 */

const WRONG_TOKEN = '111111111:AAWrongTokenWrongTokenWrongToken';
const ADMIN = { email: 'quantri.dau.tien@xa.gov.vn', password: 'mat-khau-rat-rieng-2026' };

let work: string;
let dataDir: string;
const running: ServeProcess[] = [];

beforeAll(async () => {
  work = await makeTempDir('trolyxa-startup-');
  dataDir = path.join(work, 'data');
});

afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await rm(work, { recursive: true, force: true });
});

function serve(env: Record<string, string>): ServeProcess {
  const p = startServe({ DATA_DIR: dataDir, ...env }, work);
  running.push(p);
  return p;
}

/** The JSON log lines of stderr. */
function logLines(stderr: string): { level: number; msg: string; [key: string]: unknown }[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string });
}

describe('trolyxa serve: start-up mistakes explain themselves', () => {
  it('with the port in use, says so in Vietnamese naming PORT and exits non-zero', async () => {
    const port = await freePort();
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', () => resolve()));
    try {
      const p = serve({ PORT: String(port) });
      const { code } = await p.exited;
      expect(code).not.toBe(0);
      expect(code).not.toBeNull();
      const text = p.stderr();
      expect(text).toContain(`Không mở được cổng ${port} trên 127.0.0.1`);
      expect(text).toContain('đang có chương trình khác dùng');
      expect(text).toMatch(/đặt PORT là một cổng còn trống trong tệp \.env \(ví dụ PORT=\d+\)/);
      expect(text).not.toContain('Cannot destructure');
      expect(text).toBe(text.normalize('NFC'));
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });

  it('with a token Telegram refuses (401): keeps serving, /healthz marks telegram failed, the log says how to fix TELEGRAM_BOT_TOKEN; logs the new admin; Ctrl-C stops it', async () => {
    const telegram = await TelegramEmulator.start();
    try {
      const port = await freePort();
      const p = serve({
        PORT: String(port),
        TELEGRAM_BOT_TOKEN: WRONG_TOKEN,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        INSTANCE_ID: 'may-chu-1',
      });
      const health = await p.waitForHealth((h) => h.channels['telegram']?.startsWith('failed') === true);
      expect(health).toEqual({
        ok: false,
        channels: { web: 'active', telegram: 'failed: Telegram từ chối TELEGRAM_BOT_TOKEN (401: Unauthorized)' },
        instance: 'may-chu-1',
      });
      expect(telegram.callsOf('getMe').map((c) => c.status)).toEqual([401]);

      // The web pages still answer.
      expect((await fetch(`${p.url}/console/login`)).status).toBe(200);

      const lines = logLines(await p.waitForOutput(/Trợ lý Xã đang chạy tại[^\n]*\n/).then(() => p.stderr()));
      const refused = lines.find((l) => l.channel === 'telegram' && l.level >= 50);
      expect(refused?.msg).toContain('Telegram từ chối TELEGRAM_BOT_TOKEN (401: Unauthorized). Sửa TELEGRAM_BOT_TOKEN trong tệp .env');
      expect(refused?.msg).toContain('@BotFather');
      expect(refused?.msg).toContain('Kênh Telegram tạm ngừng; trang web và các kênh khác vẫn chạy.');
      expect(refused?.msg).toBe(refused?.msg.normalize('NFC'));

      // The first admin account: one line naming it, never the password.
      const created = lines.filter((l) => l.msg.startsWith('Đã tạo tài khoản quản trị'));
      expect(created).toHaveLength(1);
      expect(created[0]!.msg).toBe(`Đã tạo tài khoản quản trị đầu tiên ${ADMIN.email} theo ADMIN_EMAIL và ADMIN_PASSWORD trong .env; đăng nhập tại /console.`);
      expect(p.stderr()).not.toContain(ADMIN.password);

      p.child.kill('SIGINT');
      const { code } = await p.exited;
      expect(code).toBe(0);
      expect(p.stderr()).toContain('Đang dừng Trợ lý Xã (SIGINT)…');
      // No new getMe after the refusal: retrying cannot fix a wrong token.
      expect(telegram.callsOf('getMe')).toHaveLength(1);

      // Started again with the same admin: no second "created" line.
      const again = serve({ PORT: String(port), ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
      await again.waitForHealth((h) => h.ok);
      again.child.kill('SIGTERM');
      expect((await again.exited).code).toBe(0);
      expect(again.stderr()).not.toContain('Đã tạo tài khoản quản trị');
    } finally {
      await telegram.close();
    }
  });

  it('with Telegram unreachable, says so in Vietnamese within seconds and keeps trying; SIGINT still stops it', async () => {
    const hole = await blackHole();
    try {
      const port = await freePort();
      const p = serve({ PORT: String(port), TELEGRAM_BOT_TOKEN: WRONG_TOKEN, TELEGRAM_API_ROOT: hole.url });
      // The web side does not wait for Telegram.
      await p.waitForHealth((h) => h.channels['web'] === 'active' && h.channels['telegram']?.startsWith('starting') === true);
      const line = await p.waitForOutput(/Chưa kết nối được tới Telegram sau \d+ giây[^"]*/);
      expect(line).toContain('không tới được Telegram (kiểm tra mạng, DNS, tường lửa)');
      expect(line).toContain('tiếp tục thử kết nối Telegram');
      const health = await p.waitForHealth((h) => h.channels['telegram'] !== 'starting');
      expect(health.ok).toBe(false);
      expect(health.channels['telegram']).toMatch(/^starting: chưa kết nối được tới Telegram sau \d+ giây, đang thử tiếp$/);

      p.child.kill('SIGINT');
      const { code } = await p.exited;
      expect(code).toBe(0);
    } finally {
      await hole.close();
    }
  });

  it('SIGTERM stops a server that is polling Telegram', async () => {
    const telegram = await TelegramEmulator.start();
    telegram.longPollMs = 30_000; // a getUpdates is always pending, as with the real Telegram
    try {
      const port = await freePort();
      const p = serve({ PORT: String(port), TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot });
      const health = await p.waitForHealth((h) => h.ok);
      expect(health.channels).toEqual({ web: 'active', telegram: 'active' });
      await telegram.waitFor(() => telegram.calls.find((c) => c.method === 'getUpdates'));
      p.child.kill('SIGTERM');
      const { code } = await p.exited;
      expect(code).toBe(0);
      expect(p.stderr()).toContain('Đã dừng Trợ lý Xã.');
    } finally {
      await telegram.close();
    }
  });

  it('refuses a bad configuration in Vietnamese, naming each variable (exit 78)', async () => {
    const p = serve({ PORT: 'ba nghìn', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: 'ngan' });
    const { code } = await p.exited;
    expect(code).toBe(78);
    const text = p.stderr();
    expect(text).toContain('Cấu hình chưa đúng (biến môi trường hoặc tệp .env):');
    expect(text).toContain('  - ADMIN_PASSWORD: cần ít nhất 10 ký tự\n');
    expect(text).toContain('  - PORT: phải là một số (đang là “ba nghìn”)');
    expect(text).not.toMatch(/at least|Expected|Invalid|Required/);
    expect(text).not.toContain('ngan”'); // a password is never echoed
  });
});
