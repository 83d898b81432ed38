import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_VISITOR_IDLE_MS, pruneWebState } from '../../src/storage/web-housekeeping.js';
import { WebChatStore } from '../../src/web/chat/store.js';
import { SessionStore } from '../../src/web/console/sessions.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { ADMIN, startWebServer, WebClient, type WebServer } from '../web/web-fixture.js';

/**
 * Issue 15, point 5: anonymous GETs used to add a row each (3,000 GET /chat → 3,000 `web_chat_visitors`,
 * 3,000 GET /console/login → 3,000 `web_sessions`) and nothing pruned them. Now a page view stores nothing,
 * page views are rate-limited per client, and expired sessions and idle visitors are pruned.
 */

const GETS_PER_PAGE = 1500;

interface Rows {
  web_sessions: number;
  web_chat_visitors: number;
  web_chat_messages: number;
  channel_state: number;
}

async function rows(s: WebServer): Promise<Rows> {
  const count = async (table: string) => (await s.app.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
  return {
    web_sessions: await count('web_sessions'),
    web_chat_visitors: await count('web_chat_visitors'),
    web_chat_messages: await count('web_chat_messages'),
    channel_state: await count('channel_state'),
  };
}

/** `total` GETs of `url` from fresh clients (no cookies), `parallel` at a time; the statuses seen. */
async function hammer(base: string, url: string, total: number, parallel = 8): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < total) {
        next += 1;
        const res = await fetch(new URL(url, base), { redirect: 'manual' });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  return statuses;
}

