/* Users known to the escalation (table `users`), SQLite. */
import type { Database, SqlValue } from '../database.js';
import { EscalationError } from '../../escalation/errors.js';
import type { NewUser, UserPatch, UserStore } from '../../escalation/stores.js';
import { normalizeTopics } from '../../escalation/topics.js';
import type { Role, User } from '../../escalation/types.js';
import type { SqliteUnitOfWork } from './unit-of-work.js';

interface UserRow {
  id: number;
  channel: string;
  channel_user_id: string;
  chat_id: string;
  display_name: string;
  commune: string | null;
  role: string;
  topics_json: string;
  approved: number;
  active: number;
  created_at: string;
  updated_at: string;
}

export class SqliteUserStore implements UserStore {
  constructor(
    private readonly db: Database,
    private readonly uow: SqliteUnitOfWork,
  ) {}

  add(user: NewUser, now: string): Promise<User> {
    return this.uow.run(async () => {
      const existing = await this.findByChannelUser(user.channel, user.channelUserId);
      if (existing) {
        throw new EscalationError(
          'duplicate',
          `Người dùng ${user.channel}:${user.channelUserId} đã có (mã #${existing.id}, ${existing.displayName}).`,
        );
      }
      const { lastID } = await this.db.run(
        `INSERT INTO users (channel, channel_user_id, chat_id, display_name, commune, role, topics_json, approved, active,
           created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          user.channel,
          user.channelUserId,
          user.chatId,
          user.displayName,
          user.commune ?? null,
          user.role,
          JSON.stringify(normalizeTopics(user.topics)),
          user.approved === false ? 0 : 1,
          user.active === false ? 0 : 1,
          now,
          now,
        ],
      );
      const created = await this.get(lastID);
      if (!created) throw new Error(`user ${lastID} vanished after insert`);
      return created;
    });
  }

  async get(id: number): Promise<User | undefined> {
    const row = await this.db.get<UserRow>('SELECT * FROM users WHERE id = ?', [id]);
    return row && toUser(row);
  }

  async findByChannelUser(channel: string, channelUserId: string): Promise<User | undefined> {
    const row = await this.db.get<UserRow>('SELECT * FROM users WHERE channel = ? AND channel_user_id = ?', [
      channel,
      channelUserId,
    ]);
    return row && toUser(row);
  }

  async list(filter: { role?: Role } = {}): Promise<User[]> {
    const rows = filter.role
      ? await this.db.all<UserRow>('SELECT * FROM users WHERE role = ? ORDER BY id', [filter.role])
      : await this.db.all<UserRow>('SELECT * FROM users ORDER BY id');
    return rows.map(toUser);
  }

  async listActiveExperts(): Promise<User[]> {
    const rows = await this.db.all<UserRow>(
      "SELECT * FROM users WHERE role = 'expert' AND active = 1 AND approved = 1 ORDER BY id",
    );
    return rows.map(toUser);
  }

  update(id: number, patch: UserPatch, now: string): Promise<User | undefined> {
    const sets: string[] = [];
    const params: SqlValue[] = [];
    const set = (column: string, value: SqlValue) => {
      sets.push(`${column} = ?`);
      params.push(value);
    };
    if (patch.chatId !== undefined) set('chat_id', patch.chatId);
    if (patch.displayName !== undefined) set('display_name', patch.displayName);
    if ('commune' in patch) set('commune', patch.commune ?? null);
    if (patch.role !== undefined) set('role', patch.role);
    if (patch.topics !== undefined) set('topics_json', JSON.stringify(normalizeTopics(patch.topics)));
    if (patch.approved !== undefined) set('approved', patch.approved ? 1 : 0);
    if (patch.active !== undefined) set('active', patch.active ? 1 : 0);
    set('updated_at', now);
    return this.uow.run(async () => {
      await this.db.run(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
      return this.get(id);
    });
  }
}

function toUser(r: UserRow): User {
  return {
    id: r.id,
    channel: r.channel,
    channelUserId: r.channel_user_id,
    chatId: r.chat_id,
    displayName: r.display_name,
    ...(r.commune !== null && { commune: r.commune }),
    role: r.role as Role,
    topics: JSON.parse(r.topics_json) as string[],
    approved: r.approved === 1,
    active: r.active === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
