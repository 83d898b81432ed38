import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelStateStore } from '../../src/storage/channel-state.js';
import { sourceKeyOf, UnstorableUpdateError, type UpdateInbox } from '../../src/storage/update-inbox.js';
import { SqliteChannelStateStore } from '../../src/storage/sqlite/channel-state-repository.js';
import { SqliteUpdateInbox } from '../../src/storage/sqlite/inbox-repository.js';
import { Database } from '../../src/storage/database.js';
import { PgChannelStateStore } from '../../src/storage/postgres/channel-state.js';
import { PgUpdateInbox } from '../../src/storage/postgres/update-inbox.js';
import { describePostgres, openMigratedPg, usePostgresDatabase } from '../helpers/postgres.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/**
 * The channel state and the update inbox: one suite, run against SQLite always and against PostgreSQL
 * where a server is available (always on CI).
 */
interface Stores {
  channelState: ChannelStateStore;
  inbox: (now?: () => Date) => UpdateInbox & { prune(maxAgeMs: number): Promise<number> };
  /** A statement with `?` placeholders on the engine (seeding rows other stores would write). */
  run(sql: string, params: (string | number | null)[]): Promise<unknown>;
  close(): Promise<void>;
}

function contract(open: () => Promise<Stores>): void {
  let stores: Stores;
  beforeEach(async () => {
    stores = await open();
  });
  afterEach(async () => {
    await stores.close();
  });

  describe('channel state', () => {
    it('returns nothing for a key never set, and the last value set otherwise', async () => {
      const state = stores.channelState;
      expect(await state.get('zalo-oa', 'access_token')).toBeUndefined();
      await state.set('zalo-oa', 'access_token', 'một');
      await state.set('zalo-oa', 'access_token', 'hai');
      await state.set('zalo-bot', 'access_token', 'khác');
      expect(await state.get('zalo-oa', 'access_token')).toBe('hai');
      expect(await state.get('zalo-bot', 'access_token')).toBe('khác');
      expect(await state.get('zalo-oa', 'refresh_token')).toBeUndefined();
    });

    it('keeps the last of concurrent writes whole', async () => {
      const values = Array.from({ length: 20 }, (_, i) => `giá trị ${i} `.repeat(50));
      await Promise.all(values.map((v) => stores.channelState.set('telegram', 'offset', v)));
      expect(values).toContain(await stores.channelState.get('telegram', 'offset'));
    });
  });

  describe('update inbox', () => {
    it('stores an update once: a repeat, even concurrent, is a duplicate; channels are apart', async () => {
      const inbox = stores.inbox();
      const ids = Array.from({ length: 30 }, (_, i) => String(i));
      const burst = [...ids, ...ids.filter((_, i) => i % 5 === 0)];
      const firsts = await Promise.all(burst.map((id) => inbox.accept('telegram', id, { text: `câu hỏi ${id}` })));
      const newPerId = new Map<string, number>();
      burst.forEach((id, i) => newPerId.set(id, (newPerId.get(id) ?? 0) + (firsts[i] ? 1 : 0)));
      expect([...newPerId.values()]).toEqual(ids.map(() => 1));
      expect(await inbox.accept('telegram', '3', {})).toBe(false);
      expect(await inbox.accept('zalo-oa', '3', {})).toBe(true);
    });

    it('lists unfinished updates oldest first with their payloads, and forgets a payload once done', async () => {
      let clock = Date.parse('2026-01-01T00:00:00Z');
      const inbox = stores.inbox(() => new Date(clock));
      for (const id of ['9', '10', '11']) {
        await inbox.accept('telegram', id, { text: `câu ${id}`, n: Number(id) });
        clock += 1000;
      }
      await inbox.done('telegram', '10');
      const unfinished = await inbox.unfinished('telegram');
      expect(unfinished).toEqual([
        { updateId: '9', payload: { text: 'câu 9', n: 9 }, receivedAt: '2026-01-01T00:00:00.000Z' },
        { updateId: '11', payload: { text: 'câu 11', n: 11 }, receivedAt: '2026-01-01T00:00:02.000Z' },
      ]);
      expect(await inbox.unfinished('zalo-bot')).toEqual([]);
    });

    it('keeps the arrival order of updates received at the same instant', async () => {
      const inbox = stores.inbox(() => new Date('2026-01-01T00:00:00Z'));
      for (const id of ['b', 'a', 'c']) await inbox.accept('zalo-bot', id, null);
      expect((await inbox.unfinished('zalo-bot')).map((u) => [u.updateId, u.payload])).toEqual([
        ['b', null],
        ['a', null],
        ['c', null],
      ]);
    });

    it('takes an update whose source key the question log or a ticket bears as a duplicate, after the inbox forgot it', async () => {
      const inbox = stores.inbox();
      const at = new Date().toISOString();
      expect(await inbox.accept('zalo-oa', 'm1', {})).toBe(true);
      expect(await inbox.accept('telegram', '77', {})).toBe(true);
      await stores.run(
        `INSERT INTO question_log (channel, chat_id, user_id, question, query, stage, confidence, citations_json, latency_ms, created_at, source_key)
         VALUES ('zalo-oa', 'u', 'u', 'q', 'q', 'retrieval', 1, '[]', 1, ?, ?)`,
        [at, sourceKeyOf('zalo-oa', 'm1')],
      );
      await stores.run(
        `INSERT INTO tickets (asker_channel, asker_chat_id, asker_user_id, question, reason, status, created_at, updated_at, source_key)
         VALUES ('telegram', '1', '1', 'q', 'user_request', 'open', ?, ?, ?)`,
        [at, at, sourceKeyOf('telegram', '77')],
      );
      await Promise.all([inbox.done('zalo-oa', 'm1'), inbox.done('telegram', '77')]);
      expect(await inbox.accept('zalo-oa', 'fresh', {})).toBe(true); // not done: never pruned
      expect(await stores.inbox(() => new Date(Date.now() + 8 * 24 * 3_600_000)).prune(7 * 24 * 3_600_000)).toBe(2);
      expect(await inbox.accept('zalo-oa', 'm1', {})).toBe(false);
      expect(await inbox.accept('telegram', '77', {})).toBe(false);
      expect(await inbox.accept('zalo-oa', 'm2', {})).toBe(true);
    });

    it('refuses a payload that cannot be serialised as unstorable, and stores nothing', async () => {
      const inbox = stores.inbox();
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      await expect(inbox.accept('telegram', '1', cyclic)).rejects.toBeInstanceOf(UnstorableUpdateError);
      expect(await inbox.unfinished('telegram')).toEqual([]);
      expect(await inbox.accept('telegram', '1', {})).toBe(true);
    });
  });
}

describe('channel stores on SQLite', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  let n = 0;
  contract(async () => {
    n += 1;
    const db = await Database.open(path.join(dir, `stores-${n}.sqlite`));
    return {
      channelState: new SqliteChannelStateStore(db),
      inbox: (now) => new SqliteUpdateInbox(db, now),
      run: (sql, params) => db.run(sql, params),
      close: () => db.close(),
    };
  });
});

describePostgres('channel stores on PostgreSQL', () => {
  const database = usePostgresDatabase();
  contract(async () => {
    const db = await openMigratedPg(database.url);
    return {
      channelState: new PgChannelStateStore(db),
      inbox: (now) => new PgUpdateInbox(db, now),
      run: (sql, params) => db.run(sql, params),
      close: () => db.close(),
    };
  });
});
