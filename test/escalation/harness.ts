import { rm } from 'node:fs/promises';
import path from 'node:path';
import { EscalationService, type EscalationServiceOptions } from '../../src/escalation/escalation-service.js';
import type { OutboundPort, SendResult } from '../../src/escalation/outbound-port.js';
import { createSqliteEscalationStores } from '../../src/storage/sqlite/escalation-stores.js';
import type { EscalationStores } from '../../src/escalation/stores.js';
import type { Asker, OutboundKind, OutboundMessage, User } from '../../src/escalation/types.js';
import { Database } from '../../src/storage/database.js';
import { makeTempDir } from '../helpers/temp-dir.js';

export const T0 = Date.parse('2026-03-02T01:00:00.000Z');
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** A clock the test moves by hand. */
export class FakeClock {
  constructor(public ms = T0) {}
  now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
  iso(): string {
    return new Date(this.ms).toISOString();
  }
}

/** An in-memory port: every attempt is recorded; scripted failures per kind are used first, then success. */
export class FakePort implements OutboundPort {
  readonly attempts: OutboundMessage[] = [];
  readonly delivered: OutboundMessage[] = [];
  private readonly scripts = new Map<OutboundKind, SendResult[]>();

  script(kind: OutboundKind, ...results: SendResult[]): this {
    this.scripts.set(kind, [...(this.scripts.get(kind) ?? []), ...results]);
    return this;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    this.attempts.push(message);
    const result = this.scripts.get(message.kind)?.shift() ?? { ok: true };
    if (result.ok) this.delivered.push(message);
    return result;
  }

  deliveredOf(kind: OutboundKind): OutboundMessage[] {
    return this.delivered.filter((m) => m.kind === kind);
  }
}

export const RETRYABLE: SendResult = { ok: false, retryable: true, error: 'ETIMEDOUT' };
export const PERMANENT: SendResult = { ok: false, retryable: false, error: 'chat not found' };

export const ASKER: Asker = {
  channel: 'telegram',
  chatId: 'chat-100',
  userId: 'tg-100',
  displayName: 'Nguyễn Văn An',
  commune: 'Xã Tân Phú',
};

export interface Env {
  root: string;
  file: string;
  db: Database;
  stores: EscalationStores;
  service: EscalationService;
  clock: FakeClock;
}

export const DEFAULT_OPTIONS = {
  reminderAfterMs: 4 * HOUR,
  maxAttempts: 5,
  backoff: (attempt: number) => attempt * MINUTE,
} satisfies EscalationServiceOptions;

/** A real SQLite file in a fresh temp dir, with the service over it. */
export async function openEnv(options: EscalationServiceOptions = {}, existing?: { root: string; clock: FakeClock }): Promise<Env> {
  const root = existing?.root ?? (await makeTempDir('trolyxa-escalation-'));
  const file = path.join(root, 'data', 'test.sqlite');
  const clock = existing?.clock ?? new FakeClock();
  const db = await Database.open(file);
  const stores = createSqliteEscalationStores(db);
  const service = new EscalationService(stores, { ...DEFAULT_OPTIONS, now: clock.now, ...options });
  return { root, file, db, stores, service, clock };
}

export async function disposeEnv(env: Env | undefined): Promise<void> {
  if (!env) return;
  await env.db.close().catch(() => undefined);
  await rm(env.root, { recursive: true, force: true });
}

export interface Staff {
  admin: User;
  maiTang: User;
  troCap: User;
  both: User;
  official: User;
}

/** An admin, three experts (mai-tang; tro-cap; both) on two channels, and one official. */
export async function seedStaff(stores: EscalationStores, at: string): Promise<Staff> {
  const admin = await stores.users.add(
    { channel: 'telegram', channelUserId: 'tg-1', chatId: 'chat-1', displayName: 'Lê Quản Trị', role: 'admin' },
    at,
  );
  const maiTang = await stores.users.add(
    { channel: 'telegram', channelUserId: 'tg-2', chatId: 'chat-2', displayName: 'Trần Thị Bình', role: 'expert', topics: ['mai-tang'] },
    at,
  );
  const troCap = await stores.users.add(
    { channel: 'zalo', channelUserId: 'zl-3', chatId: 'zchat-3', displayName: 'Phạm Văn Cường', role: 'expert', topics: ['tro-cap'] },
    at,
  );
  const both = await stores.users.add(
    {
      channel: 'telegram',
      channelUserId: 'tg-4',
      chatId: 'chat-4',
      displayName: 'Hoàng Thị Dung',
      role: 'expert',
      topics: ['Mai-Tang', 'bhyt'],
    },
    at,
  );
  const official = await stores.users.add(
    { channel: 'telegram', channelUserId: 'tg-100', chatId: 'chat-100', displayName: 'Nguyễn Văn An', role: 'official', commune: 'Xã Tân Phú' },
    at,
  );
  return { admin, maiTang, troCap, both, official };
}

export const CONTEXT = [
  { id: 'nd-131-2021#121', citation: 'Nghị định 131/2021/NĐ-CP, Điều 121', score: 0.41, lexicalScore: 7.2, vectorSimilarity: 0.38 },
];
