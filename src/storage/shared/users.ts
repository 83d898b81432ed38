/* The `users` row, its record and the reading queries, shared by every engine's user store. */
import type { SqlValue } from '../database.js';
import { EscalationError } from '../../escalation/errors.js';
import type { NewUser, UserPatch } from '../../escalation/stores.js';
import { normalizeTopics } from '../../escalation/topics.js';
import type { Role, User } from '../../escalation/types.js';
import type { SqlReader } from './sql.js';

export interface UserRow {
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
  notices_off: number;
  created_at: string;
  updated_at: string;
}

export function toUser(r: UserRow): User {
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
    ...(r.notices_off === 1 && { noticesOff: true }),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The `SET` assignments (`?` placeholders) of a patch, `updated_at` included. */
export function userPatchSets(patch: UserPatch, now: string): { sets: string[]; params: SqlValue[] } {
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
  if (patch.noticesOff !== undefined) set('notices_off', patch.noticesOff ? 1 : 0);
  set('updated_at', now);
  return { sets, params };
}

/** The columns of a new user and their values, in the same order. */
export const USER_INSERT_COLUMNS =
  'channel, channel_user_id, chat_id, display_name, commune, role, topics_json, approved, active, created_at, updated_at';

export function newUserValues(user: NewUser, now: string): SqlValue[] {
  return [
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
  ];
}

/** The refusal of a second user with the same channel account. */
export function duplicateUserError(user: Pick<NewUser, 'channel' | 'channelUserId'>, existing: User): EscalationError {
  return new EscalationError('duplicate', `Người dùng ${user.channel}:${user.channelUserId} đã có (mã #${existing.id}, ${existing.displayName}).`);
}

/** The reads of a UserStore, in portable SQL. */
export abstract class UserReads {
  constructor(protected readonly reader: SqlReader) {}

  async get(id: number): Promise<User | undefined> {
    const row = await this.reader.get<UserRow>('SELECT * FROM users WHERE id = ?', [id]);
    return row && toUser(row);
  }

  async findByChannelUser(channel: string, channelUserId: string): Promise<User | undefined> {
    const row = await this.reader.get<UserRow>('SELECT * FROM users WHERE channel = ? AND channel_user_id = ?', [channel, channelUserId]);
    return row && toUser(row);
  }

  async list(filter: { role?: Role } = {}): Promise<User[]> {
    const rows = filter.role
      ? await this.reader.all<UserRow>('SELECT * FROM users WHERE role = ? ORDER BY id', [filter.role])
      : await this.reader.all<UserRow>('SELECT * FROM users ORDER BY id');
    return rows.map(toUser);
  }

  async listRoutable(): Promise<{ experts: User[]; admins: User[] }> {
    const rows = await this.reader.all<UserRow>("SELECT * FROM users WHERE (role = 'expert' AND active = 1 AND approved = 1) OR role = 'admin' ORDER BY id");
    const users = rows.map(toUser);
    return { experts: users.filter((u) => u.role === 'expert'), admins: users.filter((u) => u.role === 'admin') };
  }
}
