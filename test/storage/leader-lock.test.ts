import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import type { ChannelAdapter } from '../../src/channels/types.js';
import { ChannelSupervisor } from '../../src/server/channel-supervisor.js';
import { PgLeaderLock } from '../../src/storage/postgres/leader-lock.js';
import { describePostgres, usePostgresDatabase } from '../helpers/postgres.js';

/**
 * The PostgreSQL leader lock: a session advisory lock on a connection of its own. Two holders in one
 * process over separate connections stand for two instances; "killing" one is terminating its backend,
 * which is what the server sees when an instance's process dies.
 */

describePostgres('the leader lock on PostgreSQL', () => {
  const database = usePostgresDatabase();
  const opened: PgLeaderLock[] = [];
  const supervisors: ChannelSupervisor[] = [];
  afterEach(async () => {
    await Promise.all(supervisors.splice(0).map((s) => s.stop()));
    await Promise.all(opened.splice(0).map((l) => l.close()));
  });

  function holder(name: string): PgLeaderLock {
    const lock = new PgLeaderLock(database.url, { applicationName: name, queryTimeoutMs: 2_000 });
    opened.push(lock);
    return lock;
  }

  const uniqueName = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

  /** Ends the server side of every connection named `applicationName`, waiting until each is gone. */
  async function killConnection(applicationName: string): Promise<number> {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ killed: boolean }>(
        'SELECT pg_terminate_backend(pid, 5000) AS killed FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      );
      return rows.filter((r) => r.killed).length;
    } finally {
      await admin.end();
    }
  }

  it('is held by one holder at a time; the other takes it on its next try once the first one’s connection is gone', async () => {
    const nameA = uniqueName('instance-a');
    const a = holder(nameA);
    const b = holder(uniqueName('instance-b'));
    expect(await a.tryAcquire('poll:telegram')).toBe(true);
    expect(await b.tryAcquire('poll:telegram')).toBe(false);
    // Asking again changes nothing (advisory locks nest within a session: it is taken once).
    expect(await a.tryAcquire('poll:telegram')).toBe(true);
    expect(await a.isHeld('poll:telegram')).toBe(true);
    expect(await b.isHeld('poll:telegram')).toBe(false);
    // Another name is another lock.
    expect(await b.tryAcquire('poll:zalo-bot')).toBe(true);

    let told = 0;
    a.onLost(() => void (told += 1));
    expect(await killConnection(nameA)).toBe(1);
    expect(await b.tryAcquire('poll:telegram')).toBe(true);
    for (let i = 0; i < 200 && told === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(told).toBe(1);
    expect(await a.isHeld('poll:telegram')).toBe(false);
    // A comes back (a new connection): the lock is B's now.
    expect(await a.tryAcquire('poll:telegram')).toBe(false);
    await b.release('poll:telegram');
    expect(await b.isHeld('poll:telegram')).toBe(false);
    expect(await a.tryAcquire('poll:telegram')).toBe(true);
  });

  it('is free again when its holder closes', async () => {
    const a = holder(uniqueName('instance-a'));
    const b = holder(uniqueName('instance-b'));
    expect(await a.tryAcquire('poll:zalo-bot')).toBe(true);
    expect(await b.tryAcquire('poll:zalo-bot')).toBe(false);
    await a.close();
    expect(await b.tryAcquire('poll:zalo-bot')).toBe(true);
    expect(await a.tryAcquire('poll:zalo-bot')).toBe(false);
  });

  it('keeps the polling loop on one of two instances, and moves it to the other when the first one’s connection dies', async () => {
    function poller(): ChannelAdapter & { running: boolean } {
      const adapter = {
        name: 'telegram',
        polling: true,
        running: false,
        port: { send: async () => ({ ok: true as const }) },
        async start() {
          adapter.running = true;
        },
        async stop() {
          adapter.running = false;
        },
      };
      return adapter;
    }
    const nameA = uniqueName('instance-a');
    const pollerA = poller();
    const pollerB = poller();
    const options = { logger: pino({ level: 'silent' }), lockRetryMs: 20, lockCheckMs: 20 };
    const a = new ChannelSupervisor([pollerA], { ...options, lock: holder(nameA) });
    supervisors.push(a);
    await a.startAll();
    const b = new ChannelSupervisor([pollerB], { ...options, lock: holder(uniqueName('instance-b')) });
    supervisors.push(b);
    await b.startAll();
    expect([pollerA.running, pollerB.running]).toEqual([true, false]);
    expect(b.statusOf('telegram')?.state).toBe('standby');
    // B keeps trying and keeps standing by while A lives.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect([pollerA.running, pollerB.running]).toEqual([true, false]);

    expect(await killConnection(nameA)).toBe(1);
    for (let i = 0; i < 500 && !(pollerB.running && !pollerA.running); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect([pollerA.running, pollerB.running]).toEqual([false, true]);
    expect(a.statusOf('telegram')?.state).toBe('standby');
    expect(b.statusOf('telegram')?.state).toBe('active');
    // A reconnects on its tries but stays on standby: B holds the lock.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect([pollerA.running, pollerB.running]).toEqual([false, true]);
  });
});