describe('anonymous requests store nothing', () => {
  let s: WebServer;

  beforeAll(async () => {
    s = await startWebServer({ pageLimit: { limit: 1_000_000, windowMs: 60_000 } });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it(`adds no row for ${GETS_PER_PAGE} GET /chat and ${GETS_PER_PAGE} GET /console/login (nor for polls, redirects or failed posts)`, async () => {
    // The first page view makes the server's one signing key (one channel_state row, once).
    await hammer(s.url, '/chat', 1, 1);
    const before = await rows(s);
    expect(await hammer(s.url, '/chat', GETS_PER_PAGE)).toEqual(new Map([[200, GETS_PER_PAGE]]));
    expect(await hammer(s.url, '/console/login', GETS_PER_PAGE)).toEqual(new Map([[200, GETS_PER_PAGE]]));
    expect(await hammer(s.url, '/console/tickets', 200)).toEqual(new Map([[303, 200]]));
    expect(await hammer(s.url, '/chat/api/messages?after=0', 200)).toEqual(new Map([[200, 200]]));
    // Failed sign-ins and forged chat posts store nothing either.
    const c = new WebClient(s.url);
    for (let i = 0; i < 5; i++) expect((await c.login(ADMIN.email, `sai-mat-khau-${i}-x`)).status).toBe(401);
    await c.get('/chat');
    expect((await c.postJson('/chat/api/ask', { text: 'mai táng' }, { 'x-csrf-token': 'gia-mao' })).status).toBe(403);
    expect((await c.postJson('/chat/api/feedback', { answerId: 1, value: 'helpful' }, { 'x-csrf-token': c.csrf })).status).toBe(400);
    expect(await rows(s)).toEqual(before);
  }, 120_000);

  it('makes the visitor with its first question, keeping the page token for later posts', async () => {
    const before = await rows(s);
    const c = new WebClient(s.url);
    const page = await c.get('/chat');
    expect(page.headers.getSetCookie().some((h) => h.startsWith('trolyxa_chat='))).toBe(false);
    expect((await c.postJson('/chat/api/ask', { text: '' }, { 'x-csrf-token': c.csrf })).status).toBe(200);
    expect((await rows(s)).web_chat_visitors).toBe(before.web_chat_visitors);
    const token = c.csrf;
    const first = await c.postJson('/chat/api/ask', { text: 'trợ cấp thờ cúng liệt sĩ bao nhiêu' }, { 'x-csrf-token': token });
    expect(first.status).toBe(200);
    expect(c.cookies.get('trolyxa_chat')).toMatch(/^w-/);
    expect((await rows(s)).web_chat_visitors).toBe(before.web_chat_visitors + 1);
    // The page's script keeps the token it was given; it goes on working, and a reload shows the history.
    expect((await c.postJson('/chat/api/ask', { text: 'hồ sơ mai táng gồm những gì' }, { 'x-csrf-token': token })).status).toBe(200);
    const again = await c.get('/chat');
    expect(again.text).toContain('trợ cấp thờ cúng liệt sĩ bao nhiêu');
    expect(c.csrf).toBe(token);
    expect((await rows(s)).web_chat_visitors).toBe(before.web_chat_visitors + 1);
    // Without JavaScript: the first form post makes the visitor too.
    const plain = new WebClient(s.url);
    await plain.get('/chat');
    expect((await plain.post('/chat/ask', { text: 'mức trợ cấp mai táng' })).status).toBe(303);
    expect((await plain.get('/chat')).text).toContain('mức trợ cấp mai táng');
    expect((await rows(s)).web_chat_visitors).toBe(before.web_chat_visitors + 2);
  }, 60_000);

  it("refuses a token signed for another visitor's cookie, and the sign-in form's token in the chat", async () => {
    const a = new WebClient(s.url);
    const b = new WebClient(s.url);
    await a.get('/chat');
    await b.get('/console/login');
    expect((await b.postJson('/chat/api/ask', { text: 'mai táng' }, { 'x-csrf-token': a.csrf })).status).toBe(403);
    expect((await b.postJson('/chat/api/ask', { text: 'mai táng' }, { 'x-csrf-token': b.csrf })).status).toBe(403);
    const forged = await b.post('/console/login', { email: ADMIN.email, password: ADMIN.password }, a.csrf);
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('CSRF');
  });
});

describe('page views are rate-limited per client', () => {
  it('answers 429 in Vietnamese once a client has viewed /chat or the sign-in page too often', async () => {
    const s = await startWebServer({ pageLimit: { limit: 5, windowMs: 60_000 } });
    try {
      for (const [url, text] of [
        ['/chat', 'Bạn mở trang hỏi đáp quá nhiều lần'],
        ['/console/login', 'Bạn mở trang đăng nhập quá nhiều lần'],
      ] as const) {
        expect(await hammer(s.url, url, 5, 1)).toEqual(new Map([[200, 5]]));
        const refused = await fetch(new URL(url, s.url));
        expect(refused.status).toBe(429);
        expect(await refused.text()).toContain(text);
      }
      // Polls and posts are not page views.
      expect((await fetch(new URL('/chat/api/messages', s.url))).status).toBe(200);
    } finally {
      await s.stop();
    }
  });
});

describe('pruning', () => {
  const NOW = new Date('2026-06-01T00:00:00Z');
  const ago = (ms: number) => () => new Date(NOW.getTime() - ms);

  it('removes expired sessions, idle visitors with their messages, and visitors that never asked', async () => {
    const s = await startWebServer();
    try {
      const db = s.app.db;
      const baseline = await rows(s);
      // Sessions: an anonymous one from 3 h ago (2 h life) and a signed-in one idle for 9 h (8 h) are expired.
      await new SessionStore(s.app.repos.sessions, ago(3 * 3_600_000)).create(undefined);
      await new SessionStore(s.app.repos.sessions, ago(9 * 3_600_000)).create(1);
      const live = await new SessionStore(s.app.repos.sessions, ago(3_600_000)).create(1);
      // Visitors: one idle longer than the cookie lives (with messages), one that never asked (2 days old),
      // one that asked a year ago but came back yesterday, one from an hour ago that has not asked yet.
      const idle = await new WebChatStore(s.app.repos.webChat, ago(CHAT_VISITOR_IDLE_MS + 86_400_000)).createVisitor();
      await new WebChatStore(s.app.repos.webChat, ago(CHAT_VISITOR_IDLE_MS + 86_400_000)).add(idle.chatId, 'user', 'câu hỏi cũ');
      await new WebChatStore(s.app.repos.webChat, ago(2 * 86_400_000)).createVisitor();
      const back = await new WebChatStore(s.app.repos.webChat, ago(365 * 86_400_000)).createVisitor();
      await new WebChatStore(s.app.repos.webChat, ago(365 * 86_400_000)).add(back.chatId, 'user', 'câu hỏi năm ngoái');
      await new WebChatStore(s.app.repos.webChat, ago(86_400_000)).touch(back.chatId);
      const fresh = await new WebChatStore(s.app.repos.webChat, ago(3_600_000)).createVisitor();
      // Console-only experts get notifications in the web chat store without a visitor row: never pruned.
      await new WebChatStore(s.app.repos.webChat, ago(CHAT_VISITOR_IDLE_MS * 2)).add('console:chuyengia@sonv.gov.vn', 'system', 'Phiếu mới #1');

      const report = await pruneWebState(db, NOW);
      expect(report).toEqual({ sessions: 2, visitors: 2, messages: 1 });
      expect((await rows(s)).web_sessions).toBe(baseline.web_sessions + 1);
      expect(await db.get('SELECT 1 FROM web_sessions WHERE token_hash = ?', [live.session.tokenHash])).toBeDefined();
      const left = await db.all<{ chat_id: string }>('SELECT chat_id FROM web_chat_visitors ORDER BY chat_id');
      expect(left.map((r) => r.chat_id).sort()).toEqual([back.chatId, fresh.chatId].sort());
      expect(await new WebChatStore(s.app.repos.webChat).list(back.chatId)).toHaveLength(1);
      expect(await new WebChatStore(s.app.repos.webChat).list(idle.chatId)).toHaveLength(0);
      expect(await new WebChatStore(s.app.repos.webChat).list('console:chuyengia@sonv.gov.vn')).toHaveLength(1);
      expect(await pruneWebState(db, NOW)).toEqual({ sessions: 0, visitors: 0, messages: 0 });
      // A browser still holding a pruned visitor's cookie gets a new visitor's page, and the stale cookie goes.
      const stale = new WebClient(s.url);
      stale.cookies.set('trolyxa_chat', idle.chatId);
      const page = await stale.get('/chat');
      expect(page.text).not.toContain('câu hỏi cũ');
      expect(stale.cookies.has('trolyxa_chat')).toBe(false);
    } finally {
      await s.stop();
    }
  });

  it('prunes at start-up what piled up before (the rows old page views made)', async () => {
    const dataDir = await makeTempDir('trolyxa-prune-');
    const first = await startWebServer({ dataDir });
    const old = () => new Date(Date.now() - 3 * 86_400_000);
    for (let i = 0; i < 50; i++) {
      await new WebChatStore(first.app.repos.webChat, old).createVisitor();
      await new SessionStore(first.app.repos.sessions, old).create(undefined);
    }
    expect(await rows(first)).toMatchObject({ web_chat_visitors: 50, web_sessions: 50 });
    await first.stop();
    const second = await startWebServer({ dataDir });
    try {
      expect(await rows(second)).toMatchObject({ web_chat_visitors: 0, web_sessions: 0 });
    } finally {
      await second.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
