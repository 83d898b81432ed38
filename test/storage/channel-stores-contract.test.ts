import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelStateStore } from '../../src/storage/channel-state.js';
import { sourceKeyOf, UnstorableUpdateError, type InboxClaimant, type UnfinishedUpdate, type UpdateInbox } from '../../src/storage/update-inbox.js';
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
  /** An inbox object of one instance (default: instance "local", lease 30 s). */
  inbox: (now?: () => Date, claimant?: InboxClaimant) => UpdateInbox & { prune(maxAgeMs: number): Promise<number> };
  /** SQLite: one process uses the file, so a start takes back every unfinished update. */
  singleProcess: boolean;
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
      const unfinished = await inbox.claimAbandoned('telegram', { atStart: true });
      expect(unfinished).toEqual([
        { updateId: '9', payload: { text: 'câu 9', n: 9 }, receivedAt: '2026-01-01T00:00:00.000Z', attempts: 2 },
        { updateId: '11', payload: { text: 'câu 11', n: 11 }, receivedAt: '2026-01-01T00:00:02.000Z', attempts: 2 },
      ]);
      expect(await inbox.claimAbandoned('zalo-bot', { atStart: true })).toEqual([]);
    });

    it('keeps the arrival order of updates received at the same instant', async () => {
      const inbox = stores.inbox(() => new Date('2026-01-01T00:00:00Z'));
      for (const id of ['b', 'a', 'c']) await inbox.accept('zalo-bot', id, null);
      expect((await inbox.claimAbandoned('zalo-bot', { atStart: true })).map((u) => [u.updateId, u.payload])).toEqual([
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
      expect(await inbox.claimAbandoned('telegram', { atStart: true })).toEqual([]);
      expect(await inbox.accept('telegram', '1', {})).toBe(true);
    });
  });

  describe('inbox leases (several instances on one database)', () => {
    const T0 = Date.parse('2026-03-01T08:00:00Z');
    const LEASE = 30_000;
    let clock: number;
    const now = () => new Date(clock);
    const instance = (instanceId: string) => stores.inbox(now, { instanceId, leaseMs: LEASE });
    const ids = (updates: UnfinishedUpdate[]) => updates.map((u) => u.updateId);
    beforeEach(() => {
      clock = T0;
    });

    it('an update A accepted and never finished is taken over by B once its lease has run out, exactly once', async () => {
      const a = instance('a');
      const b = instance('b');
      expect(await a.accept('telegram', '501', { text: 'hồ sơ mai táng phí' })).toBe(true);
      expect(await b.claimAbandoned('telegram')).toEqual([]);
      clock = T0 + LEASE - 1;
      expect(await b.claimAbandoned('telegram')).toEqual([]);
      clock = T0 + LEASE;
      expect(await b.claimAbandoned('telegram')).toEqual([
        { updateId: '501', payload: { text: 'hồ sơ mai táng phí' }, receivedAt: new Date(T0).toISOString(), attempts: 2 },
      ]);
      expect(await b.claimAbandoned('telegram')).toEqual([]);
      expect(await a.claimAbandoned('telegram')).toEqual([]);
      // A (were it alive after all) no longer holds it; B does, and keeps it by renewing.
      expect(await a.renew('telegram', ['501'])).toEqual([]);
      clock = T0 + LEASE + 20_000;
      expect(await b.renew('telegram', ['501'])).toEqual(['501']);
      clock = T0 + 2 * LEASE + 10_000;
      expect(await a.claimAbandoned('telegram')).toEqual([]);
      // B died too: A takes it over at last.
      clock = T0 + 2 * LEASE + 20_000;
      expect(ids(await a.claimAbandoned('telegram'))).toEqual(['501']);
    });

    it('renewing keeps an update in flight from being taken over; other channels and updates are apart', async () => {
      const a = instance('a');
      const b = instance('b');
      await a.accept('zalo-bot', 'slow', {});
      await a.accept('zalo-bot', 'dead', {});
      await a.accept('zalo-oa', 'slow', {});
      clock = T0 + 20_000;
      expect(await a.renew('zalo-bot', ['slow', 'never-seen'])).toEqual(['slow']);
      clock = T0 + LEASE;
      expect(ids(await b.claimAbandoned('zalo-bot'))).toEqual(['dead']);
      expect(ids(await b.claimAbandoned('zalo-oa'))).toEqual(['slow']);
      clock = T0 + 20_000 + LEASE;
      expect(ids(await b.claimAbandoned('zalo-bot'))).toEqual(['slow']);
    });

    it('never claims a done update again, not even at a start', async () => {
      const a = instance('a');
      const b = instance('b');
      await a.accept('telegram', '1', { n: 1 });
      await a.accept('telegram', '2', { n: 2 });
      await a.done('telegram', '1');
      clock = T0 + 3_600_000;
      expect(ids(await b.claimAbandoned('telegram'))).toEqual(['2']);
      await b.done('telegram', '2');
      clock += 3_600_000;
      expect(await b.claimAbandoned('telegram')).toEqual([]);
      expect(await b.claimAbandoned('telegram', { atStart: true })).toEqual([]);
      expect(await instance('a').claimAbandoned('telegram', { atStart: true })).toEqual([]);
      expect(await b.renew('telegram', ['1', '2'])).toEqual([]);
    });

    it('splits the abandoned updates among concurrent sweeps without overlap', async () => {
      const dead = instance('dead');
      const all = Array.from({ length: 60 }, (_, i) => `u${i}`);
      for (const id of all) await dead.accept('zalo-oa', id, { id });
      clock = T0 + LEASE;
      const sweepers = ['a', 'b', 'c', 'd'].map(instance);
      const claims = await Promise.all(sweepers.flatMap((s) => [s.claimAbandoned('zalo-oa', { limit: 7 }), s.claimAbandoned('zalo-oa', { limit: 9 }), s.claimAbandoned('zalo-oa')]));
      const taken = claims.flatMap(ids);
      expect(new Set(taken).size).toBe(taken.length);
      expect([...taken].sort()).toEqual([...all].sort());
      for (const claim of claims) expect(claim.every((u) => u.attempts === 2 && (u.payload as { id: string }).id === u.updateId)).toBe(true);
      expect(await Promise.all(sweepers.map((s) => s.claimAbandoned('zalo-oa')))).toEqual([[], [], [], []]);
    });

    it('at a start, takes back what an earlier run of the same instance held, before its lease has run out', async () => {
      await instance('a').accept('telegram', 'mine', {});
      await instance('b').accept('telegram', 'theirs', {});
      clock = T0 + 1_000;
      const restarted = instance('a');
      expect(await restarted.claimAbandoned('telegram')).toEqual([]);
      const atStart = ids(await restarted.claimAbandoned('telegram', { atStart: true }));
      // SQLite has one process: whatever is unfinished at a start was left by an earlier run.
      expect(atStart).toEqual(stores.singleProcess ? ['mine', 'theirs'] : ['mine']);
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
      inbox: (now, claimant) => new SqliteUpdateInbox(db, now, claimant),
      singleProcess: true,
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
      inbox: (now, claimant) => new PgUpdateInbox(db, now, claimant),
      singleProcess: false,
      run: (sql, params) => db.run(sql, params),
      close: () => db.close(),
    };
  });
});
