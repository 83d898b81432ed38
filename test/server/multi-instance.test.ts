import { cp, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { EscalationService } from '../../src/escalation/escalation-service.js';
import { createPostgresEscalationStores } from '../../src/storage/postgres/escalation-stores.js';
import { migratePostgres } from '../../src/storage/postgres/migrate.js';
import { PgDatabase } from '../../src/storage/postgres/pg-database.js';
import { ROOT } from '../helpers/app-fixture.js';
import { describePostgres, usePostgresDatabase } from '../helpers/postgres.js';
import { person, postUpdate, privateChat, TelegramEmulator, TEST_SECRET, textUpdate } from '../helpers/telegram-emulator.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { ZaloBotEmulator, zaloTextUpdate } from '../helpers/zalo-bot-emulator.js';
import { WebClient } from '../web/web-fixture.js';
import { freePort, startServe, type ServeProcess } from './serve-process.js';

/*
 * Issue 16: two real `trolyxa serve` processes on two ports sharing one PostgreSQL database, with the
 * Telegram (webhooks) and Zalo Bot (polling) APIs emulated on loopback. A console login and a document
 * uploaded on A work on B; 150 webhook updates are spread over both (30 of them delivered to both) and A is
 * killed with SIGKILL in the middle: every update is answered once, its ticket opens once, each expert
 * answer is relayed once, and B answers what A had acknowledged and left (the lease is 5 s here). The
 * Zalo Bot polling loop runs on A alone, then moves to B.
 */

const UPDATES = 150;
const BOTH = 30;
const ANSWERABLE = [
  'Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?',
  'trợ cấp thờ cúng liệt sĩ bao nhiêu',
  'thủ tục cấp lại bằng tổ quốc ghi công',
];
const OUT_OF_SCOPE = 'Thời tiết Quảng Ngãi ngày mai thế nào?';
const EXPERT = person(7001, 'Minh');
const ADMIN = { email: 'quantri@soNoiVu.gov.vn'.toLowerCase(), password: 'Mat-khau-quan-tri-2026' };
const NEW_DOCUMENT = `---
id: ho-tro-nuoi-ong-mat
title: "Hỗ trợ nuôi ong mật cho hộ gia đình người có công"
doc_type: huong-dan
status: in_force
topic: [thu-nghiem]
verified: false
reviewed: 2026-11-01
source_url: https://example.invalid/ong-mat
---

## Hồ sơ đề nghị hỗ trợ nuôi ong mật

Hồ sơ đề nghị hỗ trợ nuôi ong mật của hộ gia đình người có công gồm: đơn đề nghị hỗ trợ nuôi ong mật; giấy xác nhận hộ nuôi ong mật của Ủy ban nhân dân xã.
`;

const processes: ServeProcess[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const serve of processes) serve.child.kill('SIGKILL');
  await Promise.all(processes.map((serve) => serve.exited));
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** Polls `probe` every 100 ms until it gives something, or fails after `timeoutMs` saying what was awaited. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describePostgres('several trolyxa serve processes on one PostgreSQL database', () => {
  const database = usePostgresDatabase();

  it('shares sessions and knowledge, answers every update once through a SIGKILL, and moves polling to the survivor', async () => {
    const began = Date.now();
    const phase = (name: string) => process.env['DEBUG_MULTI'] && console.info(`[multi-instance] ${((Date.now() - began) / 1000).toFixed(1)} s: ${name}`);
    const telegram = await TelegramEmulator.start();
    const zalo = await new ZaloBotEmulator().start();
    const dir = await makeTempDir();
    cleanups.push(() => telegram.close(), () => zalo.stop(), () => rm(dir, { recursive: true, force: true }));
    // The instances share the knowledge folder (uploads land in it), as they would on a shared volume.
    const knowledgeDir = path.join(dir, 'knowledge');
    await cp(path.join(ROOT, 'knowledge'), knowledgeDir, { recursive: true });

    const db = await PgDatabase.open(database.url, { maxConnections: 4 });
    cleanups.push(() => db.close());
    await migratePostgres(db);
    const stores = createPostgresEscalationStores(db, { instanceId: 'test' });
    const expert = await stores.users.add(
      { channel: 'telegram', channelUserId: String(EXPERT.id), chatId: String(EXPERT.id), displayName: 'Chuyên gia Minh', role: 'expert', topics: ['*'] },
      new Date().toISOString(),
    );

    const shared = {
      DATABASE_URL: database.url,
      KNOWLEDGE_DIR: knowledgeDir,
      INBOX_LEASE_SECONDS: '5',
      LOG_LEVEL: 'warn',
      QUESTIONS_PER_MINUTE: '0',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_URL: 'https://trolyxa.example.vn/webhooks/telegram',
      TELEGRAM_WEBHOOK_SECRET: TEST_SECRET,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      ZALO_BOT_TOKEN: zalo.token,
      ZALO_BOT_MODE: 'polling',
      ZALO_BOT_API_ROOT: zalo.apiRoot,
    };
    const start = async (id: string) => {
      const serve = startServe({ ...shared, INSTANCE_ID: id, PORT: String(await freePort()), DATA_DIR: path.join(dir, id) }, dir);
      processes.push(serve);
      return serve;
    };
    // A starts first and ingests the knowledge folder into the empty database; B finds it there.
    const a = await start('may-a');
    await a.waitForHealth((h) => h.channels['zalo-bot'] === 'active', 90_000);
    const b = await start('may-b');
    const standby = await b.waitForHealth((h) => h.channels['telegram'] === 'active' && h.channels['zalo-bot']?.startsWith('standby') === true, 90_000);
    expect(standby.instance).toBe('may-b');

    // ── polling runs on one instance: A answers what the Zalo Bot API hands out ──
    phase('polling runs on one instance: A answers what the Zalo Bot API hands out');
    zalo.queueUpdate(zaloTextUpdate('zalo-chat-1', ANSWERABLE[0]!));
    await zalo.waitForSent('zalo-chat-1', 1, 30_000);

    // ── a console login on A is valid on B, and so is its CSRF token ──
    phase('a console login on A is valid on B, and so is its CSRF token');
    const onA = new WebClient(a.url);
    expect((await onA.login(ADMIN.email, ADMIN.password)).location).toBe('/console');
    const onB = new WebClient(b.url);
    for (const [name, value] of onA.cookies) onB.cookies.set(name, value);
    const page = await onB.get('/console/knowledge');
    expect(page.status).toBe(200);
    expect(onB.csrf).not.toBe('');

    // ── a document uploaded on A (with the token B's page gave) is answered on B within 10 s ──
    phase("a document uploaded on A (with the token B's page gave) is answered on B within 10 s");
    const form = new FormData();
    form.set('_csrf', onB.csrf);
    form.set('file', new Blob([NEW_DOCUMENT]), 'ong-mat.md');
    const uploaded = await onA.postMultipart('/console/knowledge/upload', form);
    expect(uploaded.location).toBe('/console/knowledge/doc/ho-tro-nuoi-ong-mat');
    const reader = person(650_000, 'Cán bộ đọc');
    let updateId = 650_000;
    const answeredOnB = await eventually(
      'B to answer from the document uploaded on A',
      async () => {
        updateId += 1;
        const chatCount = telegram.messagesTo(reader.id).length;
        const update = textUpdate({ chat: privateChat(reader), from: reader, text: 'Hồ sơ đề nghị hỗ trợ nuôi ong mật gồm những gì?', updateId });
        expect((await postUpdate(b.url, update, { secret: TEST_SECRET })).status).toBe(200);
        const reply = await telegram.waitFor(() => telegram.messagesTo(reader.id)[chatCount], 10_000);
        return reply.plain.includes('Hỗ trợ nuôi ong mật cho hộ gia đình người có công') ? reply : undefined;
      },
      10_000,
    );
    expect(answeredOnB.plain).toContain('giấy xác nhận hộ nuôi ong mật');

    // ── 150 updates over both instances, 30 to both; A is killed in the middle ──
    phase('150 updates over both instances, 30 to both; A is killed in the middle');
    const askers = Array.from({ length: UPDATES }, (_, i) => person(700_000 + i, `Cán bộ ${i}`));
    const updates = askers.map((asker, i) =>
      textUpdate({ chat: privateChat(asker), from: asker, text: i % 4 === 3 ? OUT_OF_SCOPE : ANSWERABLE[i % 3]!, updateId: 800_000 + i }),
    );
    const loadKeys = new Set(updates.map((u) => `telegram:${u.update_id}`));
    const escalating = new Set(updates.filter((_, i) => i % 4 === 3).map((u) => `telegram:${u.update_id}`));
    const askerChats = new Set(askers.map((p) => String(p.id)));
    let answers = 0;
    let killed = false;
    // A's replies are those that reach Telegram until A is gone, not until the signal is sent: one it had on
    // the wire when it was killed is read here moments after its exit. B cannot send those updates' replies in
    // that moment: A's claims on them hold for the 5 s lease.
    let aGone = false;
    void a.exited.then(() => setTimeout(() => (aGone = true), 1_000));
    const sentBeforeKill = new Set<string>();
    telegram.sendListeners.push((message) => {
      if (!askerChats.has(message.chat_id) || aGone) return;
      sentBeforeKill.add(message.chat_id);
      if (killed) return;
      answers += 1;
      if (answers === 40) {
        killed = true;
        a.child.kill('SIGKILL');
      }
    });
    /** A load balancer: to the instance chosen, and to the other one when that one does not acknowledge. */
    const deliver = async (update: (typeof updates)[number], first: ServeProcess, other: ServeProcess) => {
      const response = await postUpdate(first.url, update, { secret: TEST_SECRET }).catch(() => undefined);
      if (response?.status === 200) return;
      expect((await postUpdate(other.url, update, { secret: TEST_SECRET })).status).toBe(200);
    };
    await Promise.all(
      updates.map(async (update, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 8));
        const [first, other] = i % 2 === 0 ? [a, b] : [b, a];
        // Every fifth is delivered twice, once to each (a platform re-delivery landing on the other instance).
        await Promise.all(i % 5 === 0 ? [deliver(update, first, other), deliver(update, other, first)] : [deliver(update, first, other)]);
      }),
    );
    await eventually('A to be killed', () => killed, 60_000);
    expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // What A left: claimed by it and not done. Nobody else may touch these before the 5 s lease runs out.
    const leftByA = new Set(
      (await db.all<{ update_id: string }>("SELECT update_id FROM processed_updates WHERE claimed_by = 'may-a' AND done_at IS NULL")).map((r) => `telegram:${r.update_id}`),
    );

    // B answers everything, A's unfinished updates included (its sweep, once A's lease ran out).
    await eventually('every asker to get an answer', () => askers.every((p) => telegram.messagesTo(p.id).length > 0), 60_000);
    await eventually(
      'no unfinished update',
      async () => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM processed_updates WHERE done_at IS NULL'))!.n === 0,
      30_000,
    );

    // ── polling moved to B ──
    phase('polling moved to B');
    await b.waitForHealth((h) => h.channels['zalo-bot'] === 'active', 45_000);
    zalo.queueUpdate(zaloTextUpdate('zalo-chat-2', ANSWERABLE[1]!));
    await zalo.waitForSent('zalo-chat-2', 1, 30_000);

    // ── every update logged once, every escalation's ticket once ──
    phase("every update logged once, every escalation's ticket once");
    const logged = await db.all<{ source_key: string; n: number }>(
      "SELECT source_key, COUNT(*) AS n FROM question_log WHERE source_key LIKE 'telegram:8%' GROUP BY source_key",
    );
    expect(logged.filter((r) => loadKeys.has(r.source_key))).toHaveLength(UPDATES);
    expect(logged.filter((r) => r.n !== 1)).toEqual([]);
    const tickets = (await db.all<{ id: number; source_key: string }>('SELECT id, source_key FROM tickets')).filter((t) => loadKeys.has(t.source_key));
    expect(tickets.map((t) => t.source_key).sort()).toEqual([...escalating].sort());
    // One answer per update; a second only where A had sent it and died before recording it, and then word for word.
    const twice: string[] = [];
    for (const update of updates) {
      const messages = telegram.messagesTo(update.message!.chat.id);
      const key = `telegram:${update.update_id}`;
      if (messages.length === 1) continue;
      expect(leftByA.has(key) && sentBeforeKill.has(String(update.message!.chat.id)), `${key} was answered ${messages.length} times; left by A ${leftByA.has(key)}, sent before kill ${sentBeforeKill.has(String(update.message!.chat.id))}`).toBe(true);
      expect(messages).toHaveLength(2);
      expect(messages[1]!.text).toBe(messages[0]!.text);
      twice.push(key);
    }

    // ── each expert answer is relayed once, by whichever instance claims it ──
    phase('each expert answer is relayed once, by whichever instance claims it');
    const escalation = new EscalationService(stores);
    for (const ticket of tickets) await escalation.answer(ticket.id, expert.id, `Trả lời của chuyên gia cho phiếu #${ticket.id}.`);
    const relayed = (chatId: number) => telegram.messagesTo(chatId).filter((m) => m.plain.includes('Trả lời của chuyên gia cho phiếu #'));
    const escalatedChats = updates.filter((u) => escalating.has(`telegram:${u.update_id}`)).map((u) => u.message!.chat.id);
    await eventually('every relay to reach its asker', () => escalatedChats.every((chat) => relayed(chat).length > 0), 30_000);
    // The message reaches the chat just before the instance records it as sent.
    const readRelays = () => db.all<{ ticket_id: number; status: string; claimed_by: string }>("SELECT ticket_id, status, claimed_by FROM outbox WHERE kind = 'relay'");
    await eventually('every relay to be recorded as sent', async () => (await readRelays()).every((r) => r.status === 'sent'), 10_000);
    const relays = await readRelays();
    expect(relays).toHaveLength(tickets.length);
    expect(relays.every((r) => r.status === 'sent' && r.claimed_by === 'may-b')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // an outbox run or two more: nothing is sent again
    expect(escalatedChats.map((chat) => relayed(chat).length)).toEqual(escalatedChats.map(() => 1));
    const notifications = await db.all<{ n: number; sent: number }>(
      "SELECT COUNT(*) AS n, SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END) AS sent FROM outbox WHERE kind = 'notify'",
    );
    expect(notifications[0]!.n).toBeGreaterThanOrEqual(tickets.length);
    console.info(
      `two instances: ${UPDATES} updates (${BOTH} to both), A killed after ${answers} answers with ${leftByA.size} updates unfinished; ${twice.length} answers repeated word for word; ${tickets.length} tickets, ${relays.length} relays`,
    );
  }, 300_000);
});
