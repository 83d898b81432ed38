import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QuestionLogStore } from '../../src/assistant/question-log.js';
import type { EscalationStores } from '../../src/escalation/stores.js';
import { Database } from '../../src/storage/database.js';
import type { Repositories } from '../../src/storage/repositories.js';
import { createSqliteEscalationStores } from '../../src/storage/sqlite/escalation-stores.js';
import { SqliteQuestionLog } from '../../src/storage/sqlite/question-log-repository.js';
import { createSqliteRepositories } from '../../src/storage/sqlite/repositories.js';
import { createPostgresEscalationStores } from '../../src/storage/postgres/escalation-stores.js';
import { PgQuestionLog } from '../../src/storage/postgres/question-log-repository.js';
import { createPostgresRepositories } from '../../src/storage/postgres/repositories.js';
import { describePostgres, openMigratedPg, usePostgresDatabase } from '../helpers/postgres.js';

/*
 * What every engine's repositories must do (issue 16, point 1). Written against the interfaces only: it
 * runs on SQLite always and on PostgreSQL where a server is available (always on CI). The escalation
 * stores and the question log have their own suite (escalation-stores-contract.test.ts).
 */

interface Engine {
  repos: Repositories;
  stores: EscalationStores;
  log: QuestionLogStore;
  close(): Promise<void>;
}

