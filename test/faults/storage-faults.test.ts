import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SORRY } from '../../src/channels/telegram/texts.js';
import { Database } from '../../src/storage/database.js';
import { person, postUpdate, privateChat, startTelegramHarness, TEST_SECRET, textUpdate, type TelegramHarness } from '../helpers/telegram-emulator.js';

const lan = person(424242, 'Lan');
const QUESTION = 'Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?';
const OUT_OF_SCOPE = 'Thời tiết Quảng Ngãi ngày mai thế nào?';

/** A logger whose JSON lines the test can read. */
function capturingLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

let h: TelegramHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('the database failing under the webhook', () => {
  it('disk full: the webhook answers 500 with a clear log line, nothing is answered, and the re-delivery is answered once', async () => {
    const { logger, lines } = capturingLogger();
    h = await startTelegramHarness({ logger });
    const db = h.app.db;
    // No page may be added any more, and the free space left in the file is used up.
    await db.exec('CREATE TABLE ballast (x BLOB)');
    const { page_count } = (await db.get<{ page_count: number }>('PRAGMA page_count'))!;
    await db.exec(`PRAGMA max_page_count = ${page_count}`);
    await expect(
      (async () => {
        for (;;) await db.run('INSERT INTO ballast (x) VALUES (zeroblob(2000))');
      })(),
    ).rejects.toThrow(/full/);

    // A long question: storing it needs new pages.
    const update = textUpdate({ chat: privateChat(lan), from: lan, text: `${QUESTION} ${'xin hỏi thêm chi tiết '.repeat(300)}` });
    const refused = await postUpdate(h.url, update, { secret: TEST_SECRET });
    expect(refused.status).toBe(500);
    await h.deps.background.idle();
    expect(h.emulator.messagesTo(lan.id)).toEqual([]);
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; err?: { message: string }; level: number });
    const line = logged.find((l) => l.msg.includes('cannot store an incoming update'));
    expect(line?.level).toBe(50);
    expect(line?.err?.message).toMatch(/SQLITE_FULL: database or disk is full/);

    // Space comes back; Telegram delivers the update again and it is answered once.
    await db.exec('DROP TABLE ballast; PRAGMA max_page_count = 1073741823');
    expect((await postUpdate(h.url, update, { secret: TEST_SECRET })).status).toBe(200);
    expect((await postUpdate(h.url, update, { secret: TEST_SECRET })).status).toBe(200);
    await h.deps.background.idle();
    const answers = h.emulator.messagesTo(lan.id);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.plain).toContain('✂️');
  });

  it('database locked by another process: 500 once the lock wait runs out, then answered normally', async () => {
    const { logger, lines } = capturingLogger();
    h = await startTelegramHarness({ logger });
    const other = await Database.open(h.app.db.file);
    let release!: () => void;
    const held = other.transaction(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      await new Promise((resolve) => setTimeout(resolve, 50)); // BEGIN IMMEDIATE has taken the write lock
      const update = textUpdate({ chat: privateChat(lan), from: lan, text: QUESTION });
      const refused = await postUpdate(h.url, update, { secret: TEST_SECRET });
      expect(refused.status).toBe(500);
      expect(lines.some((l) => l.includes('cannot store an incoming update') && l.includes('SQLITE_BUSY'))).toBe(true);
      release();
      await held;

      expect((await postUpdate(h.url, update, { secret: TEST_SECRET })).status).toBe(200);
      await h.deps.background.idle();
      expect(h.emulator.messagesTo(lan.id)).toHaveLength(1);
      expect(h.emulator.messagesTo(lan.id)[0]!.plain).toContain('Mẫu số 12');
    } finally {
      release?.();
      await held.catch(() => undefined);
      await other.close();
    }
  }, 20_000);

  it('a write failing in the middle of opening a ticket leaves no partial ticket, and the asker is told to try again', async () => {
    h = await startTelegramHarness();
    // The ticket row goes in, then its first event fails as a full disk would: the whole ticket must roll back.
    await h.app.db.exec(
      "CREATE TEMP TRIGGER fail_ticket_events BEFORE INSERT ON ticket_events BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
    );
    await h.deliverAndSettle(textUpdate({ chat: privateChat(lan), from: lan, text: OUT_OF_SCOPE }));
    expect(h.emulator.messagesTo(lan.id).map((m) => m.plain)).toEqual([SORRY]);
    expect(await h.app.db.all('SELECT id FROM tickets')).toEqual([]);
    expect(await h.app.db.all('SELECT id FROM ticket_events')).toEqual([]);
    expect(await h.app.db.all("SELECT id FROM outbox WHERE kind = 'notify'")).toEqual([]);

    await h.app.db.exec('DROP TRIGGER temp.fail_ticket_events');
    await h.deliverAndSettle(textUpdate({ chat: privateChat(lan), from: lan, text: OUT_OF_SCOPE }));
    const tickets = await h.app.db.all<{ id: number }>('SELECT id FROM tickets');
    expect(tickets).toHaveLength(1);
    expect(h.emulator.messagesTo(lan.id).at(-1)!.plain).toContain(`phiếu số #${tickets[0]!.id}`);
  });
});
