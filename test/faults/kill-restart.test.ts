import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/storage/database.js';
import { createTestApp } from '../helpers/app-fixture.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { person, postUpdate, privateChat, TelegramEmulator, TEST_SECRET, textUpdate } from '../helpers/telegram-emulator.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const EXPERT = person(7001, 'Minh');
const ANSWERABLE = [
  'Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?',
  'trợ cấp thờ cúng liệt sĩ bao nhiêu',
  'thủ tục cấp lại bằng tổ quốc ghi công',
];
const OUT_OF_SCOPE = 'Thời tiết Quảng Ngãi ngày mai thế nào?';
const UPDATES = 60;

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `trolyxa serve` in its own process, as in production; resolves once /healthz answers. */
async function startServer(env: Record<string, string>, url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'trolyxa.js'), 'serve'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) return child;
    if (Date.now() > deadline) throw new Error(`server did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('kill -9 in the middle of a load of questions and escalations', () => {
  it('answers or escalates every acknowledged update exactly once after a restart; the database stays sound', async () => {
    const emulator = await TelegramEmulator.start();
    const dataDir = await makeTempDir();
    // Prepare the data folder (knowledge ingested, one expert on Telegram) with the app the server will open.
    const { app, cleanup } = await createTestApp({}, dataDir);
    await app.stores.users.add(
      { channel: 'telegram', channelUserId: String(EXPERT.id), chatId: String(EXPERT.id), displayName: 'Chuyên gia Minh', role: 'expert', topics: ['*'] },
      new Date().toISOString(),
    );
    await cleanup();

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      DATA_DIR: dataDir,
      KNOWLEDGE_DIR: path.join(ROOT, 'knowledge'),
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      QUESTIONS_PER_MINUTE: '0',
      TELEGRAM_BOT_TOKEN: emulator.token,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_URL: 'https://trolyxa.example.vn/webhooks/telegram',
      TELEGRAM_WEBHOOK_SECRET: TEST_SECRET,
      TELEGRAM_API_ROOT: emulator.apiRoot,
    };
    let server = await startServer(env, url);

    // One question per chat, so every chat's messages answer exactly one update; every fourth is out of scope.
    const askers = Array.from({ length: UPDATES }, (_, i) => person(300_000 + i, `Cán bộ ${i}`));
    const updates = askers.map((asker, i) =>
      textUpdate({ chat: privateChat(asker), from: asker, text: i % 4 === 3 ? OUT_OF_SCOPE : ANSWERABLE[i % 3]!, updateId: 900_000 + i }),
    );
    const escalating = new Set(updates.filter((_, i) => i % 4 === 3).map((u) => u.update_id));

    // The kill comes while the emulated Telegram is taking the 12th answer, before it replies.
    let answersSeen = 0;
    let answeredBeforeKill = 0;
    emulator.sendListeners.push((message) => {
      if (message.chat_id === String(EXPERT.id)) return;
      answersSeen += 1;
      if (answersSeen === 12) {
        answeredBeforeKill = answersSeen;
        server.kill('SIGKILL');
      }
    });
    const acked = new Set<number>();
    await Promise.all(
      updates.map(async (update, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 3));
        const response = await postUpdate(url, update, { secret: TEST_SECRET }).catch(() => undefined);
        if (response?.status === 200) acked.add(update.update_id);
      }),
    );
    await exited(server);
    expect(server.signalCode).toBe('SIGKILL');
    expect(answeredBeforeKill).toBe(12);
    expect(acked.size).toBeGreaterThan(12);
    const unanswered = [...acked].filter((id) => {
      const chat = updates.find((u) => u.update_id === id)!.message!.chat.id;
      return emulator.messagesTo(chat).length === 0;
    });
    expect(unanswered.length, 'some acknowledged updates were still in progress at the kill').toBeGreaterThan(0);

    // What the dead process had recorded as finished (opening the file recovers its write-ahead log).
    const atKill = await Database.open(path.join(dataDir, 'trolyxa.sqlite'));
    const doneAtKill = new Set(
      (await atKill.all<{ update_id: string }>("SELECT update_id FROM processed_updates WHERE channel = 'telegram' AND done_at IS NOT NULL")).map(
        (r) => Number(r.update_id),
      ),
    );
    await atKill.close();
    const receivedBeforeRestart = new Map(askers.map((a) => [a.id, emulator.messagesTo(a.id).length]));

    // Restart on the same data; Telegram re-delivers what was not acknowledged, and a few acknowledged ones again.
    server = await startServer(env, url);
    const redeliver = [...updates.filter((u) => !acked.has(u.update_id)), ...updates.filter((u) => acked.has(u.update_id)).slice(0, 5)];
    for (const update of redeliver) expect((await postUpdate(url, update, { secret: TEST_SECRET })).status).toBe(200);

    const everyoneAnswered = () => askers.every((a) => emulator.messagesTo(a.id).length > 0);
    const deadline = Date.now() + 30_000;
    while (!everyoneAnswered() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(askers.filter((a) => emulator.messagesTo(a.id).length === 0).map((a) => a.id)).toEqual([]);
    // Let the outbox deliver (and record as sent) a notification of every ticket, then stop cleanly. The
    // database is read beside the running server (WAL), however long a loaded machine takes.
    const file = path.join(dataDir, 'trolyxa.sqlite');
    const pendingNotifications = async () => {
      const live = await Database.open(file);
      try {
        const [row] = await live.all<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'notify' AND status <> 'sent'");
        const [tickets] = await live.all<{ n: number }>('SELECT COUNT(*) AS n FROM tickets');
        return row!.n + Math.max(0, escalating.size - tickets!.n);
      } finally {
        await live.close();
      }
    };
    const notifyDeadline = Date.now() + 60_000;
    while ((await pendingNotifications()) > 0 && Date.now() < notifyDeadline) await new Promise((resolve) => setTimeout(resolve, 200));
    server.kill('SIGTERM');
    await exited(server);

    expect(await Database.openReadOnlyCheck(file)).toBe('ok');
    const db = await Database.open(file);
    try {
      const logged = await db.all<{ source_key: string; n: number }>(
        "SELECT source_key, COUNT(*) AS n FROM question_log WHERE source_key LIKE 'telegram:%' GROUP BY source_key",
      );
      // Every update was answered or escalated, and logged exactly once.
      expect(logged).toHaveLength(UPDATES);
      expect(logged.every((r) => r.n === 1)).toBe(true);
      const tickets = await db.all<{ id: number; source_key: string }>('SELECT id, source_key FROM tickets');
      expect(tickets.map((t) => Number(t.source_key.split(':')[1])).sort()).toEqual([...escalating].sort());
      const notifications = await db.all<{ ticket_id: number; status: string }>("SELECT ticket_id, status FROM outbox WHERE kind = 'notify'");
      expect(notifications.map((n) => n.ticket_id).sort()).toEqual(tickets.map((t) => t.id).sort());
      expect(notifications.every((n) => n.status === 'sent')).toBe(true);
      const unfinished = await db.all('SELECT update_id FROM processed_updates WHERE done_at IS NULL');
      expect(unfinished).toEqual([]);
    } finally {
      await db.close();
    }
    // Each escalation's ticket number reached its asker.
    for (const update of updates.filter((u) => escalating.has(u.update_id))) {
      expect(emulator.messagesTo(update.message!.chat.id)[0]!.plain).toMatch(/phiếu số #\d+/);
    }
    // A message is repeated exactly when Telegram had taken the answer but the dead process had not yet
    // recorded the update as done; the repeat is the stored reply, word for word (same ticket number).
    const expected = updates.map((u) => {
      const chat = u.message!.chat.id;
      return receivedBeforeRestart.get(chat)! > 0 && !doneAtKill.has(u.update_id) ? 2 : 1;
    });
    expect(updates.map((u) => emulator.messagesTo(u.message!.chat.id).length)).toEqual(expected);
    const repeatedChats = askers.filter((a) => emulator.messagesTo(a.id).length > 1);
    for (const asker of repeatedChats) {
      const texts = new Set(emulator.messagesTo(asker.id).map((m) => m.text));
      expect(texts.size).toBe(1);
    }
    console.info(
      `kill -9: ${acked.size} updates acknowledged, ${unanswered.length} of them unanswered at the kill, ${doneAtKill.size} recorded as done, ${repeatedChats.length} answers repeated after the restart`,
    );
    await emulator.close();
  }, 120_000);
});
