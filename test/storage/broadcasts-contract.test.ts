import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EscalationStores } from '../../src/escalation/stores.js';
import type { BroadcastRepository, NewBroadcast } from '../../src/storage/broadcasts.js';
import { Database } from '../../src/storage/database.js';
import { PgBroadcastRepository } from '../../src/storage/postgres/broadcast-repository.js';
import { createPostgresEscalationStores } from '../../src/storage/postgres/escalation-stores.js';
import { SqliteBroadcastRepository } from '../../src/storage/sqlite/broadcast-repository.js';
import { createSqliteEscalationStores } from '../../src/storage/sqlite/escalation-stores.js';
import { describePostgres, openMigratedPg, usePostgresDatabase } from '../helpers/postgres.js';
import { useTempDir } from '../helpers/temp-dir.js';

/*
 * What every engine's broadcast repository (notices and follow-ups), the users' notice setting and the
 * outbox's new kinds must do (migration 13): one suite, on SQLite always and on PostgreSQL when a server is there.
 */

interface Engine {
  broadcasts: BroadcastRepository;
  stores: EscalationStores;
  close(): Promise<void>;
}

const T = (minute: number): string => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
const notice = (over: Partial<NewBroadcast> = {}): NewBroadcast => ({
  kind: 'notice',
  title: 'Hạn nộp hồ sơ',
  body: 'Trước ngày 15/9.',
  detail: { audience: { topics: ['mai-tang'] } },
  author: 'quantri@sonv.gov.vn',
  createdAt: T(0),
  ...over,
});

