import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { createZaloBotAdapter } from '../../src/channels/zalo-bot/adapter.js';
import { BotServer } from '../../src/server/bot-server.js';
import { SqliteUpdateInbox } from '../../src/storage/sqlite/inbox-repository.js';
import { createTestApp } from '../helpers/app-fixture.js';
import { ZaloBotEmulator, zaloTextUpdate } from '../helpers/zalo-bot-emulator.js';

/**
 * The server's inbox sweep: an update another instance accepted and died on (its lease ran out) is
 * answered by this server's periodic sweep; /healthz names the instance.
 */

const QUESTION = 'Hồ sơ hưởng trợ cấp mai táng cho người có công gồm những gì?';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

it('answers, on its sweep, an update another instance accepted and died on; /healthz names the instance', async () => {
  const emulator = await new ZaloBotEmulator().start();
  closers.push(() => emulator.stop());
  const { app, cleanup } = await createTestApp({ INSTANCE_ID: 'may-chu-a' });
  closers.push(cleanup);
  const server = await BotServer.start({
    app,
    logger: pino({ level: 'silent' }),
    host: '127.0.0.1',
    port: 0,
    adapters: (deps) => [
      createZaloBotAdapter(
        { token: emulator.token, apiRoot: emulator.apiRoot, mode: 'webhook', webhookUrl: 'https://trolyxa.example.vn/webhooks/zalo-bot', webhookSecret: 'bi-mat-webhook-zalo' },
        deps,
      ),
    ],
    inboxSweepMs: 20,
  });
  closers.push(() => server.stop());
  expect(await fetch(`${server.url}/healthz`).then((r) => r.json())).toEqual({ ok: true, channels: { 'zalo-bot': 'active' }, instance: 'may-chu-a' });

  // Another instance stored this update a minute ago (lease 30 s) and died before answering it.
  const dead = new SqliteUpdateInbox(app.db, () => new Date(Date.now() - 60_000), { instanceId: 'may-chu-b' });
  expect(await dead.accept('zalo-bot', 'msg-of-b', zaloTextUpdate('chat-b1', QUESTION, { messageId: 'msg-of-b' }))).toBe(true);

  const [answer] = await emulator.waitForSent('chat-b1');
  expect(answer!.text).toContain('Mẫu số 12');
  for (let i = 0; i < 200 && (await app.db.get<{ done: string | null }>("SELECT done_at AS done FROM processed_updates WHERE update_id = 'msg-of-b'"))?.done == null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(await app.db.get("SELECT claimed_by, attempts, done_at IS NOT NULL AS done FROM processed_updates WHERE update_id = 'msg-of-b'")).toEqual({
    claimed_by: 'may-chu-a',
    attempts: 2,
    done: 1,
  });
  expect(emulator.sentTo('chat-b1')).toHaveLength(1);
});
