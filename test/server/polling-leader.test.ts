import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelAdapter } from '../../src/channels/types.js';
import { ChannelSupervisor } from '../../src/server/channel-supervisor.js';
import type { LeaderLock } from '../../src/storage/leader-lock.js';

/**
 * A polling channel runs on one instance at a time: the supervisor starts it only while its instance
 * holds the channel's leader lock and stops it once the lock is lost. The lock here is a fake whose
 * holder the test decides; the PostgreSQL lock itself is tested in test/storage/leader-lock.test.ts.
 */

class FakeLock implements LeaderLock {
  /** Names this instance holds. */
  readonly mine = new Set<string>();
  /** Names another instance holds. */
  readonly theirs = new Set<string>();
  readonly released: string[] = [];
  /** The database cannot be reached. */
  down = false;
  private readonly listeners = new Set<() => void>();

  async tryAcquire(name: string): Promise<boolean> {
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    if (this.theirs.has(name)) return false;
    this.mine.add(name);
    return true;
  }

  async isHeld(name: string): Promise<boolean> {
    return this.mine.has(name);
  }

  async release(name: string): Promise<void> {
    this.mine.delete(name);
    this.released.push(name);
  }

  onLost(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {}

  /** The lock's connection broke: every lock is gone and the listeners are told. */
  loseConnection(): void {
    this.mine.clear();
    for (const listener of this.listeners) listener();
  }
}

interface FakeAdapter extends ChannelAdapter {
  running: boolean;
  starts: number;
  stops: number;
}

function pollingAdapter(name: string, start?: () => Promise<void>, polling = true): FakeAdapter {
  const adapter: FakeAdapter = {
    name,
    polling,
    running: false,
    starts: 0,
    stops: 0,
    port: { send: async () => ({ ok: true as const }) },
    async start() {
      adapter.starts += 1;
      await start?.();
      adapter.running = true;
    },
    async stop() {
      adapter.stops += 1;
      adapter.running = false;
    },
  };
  return adapter;
}

function webhookAdapter(name: string): FakeAdapter {
  return pollingAdapter(name, undefined, false);
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

function recordingLogger(): { logger: pino.Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { logger, lines };
}

let supervisor: ChannelSupervisor | undefined;
afterEach(async () => {
  await supervisor?.stop();
  supervisor = undefined;
});

describe('polling channels under a leader lock', () => {
  it('starts a polling channel only once its instance holds the lock; webhook channels start regardless', async () => {
    const lock = new FakeLock();
    lock.theirs.add('poll:telegram');
    const telegram = pollingAdapter('telegram');
    const oa = webhookAdapter('zalo-oa');
    const { logger, lines } = recordingLogger();
    supervisor = new ChannelSupervisor([oa, telegram], { logger, lock, lockRetryMs: 5, lockCheckMs: 5 });
    await supervisor.startAll();
    expect(oa.running).toBe(true);
    expect(telegram.starts).toBe(0);
    expect(supervisor.health()).toEqual({
      ok: true,
      channels: { 'zalo-oa': 'active', telegram: 'standby: máy khác đang nhận tin Telegram; máy này sẽ nhận thay nếu máy kia dừng' },
    });
    // Several tries while the other instance polls: the channel never starts, and the log says it once.
    await until(() => lines.filter((l) => l.msg.startsWith('Một máy khác đang nhận tin Telegram')).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(telegram.starts).toBe(0);
    expect(lines.filter((l) => l.msg.startsWith('Một máy khác đang nhận tin Telegram'))).toHaveLength(1);

    // The other instance died: its lock is free, and this one takes over on its next try.
    lock.theirs.delete('poll:telegram');
    await until(() => supervisor!.statusOf('telegram')?.state === 'active');
    expect([telegram.starts, telegram.running]).toEqual([1, true]);
    expect(lock.mine.has('poll:telegram')).toBe(true);
    expect(lines.some((l) => l.msg === 'Máy này bắt đầu nhận tin Telegram (polling): không còn máy nào khác nhận.')).toBe(true);
  });

  it('stops polling as soon as the lock’s connection is lost, and polls again once it holds the lock again', async () => {
    const lock = new FakeLock();
    const zalo = pollingAdapter('zalo-bot');
    const { logger, lines } = recordingLogger();
    // Checks far apart: the connection's notice, not the periodic check, must stop it.
    supervisor = new ChannelSupervisor([zalo], { logger, lock, lockRetryMs: 5, lockCheckMs: 60_000 });
    await supervisor.startAll();
    expect([zalo.running, supervisor.statusOf('zalo-bot')?.state]).toEqual([true, 'active']);

    lock.theirs.add('poll:zalo-bot'); // another instance takes it while this one is cut off
    lock.loseConnection();
    await until(() => !zalo.running);
    expect(supervisor.statusOf('zalo-bot')?.state).toBe('standby');
    expect(zalo.stops).toBe(1);
    const lost = lines.find((l) => l.msg.startsWith('Máy này mất quyền nhận tin Zalo'));
    expect(lost?.level).toBe(40);
    await until(() => supervisor!.health().channels['zalo-bot']!.startsWith('standby: máy khác đang nhận tin'));
    expect(zalo.starts).toBe(1);

    lock.theirs.delete('poll:zalo-bot');
    await until(() => zalo.running);
    expect([zalo.starts, supervisor.statusOf('zalo-bot')?.state]).toEqual([2, 'active']);
  });

  it('notices a lock lost without a notice on its periodic check', async () => {
    const lock = new FakeLock();
    const telegram = pollingAdapter('telegram');
    supervisor = new ChannelSupervisor([telegram], { logger: pino({ level: 'silent' }), lock, lockRetryMs: 60_000, lockCheckMs: 5 });
    await supervisor.startAll();
    expect(telegram.running).toBe(true);
    lock.mine.clear();
    lock.theirs.add('poll:telegram');
    await until(() => !telegram.running);
    expect(supervisor.statusOf('telegram')?.state).toBe('standby');
  });

  it('stands by while the database cannot be reached, says so once, and polls when it answers', async () => {
    const lock = new FakeLock();
    lock.down = true;
    const telegram = pollingAdapter('telegram');
    const { logger, lines } = recordingLogger();
    supervisor = new ChannelSupervisor([telegram], { logger, lock, lockRetryMs: 5 });
    await supervisor.startAll();
    expect(supervisor.health().channels['telegram']).toBe('standby: chưa kiểm tra được máy nào đang nhận tin Telegram (cơ sở dữ liệu không trả lời); đang thử lại');
    await new Promise((resolve) => setTimeout(resolve, 30));
    const said = lines.filter((l) => l.msg.startsWith('Chưa kiểm tra được máy nào đang nhận tin Telegram'));
    expect(said).toHaveLength(1);
    expect(said[0]!.level).toBe(40);
    expect(telegram.starts).toBe(0);
    lock.down = false;
    await until(() => telegram.running);
  });

  it('undoes a start that finished after the lock was lost', async () => {
    const lock = new FakeLock();
    let connect!: () => void;
    const telegram = pollingAdapter('telegram', () => new Promise<void>((resolve) => (connect = resolve)));
    lock.theirs.add('poll:telegram');
    supervisor = new ChannelSupervisor([telegram], { logger: pino({ level: 'silent' }), lock, lockRetryMs: 60_000, patienceMs: 10 });
    lock.theirs.delete('poll:telegram');
    await supervisor.startAll();
    expect(telegram.starts).toBe(1);
    lock.theirs.add('poll:telegram');
    lock.loseConnection();
    await until(() => supervisor!.statusOf('telegram')?.state === 'standby');
    connect();
    await until(() => telegram.stops === 2);
    expect(telegram.running).toBe(false);
    expect(supervisor.statusOf('telegram')?.state).toBe('standby');
  });

  it('lets the lock go when it stops, so another instance takes over at once', async () => {
    const lock = new FakeLock();
    const telegram = pollingAdapter('telegram');
    supervisor = new ChannelSupervisor([telegram, webhookAdapter('zalo-oa')], { logger: pino({ level: 'silent' }), lock });
    await supervisor.startAll();
    expect(lock.mine.has('poll:telegram')).toBe(true);
    await supervisor.stop();
    expect(lock.released).toEqual(['poll:telegram']);
    expect(telegram.running).toBe(false);
  });
});