function contract(open: () => Promise<Engine>): void {
  let engine: Engine;
  beforeEach(async () => {
    engine = await open();
  });
  afterEach(async () => {
    await engine.close();
  });

  it('writes a notice, its recipients and one low-priority outbox message each; a recipient listed twice once', async () => {
    const { broadcasts, stores } = engine;
    const user = await stores.users.add({ channel: 'telegram', channelUserId: '1', chatId: '1', displayName: 'Chị An', role: 'official', commune: 'Xã A' }, T(0));
    const created = await broadcasts.create(notice({ authorUserId: user.id }), [
      { userId: user.id, channel: 'telegram', chatId: '1', displayName: 'Chị An', commune: 'Xã A', text: 'Thông báo 1' },
      { channel: 'zalo-oa', chatId: 'oa-1', displayName: 'Anh Bình', detail: { answers: [3] }, text: 'Thông báo 2' },
      { channel: 'zalo-oa', chatId: 'oa-1', displayName: 'Anh Bình', text: 'lặp lại' },
    ]);
    expect(await broadcasts.get(created.id)).toEqual({ ...notice({ authorUserId: user.id }), id: created.id });
    const outbox = await stores.outbox.list({ kind: 'notice' });
    expect(outbox.map((m) => [m.channel, m.chatId, m.text, m.dedupKey])).toEqual([
      ['telegram', '1', 'Thông báo 1', `notice:${created.id}:telegram:1`],
      ['zalo-oa', 'oa-1', 'Thông báo 2', `notice:${created.id}:zalo-oa:oa-1`],
    ]);
    const deliveries = await broadcasts.deliveries(created.id);
    expect(deliveries.map((d) => [d.userId, d.channel, d.displayName, d.commune, d.detail, d.status, d.outboxId])).toEqual([
      [user.id, 'telegram', 'Chị An', 'Xã A', {}, 'pending', outbox[0]!.id],
      [undefined, 'zalo-oa', 'Anh Bình', undefined, { answers: [3] }, 'pending', outbox[1]!.id],
    ]);

    // Answers and relays go first: a relay enqueued after the notice is claimed before it.
    await stores.outbox.enqueue({ channel: 'telegram', chatId: '2', kind: 'relay', text: 'Trả lời', createdAt: T(1) });
    const [first] = await stores.outbox.claimDue(T(2), 1);
    expect(first!.kind).toBe('relay');
    const [second] = await stores.outbox.claimDue(T(2), 1);
    expect(second!.kind).toBe('notice');
    await stores.outbox.markSent(second!.id, T(3));
    const [third] = await stores.outbox.claimDue(T(2), 1);
    await stores.outbox.markFailed(third!.id, 1, 'outside the window');
    expect((await broadcasts.deliveries(created.id)).map((d) => [d.status, d.sentAt, d.lastError])).toEqual([
      ['sent', T(3), undefined],
      ['failed', undefined, 'outside the window'],
    ]);
    // The recipient's next message makes it due again (the outbox filter takes several kinds).
    expect((await stores.outbox.requeue({ channel: 'zalo-oa', chatId: 'oa-1', kind: ['relay', 'notice', 'follow_up'] }, T(4))).map((m) => m.id)).toEqual([third!.id]);
    expect(await stores.outbox.list({ kind: [] })).toEqual([]);
  });

  it('lists notices and follow-ups apart, newest first, with their counts per channel and state', async () => {
    const { broadcasts, stores } = engine;
    const one = await broadcasts.create(notice(), [{ channel: 'telegram', chatId: '1', displayName: 'A', text: 'x' }]);
    const two = await broadcasts.create(notice({ createdAt: T(1) }), [
      { channel: 'telegram', chatId: '1', displayName: 'A', text: 'y' },
      { channel: 'telegram', chatId: '2', displayName: 'B', text: 'y' },
    ]);
    const followUp = await broadcasts.create(notice({ kind: 'follow_up', title: 'Nghị định mới' }), [{ channel: 'web', chatId: 'w-1', displayName: 'C', text: 'z' }]);
    // The oldest due message is the first notice's: it is sent.
    const [claimed] = await stores.outbox.claimDue(T(5), 1);
    expect(claimed!.dedupKey).toBe(`notice:${one.id}:telegram:1`);
    await stores.outbox.markSent(claimed!.id, T(5));
    const notices = await broadcasts.list({ kind: 'notice' });
    expect(notices.map((n) => n.id)).toEqual([two.id, one.id]);
    expect(notices[1]!.counts).toEqual([{ channel: 'telegram', status: 'sent', n: 1 }]);
    expect(notices[0]!.counts).toEqual([{ channel: 'telegram', status: 'pending', n: 2 }]);
    expect((await broadcasts.list({ kind: 'follow_up' })).map((b) => [b.id, b.title, b.counts])).toEqual([[followUp.id, 'Nghị định mới', [{ channel: 'web', status: 'pending', n: 1 }]]]);
    expect(await broadcasts.list({ kind: 'notice', limit: 1 })).toHaveLength(1);
    expect(await broadcasts.get(999_999)).toBeUndefined();
    expect(await broadcasts.deliveries(999_999)).toEqual([]);
  });

  it('keeps a user’s notice setting: off, then on again (absent when on)', async () => {
    const { stores } = engine;
    const user = await stores.users.add({ channel: 'zalo-bot', channelUserId: 'z1', chatId: 'z1', displayName: 'Chị Cúc', role: 'official' }, T(0));
    expect(user.noticesOff).toBeUndefined();
    expect((await stores.users.update(user.id, { noticesOff: true }, T(1)))!.noticesOff).toBe(true);
    expect((await stores.users.findByChannelUser('zalo-bot', 'z1'))!.noticesOff).toBe(true);
    expect((await stores.users.update(user.id, { noticesOff: false }, T(2)))!.noticesOff).toBeUndefined();
  });
}

describe('broadcasts on SQLite', () => {
  const dir = useTempDir();
  let n = 0;
  contract(async () => {
    n += 1;
    const db = await Database.open(dir.file(`broadcasts-${n}.sqlite`));
    return { broadcasts: new SqliteBroadcastRepository(db), stores: createSqliteEscalationStores(db), close: () => db.close() };
  });
});

describePostgres('broadcasts on PostgreSQL', () => {
  const database = usePostgresDatabase();
  contract(async () => {
    const db = await openMigratedPg(database.url);
    return { broadcasts: new PgBroadcastRepository(db), stores: createPostgresEscalationStores(db), close: () => db.close() };
  });
});