function repositoryContract(name: string, open: () => Promise<Engine>): void {
  describe(`repositories on ${name}`, () => {
    let engine: Engine;
    beforeEach(async () => {
      engine = await open();
    });
    afterEach(async () => {
      await engine.close();
    });

    it('web accounts: insert, find by e-mail with credentials, update, list', async () => {
      const { repos, stores } = engine;
      const user = await stores.users.add({ channel: 'web', channelUserId: 'a@x.vn', chatId: 'a@x.vn', displayName: 'A', role: 'admin' }, '2026-01-01T00:00:00.000Z');
      const id = await repos.webAccounts.insert({ email: 'a@x.vn', passwordHash: 'h1', role: 'admin', userId: user.id }, '2026-01-01T00:00:00.000Z');
      expect(await repos.webAccounts.findByEmail('a@x.vn')).toMatchObject({ id, email: 'a@x.vn', role: 'admin', userId: user.id, active: true });
      expect(await repos.webAccounts.findCredentials('a@x.vn')).toMatchObject({ passwordHash: 'h1', account: { id } });
      await repos.webAccounts.setPasswordHash(id, 'h2', '2026-01-02T00:00:00.000Z');
      await repos.webAccounts.update(id, { role: 'expert', active: false }, '2026-01-03T00:00:00.000Z');
      await repos.webAccounts.recordLogin(id, '2026-01-04T00:00:00.000Z');
      expect(await repos.webAccounts.findCredentials('a@x.vn')).toMatchObject({ passwordHash: 'h2' });
      expect(await repos.webAccounts.list()).toEqual([
        expect.objectContaining({ id, role: 'expert', active: false, updatedAt: '2026-01-03T00:00:00.000Z', lastLoginAt: '2026-01-04T00:00:00.000Z' }),
      ]);
      await expect(repos.webAccounts.insert({ email: 'a@x.vn', passwordHash: 'h', role: 'admin', userId: user.id }, '2026-01-05T00:00:00.000Z')).rejects.toThrow();
      await expect(repos.webAccounts.insert({ email: 'A@X.vn', passwordHash: 'h', role: 'admin', userId: user.id }, '2026-01-05T00:00:00.000Z')).rejects.toThrow();
      expect(await repos.webAccounts.findByEmail('A@x.VN')).toMatchObject({ id });
      expect(await repos.webAccounts.findByEmail('nobody@x.vn')).toBeUndefined();
      expect(await repos.webAccounts.get(id)).toEqual((await repos.webAccounts.list())[0]);
    });

    it('sessions: insert, touch, flash, delete others, expire', async () => {
      const { repos, stores } = engine;
      const user = await stores.users.add({ channel: 'web', channelUserId: 'a@x.vn', chatId: 'a@x.vn', displayName: 'A', role: 'admin' }, '2026-01-01T00:00:00.000Z');
      const accountId = await repos.webAccounts.insert({ email: 'a@x.vn', passwordHash: 'h', role: 'admin', userId: user.id }, '2026-01-01T00:00:00.000Z');
      const base = { csrfToken: 'c', createdAt: '2026-01-01T00:00:00.000Z', lastSeenAt: '2026-01-01T00:00:00.000Z' };
      await repos.sessions.insert({ ...base, tokenHash: 's1', accountId, expiresAt: '2026-01-01T08:00:00.000Z' });
      await repos.sessions.insert({ ...base, tokenHash: 's2', accountId, expiresAt: '2026-01-01T08:00:00.000Z' });
      await repos.sessions.insert({ ...base, tokenHash: 's3', expiresAt: '2026-01-01T02:00:00.000Z' });
      await repos.sessions.touch('s1', '2026-01-01T01:00:00.000Z', '2026-01-01T09:00:00.000Z');
      await repos.sessions.setFlash('s1', { kind: 'ok', text: 'Đã lưu' });
      expect(await repos.sessions.find('s1')).toEqual({ ...base, tokenHash: 's1', accountId, lastSeenAt: '2026-01-01T01:00:00.000Z', expiresAt: '2026-01-01T09:00:00.000Z', flash: { kind: 'ok', text: 'Đã lưu' } });
      await repos.sessions.setFlash('s1', undefined);
      expect((await repos.sessions.find('s1'))?.flash).toBeUndefined();
      expect(await repos.sessions.find('s3')).not.toHaveProperty('accountId');
      expect(await repos.sessions.deleteOthersForAccount(accountId, 's1')).toBe(1);
      expect(await repos.sessions.find('s2')).toBeUndefined();
      expect(await repos.sessions.deleteExpired('2026-01-01T02:00:00.000Z')).toBe(1);
      await repos.sessions.deleteForAccount(accountId);
      expect(await repos.sessions.find('s1')).toBeUndefined();
    });

    it('audit: appends, lists newest first, and merges ticket events into the journal', async () => {
      const { repos, stores } = engine;
      const ticket = await stores.tickets.open(
        { asker: { channel: 'telegram', chatId: '1', userId: '1' }, question: 'q', reason: 'user_request', context: [], status: 'open', createdAt: '2026-01-01T12:00:00.000Z' },
        () => ({ notifications: [], events: [{ actor: 'system', action: 'created', detail: { n: 1 }, at: '2026-01-01T12:00:00.000Z' }] }),
      );
      await repos.audit.append({ at: '2026-01-01T00:00:00.000Z', accountId: 1, actor: 'a@x.vn', action: 'user.update', target: 'user:2', detail: { role: 'expert' } });
      await repos.audit.append({ at: '2026-01-02T00:00:00.000Z', actor: 'hệ thống', action: 'account.bootstrap', detail: {} });
      const entries = await repos.audit.list(10);
      expect(entries.map((e) => e.action)).toEqual(['account.bootstrap', 'user.update']);
      expect(entries[1]).toMatchObject({ accountId: 1, target: 'user:2', detail: { role: 'expert' } });
      expect(entries[0]).not.toHaveProperty('target');
      expect(await repos.audit.journal(10)).toEqual([
        { source: 'console', at: '2026-01-02T00:00:00.000Z', actor: 'hệ thống', action: 'account.bootstrap', detail: {} },
        { source: 'ticket', at: '2026-01-01T12:00:00.000Z', actor: 'system', action: 'created', target: `ticket:${ticket.id}`, detail: { n: 1 } },
        { source: 'console', at: '2026-01-01T00:00:00.000Z', actor: 'a@x.vn', action: 'user.update', target: 'user:2', detail: { role: 'expert' } },
      ]);
      expect(await repos.audit.journal(1)).toHaveLength(1);
    });

    it('web chat: visitors and messages, an outbox message stored once', async () => {
      const { repos } = engine;
      await repos.webChat.insertVisitor({ chatId: 'w-1', csrfToken: 't' }, '2026-01-01T00:00:00.000Z');
      await repos.webChat.updateVisitor('w-1', { displayName: 'Chị Lan', commune: '' }, '2026-01-02T00:00:00.000Z');
      expect(await repos.webChat.findVisitor('w-1')).toEqual({ chatId: 'w-1', csrfToken: 't', displayName: 'Chị Lan', lastSeenAt: '2026-01-02T00:00:00.000Z' });
      await repos.webChat.touchVisitor('w-1', '2026-01-03T00:00:00.000Z');
      expect((await repos.webChat.findVisitor('w-1'))?.lastSeenAt).toBe('2026-01-03T00:00:00.000Z');
      const first = await repos.webChat.addMessage('w-1', { role: 'user', text: 'câu hỏi', meta: {} }, '2026-01-03T00:00:01.000Z');
      const relay = { role: 'expert' as const, text: 'trả lời', meta: { kind: 'relay' }, outboxId: 5 };
      expect(await repos.webChat.addMessage('w-1', relay, '2026-01-03T00:00:02.000Z')).toBeDefined();
      expect(await repos.webChat.addMessage('w-1', relay, '2026-01-03T00:00:03.000Z')).toBeUndefined();
      const all = await repos.webChat.listMessages('w-1', 0, 10);
      expect(all.map((m) => m.text)).toEqual(['câu hỏi', 'trả lời']);
      expect(all[1]?.meta).toEqual({ kind: 'relay' });
      expect(await repos.webChat.listMessages('w-1', first!.id, 10)).toHaveLength(1);
      expect(await repos.webChat.listMessages('w-1', 0, 1)).toEqual([all[1]]);
    });

    it('web state: prunes expired sessions and idle visitors', async () => {
      const { repos } = engine;
      await repos.sessions.insert({ tokenHash: 'old', csrfToken: 'c', createdAt: '2025-01-01T00:00:00.000Z', lastSeenAt: '2025-01-01T00:00:00.000Z', expiresAt: '2025-01-01T02:00:00.000Z' });
      await repos.webChat.insertVisitor({ chatId: 'w-old', csrfToken: 't' }, '2025-01-01T00:00:00.000Z');
      await repos.webChat.addMessage('w-old', { role: 'user', text: 'cũ', meta: {} }, '2025-01-01T00:00:00.000Z');
      await repos.webChat.insertVisitor({ chatId: 'w-empty', csrfToken: 't' }, '2025-12-30T00:00:00.000Z');
      await repos.webChat.insertVisitor({ chatId: 'w-new', csrfToken: 't' }, '2025-12-31T12:00:00.000Z');
      await repos.webChat.addMessage('w-new', { role: 'user', text: 'mới', meta: {} }, '2025-12-31T12:00:00.000Z');
      await repos.sessions.insert({ tokenHash: 'live', csrfToken: 'c', createdAt: '2025-12-31T00:00:00.000Z', lastSeenAt: '2025-12-31T00:00:00.000Z', expiresAt: '2026-01-01T08:00:00.000Z' });
      expect(await repos.webState.prune(new Date('2026-01-01T00:00:00.000Z'))).toEqual({ sessions: 1, visitors: 2, messages: 1 });
      expect(await repos.webChat.findVisitor('w-new')).toBeDefined();
      expect(await repos.webChat.listMessages('w-new', 0, 10)).toHaveLength(1);
      expect(await repos.sessions.find('live')).toBeDefined();
    });

    it('reporting: question activity and the export rows', async () => {
      const { repos, log } = engine;
      const asker = { channel: 'telegram', chatId: '1', userId: '1', commune: 'Xã A' };
      const entry = { asker, query: 'q', confidence: 0.9, citations: [], latencyMs: 12 };
      const id = await log.add({ ...entry, question: 'Hỏi 1', stage: 'retrieval', topic: 'ho-tich', createdAt: '2026-01-01T18:00:00.000Z' });
      await log.add({ ...entry, question: 'Hỏi 2', stage: 'escalated', createdAt: '2026-01-02T01:00:00.000Z' });
      await log.addFeedback(id, 'unhelpful', { channel: 'telegram', userId: 'z' }, '2026-01-02T00:00:00.000Z');
      await log.addFeedback(id, 'helpful', { channel: 'telegram', userId: 'a' }, '2026-01-02T00:00:01.000Z');
      await engine.stores.tickets.open(
        { asker, question: 'Hỏi 2', reason: 'low_confidence', context: [], status: 'open', createdAt: '2026-01-02T01:00:00.000Z' },
        () => ({ notifications: [], events: [] }),
      );
      const range = { start: '2025-12-31T17:00:00.000Z', end: '2026-01-03T17:00:00.000Z' };
      const activity = await repos.reporting.questionActivity(range);
      expect(activity.perDay).toEqual([{ day: '2026-01-02', channel: 'telegram', n: 2 }]);
      expect(activity.byStage).toEqual([
        { stage: 'escalated', n: 1 },
        { stage: 'retrieval', n: 1 },
      ]);
      expect(activity).toMatchObject({ answers: 1, unhelpfulAnswers: 1, helpfulAnswers: 1, openTickets: 1, ticketsCreated: 1 });
      expect(activity.topTopics).toEqual([{ label: 'ho-tich', n: 1 }]);
      expect(activity.topCommunes).toEqual([{ label: 'Xã A', n: 2 }]);
      const rows = await repos.reporting.questionsForExport(range);
      expect(rows.map((r) => [r.question, r.feedback, r.latencyMs])).toEqual([
        ['Hỏi 1', 'unhelpful;helpful', 12],
        ['Hỏi 2', null, 12],
      ]);
    });

    it('channel state: set, overwrite, get', async () => {
      const { repos } = engine;
      expect(await repos.channelState.get('zalo-oa', 'token')).toBeUndefined();
      await repos.channelState.set('zalo-oa', 'token', 'a');
      await repos.channelState.set('zalo-oa', 'token', 'b');
      expect(await repos.channelState.get('zalo-oa', 'token')).toBe('b');
    });
  });
}

repositoryContract('SQLite', async () => {
  const db = await Database.open(':memory:');
  return {
    repos: createSqliteRepositories(db),
    stores: createSqliteEscalationStores(db),
    log: new SqliteQuestionLog(db),
    close: () => db.close(),
  };
});

describePostgres('repositories on PostgreSQL', () => {
  const database = usePostgresDatabase();
  repositoryContract('PostgreSQL', async () => {
    const db = await openMigratedPg(database.url);
    return {
      repos: createPostgresRepositories(db),
      stores: createPostgresEscalationStores(db),
      log: new PgQuestionLog(db),
      close: () => db.close(),
    };
  });
});
