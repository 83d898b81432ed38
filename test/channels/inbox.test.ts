import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceKeyOf, UnstorableUpdateError } from '../../src/storage/update-inbox.js';
import { SqliteUpdateInbox } from '../../src/storage/sqlite/inbox-repository.js';
import { Database } from '../../src/storage/database.js';
import { makeTempDir } from '../helpers/temp-dir.js';

let dir: string;
let db: Database;
let inbox: SqliteUpdateInbox;

beforeEach(async () => {
  dir = await makeTempDir();
  db = await Database.open(path.join(dir, 'db.sqlite'));
  inbox = new SqliteUpdateInbox(db);
});
afterEach(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the durable inbox, written in batches', () => {
  it('stores a burst once per update: repeats in the same burst and in later ones are duplicates', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => String(i));
    // 250 new updates plus every tenth one twice, all in the same turn (more than one statement's worth).
    const burst = [...ids.map((id) => ['telegram', id]), ...ids.filter((_, i) => i % 10 === 0).map((id) => ['telegram', id]), ['zalo-bot', '7']];
    const firsts = await Promise.all(burst.map(([channel, id]) => inbox.accept(channel!, id!, { text: `câu hỏi ${id}` })));
    // Exactly one delivery of each update is new (which one, when two statements race, does not matter).
    const newPerKey = new Map<string, number>();
    burst.forEach(([channel, id], i) => newPerKey.set(`${channel}/${id}`, (newPerKey.get(`${channel}/${id}`) ?? 0) + (firsts[i] ? 1 : 0)));
    expect(newPerKey.size).toBe(251);
    expect([...newPerKey.values()].every((n) => n === 1)).toBe(true);
    expect(await inbox.accept('telegram', '3', {})).toBe(false);
    expect(await inbox.accept('zalo-oa', '3', {})).toBe(true);

    const unfinished = await inbox.claimAbandoned('telegram', { atStart: true });
    expect(unfinished).toHaveLength(250);
    expect(unfinished.find((u) => u.updateId === '42')!.payload).toEqual({ text: 'câu hỏi 42' });

    await Promise.all(ids.slice(0, 200).map((id) => inbox.done('telegram', id)));
    expect((await inbox.claimAbandoned('telegram', { atStart: true })).map((u) => u.updateId).sort()).toEqual(ids.slice(200).sort());
    expect(await db.get('SELECT count(*) AS n FROM processed_updates WHERE payload_json IS NOT NULL AND done_at IS NOT NULL')).toEqual({ n: 0 });
  });

  it('fails every update of a batch that cannot be stored, and stores none of them', async () => {
    await db.exec("CREATE TEMP TRIGGER full BEFORE INSERT ON processed_updates WHEN NEW.update_id = 'b' BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    const results = await Promise.allSettled(['a', 'b', 'c'].map((id) => inbox.accept('telegram', id, {})));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/disk is full/);
    expect(await inbox.claimAbandoned('telegram', { atStart: true })).toEqual([]);
    await db.exec('DROP TRIGGER temp.full');
    expect(await Promise.all(['a', 'c'].map((id) => inbox.accept('telegram', id, {})))).toEqual([true, true]);
  });

  it('takes an update whose source key the question log or a ticket bears as a duplicate, after the inbox forgot it', async () => {
    const at = new Date().toISOString();
    expect(await inbox.accept('zalo-oa', 'm1', {})).toBe(true);
    expect(await inbox.accept('telegram', '77', {})).toBe(true);
    await db.run(
      `INSERT INTO question_log (channel, chat_id, user_id, question, query, stage, confidence, citations_json, latency_ms, created_at, source_key)
       VALUES ('zalo-oa', 'u', 'u', 'q', 'q', 'retrieval', 1, '[]', 1, ?, ?)`,
      [at, sourceKeyOf('zalo-oa', 'm1')],
    );
    await db.run(
      `INSERT INTO tickets (asker_channel, asker_chat_id, asker_user_id, question, reason, status, created_at, updated_at, source_key)
       VALUES ('telegram', '1', '1', 'q', 'user_request', 'open', ?, ?, ?)`,
      [at, at, sourceKeyOf('telegram', '77')],
    );
    await Promise.all([inbox.done('zalo-oa', 'm1'), inbox.done('telegram', '77')]);
    // Seven days later the inbox forgets them; a replay is still recognised.
    expect(await new SqliteUpdateInbox(db, () => new Date(Date.now() + 8 * 24 * 3_600_000)).prune(7 * 24 * 3_600_000)).toBe(2);
    expect(await inbox.accept('zalo-oa', 'm1', {})).toBe(false);
    expect(await inbox.accept('telegram', '77', {})).toBe(false);
    expect(await inbox.accept('zalo-oa', 'm2', {})).toBe(true);
    // The checks are index lookups.
    const plan = await db.all<{ detail: string }>(
      `EXPLAIN QUERY PLAN SELECT 1 FROM json_each('[]') WHERE NOT EXISTS (SELECT 1 FROM question_log WHERE source_key = value || ':x')
         AND NOT EXISTS (SELECT 1 FROM tickets WHERE source_key = value || ':x')`,
    );
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/question_log_source[\s\S]*tickets_source/);
  });

  it('refuses a payload that cannot be serialised as unstorable, not as a storage failure', async () => {
    const deep: unknown[] = [];
    let cursor = deep;
    for (let i = 0; i < 200_000; i += 1) cursor = (cursor[0] = []) as unknown[];
    await expect(inbox.accept('telegram', '1', { deep })).rejects.toBeInstanceOf(UnstorableUpdateError);
    expect(await inbox.accept('telegram', '1', {})).toBe(true);
  });
});
