import { rm } from 'node:fs/promises';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteEscalationStores } from '../../src/storage/sqlite/escalation-stores.js';
import type { OutboundMessage } from '../../src/escalation/types.js';
import { Database } from '../../src/storage/database.js';
import { MIGRATIONS } from '../../src/storage/migrations.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { ASKER, disposeEnv, FakePort, openEnv, seedStaff, type Env, type Staff } from './harness.js';

/*
 * Issue 15, point 10: after a burst of tickets, an expert's answer waited behind hundreds of expert
 * notifications in the one outbox queue. Messages to askers (relays, delayed answers) must go first, and a
 * relay written while the worker is draining a backlog must be the next message it sends.
 */

let env: Env;
let staff: Staff;

beforeEach(async () => {
  env = await openEnv();
  staff = await seedStaff(env.stores, env.clock.iso());
  // A third expert of mai-tang: three notifications per ticket, as in the reported burst.
  await env.stores.users.add(
    { channel: 'telegram', channelUserId: 'tg-5', chatId: 'chat-5', displayName: 'Vũ Văn Em', role: 'expert', topics: ['mai-tang'] },
    env.clock.iso(),
  );
});

afterEach(() => disposeEnv(env));

const BURST = 139;

/** Opens the burst of tickets: 139 tickets × 3 experts = 417 notifications waiting. */
async function burst(): Promise<number[]> {
  const ids: number[] = [];
  for (let n = 0; n < BURST; n += 1) {
    const ticket = await env.service.createTicket({
      asker: { ...ASKER, userId: `u-${n}`, chatId: `asker-${n}` },
      question: `Câu hỏi số ${n} về mai táng phí?`,
      topic: 'mai-tang',
      reason: 'low_confidence',
    });
    ids.push(ticket.id);
  }
  return ids;
}

/** Runs the outbox as the server does (batches of 50 until a batch comes back short). */
async function drain(port: FakePort): Promise<void> {
  for (;;) {
    const report = await env.service.processOutbox(port, { limit: 50 });
    if (report.claimed < 50) break;
  }
}

const positionOf = (delivered: readonly OutboundMessage[], kind: OutboundMessage['kind']) => delivered.findIndex((m) => m.kind === kind);

describe('the outbox under a notification backlog', () => {
  it('delivers an expert answer to the asker before the notifications queued earlier', async () => {
    const ids = await burst();
    expect(await env.stores.outbox.list({ kind: 'notify', status: 'pending' })).toHaveLength(BURST * 3);
    env.clock.advance(1000);
    await env.service.answer(ids[0]!, staff.maiTang.id, 'Hồ sơ gồm tờ khai và giấy báo tử.');

    const port = new FakePort();
    await drain(port);
    expect(port.delivered).toHaveLength(BURST * 3 + 1);
    // First of 418, where it used to be last.
    expect(positionOf(port.delivered, 'relay')).toBe(0);
    expect(port.delivered[0]).toMatchObject({ kind: 'relay', chatId: 'asker-0', ticketId: ids[0] });
    expect((await env.service.getTicket(ids[0]!))!.status).toBe('relayed');
    // The notifications keep their own order (oldest first) and none is lost.
    const notified = port.delivered.filter((m) => m.kind === 'notify').map((m) => m.id);
    expect(notified).toEqual([...notified].sort((a, b) => a - b));
    expect(await env.stores.outbox.list({ status: 'pending' })).toEqual([]);
  });

  it('sends a relay written while the worker drains the backlog as the very next message', async () => {
    const ids = await burst();
    const answerAfter = 100;
    let answeredAt = -1;
    // The expert answers while the worker is busy with notification number 100 (e.g. waiting on Telegram).
    const port = new (class extends FakePort {
      override async send(message: OutboundMessage) {
        const result = await super.send(message);
        if (this.delivered.length === answerAfter && answeredAt < 0) {
          answeredAt = this.delivered.length;
          await env.service.answer(ids[BURST - 1]!, staff.both.id, 'Nộp tại UBND xã nơi cư trú.');
        }
        return result;
      }
    })();
    await drain(port);
    expect(answeredAt).toBe(answerAfter);
    // Delivered right after the notification that was in flight, ahead of the 317 still waiting.
    expect(positionOf(port.delivered, 'relay')).toBe(answerAfter);
    expect(port.delivered.slice(answerAfter + 1).every((m) => m.kind === 'notify')).toBe(true);
    expect(port.delivered).toHaveLength(BURST * 3 + 1);
  });

  it("puts the assistant's delayed answers ahead of notifications too, and keeps due times (a relay waiting for a retry does not jump ahead)", async () => {
    const ids = await burst();
    await env.service.queueAnswer({ channel: 'telegram', chatId: 'asker-x', text: 'Câu trả lời tự động bị chậm.', key: 'telegram:1' });
    // A relay whose last attempt failed waits for its backoff: it is not due yet.
    await env.service.answer(ids[1]!, staff.maiTang.id, 'Trả lời sẽ gửi sau.');
    const failing = new FakePort().script('relay', { ok: false, retryable: true, error: 'ETIMEDOUT', retryAfterMs: 3_600_000 });
    await env.service.processOutbox(failing, { limit: 2 });
    expect(failing.attempts.map((m) => m.kind)).toEqual(['answer', 'relay']);

    const port = new FakePort();
    await drain(port);
    expect(positionOf(port.delivered, 'relay')).toBe(-1); // still waiting for its retry time
    expect(port.delivered).toHaveLength(BURST * 3);
    env.clock.advance(3_600_000);
    await drain(port);
    expect(port.delivered.at(-1)).toMatchObject({ kind: 'relay', ticketId: ids[1] });
  });
});

describe('migration 9 (outbox priority)', () => {
  it('puts relays and answers already waiting in an upgraded database ahead of the notifications', async () => {
    const root = await makeTempDir('trolyxa-migration-');
    const file = path.join(root, 'old.sqlite');
    try {
      // A database as version 8 left it, with a backlog: notifications first, then a relay.
      const raw = new sqlite3.Database(file);
      const exec = (sql: string) => new Promise<void>((resolve, reject) => raw.exec(sql, (err) => (err ? reject(err) : resolve())));
      await exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
      for (const migration of MIGRATIONS.filter((m) => m.version <= 8)) {
        await exec(migration.sql);
        await exec(`INSERT INTO schema_migrations VALUES (${migration.version}, '2026-01-01T00:00:00.000Z')`);
      }
      const due = '2026-03-01T00:00:00.000Z';
      const rows = [
        ...Array.from({ length: 5 }, (_, n) => `('telegram', 'expert-${n}', 'notify', 'Câu hỏi mới', 'pending', '${due}', '${due}')`),
        `('telegram', 'asker-1', 'relay', 'Chuyên gia trả lời', 'pending', '${due}', '${due}')`,
        `('telegram', 'asker-2', 'answer', 'Câu trả lời tự động', 'pending', '${due}', '${due}')`,
      ];
      await exec(`INSERT INTO outbox (channel, chat_id, kind, text, status, next_attempt_at, created_at) VALUES ${rows.join(', ')}`);
      await new Promise<void>((resolve, reject) => raw.close((err) => (err ? reject(err) : resolve())));

      const db = await Database.open(file);
      try {
        const claimed = await createSqliteEscalationStores(db).outbox.claimDue('2026-03-02T00:00:00.000Z', 3);
        expect(claimed.map((m) => m.kind)).toEqual(['relay', 'answer', 'notify']);
        expect(claimed[2]!.chatId).toBe('expert-0');
      } finally {
        await db.close();
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
