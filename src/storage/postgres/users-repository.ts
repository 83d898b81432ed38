/* Users known to the escalation (table `users`), PostgreSQL. */
import type { NewUser, UserPatch, UserStore } from '../../escalation/stores.js';
import type { User } from '../../escalation/types.js';
import { duplicateUserError, newUserValues, toUser, USER_INSERT_COLUMNS, UserReads, userPatchSets, type UserRow } from '../shared/users.js';
import type { PgDatabase } from './pg-database.js';

export class PgUserStore extends UserReads implements UserStore {
  constructor(private readonly db: PgDatabase) {
    super(db);
  }

  /**
   * One statement: of two instances adding the same account at once, one inserts and the other is told
   * it exists, as on SQLite — and a surrounding transaction is not aborted by a unique violation.
   */
  async add(user: NewUser, now: string): Promise<User> {
    const [created] = await this.db.all<UserRow>(
      `INSERT INTO users (${USER_INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (channel, channel_user_id) DO NOTHING RETURNING *`,
      newUserValues(user, now),
    );
    if (created) return toUser(created);
    const existing = await this.findByChannelUser(user.channel, user.channelUserId);
    if (!existing) throw new Error(`user ${user.channel}:${user.channelUserId} neither inserted nor found`);
    throw duplicateUserError(user, existing);
  }

  async update(id: number, patch: UserPatch, now: string): Promise<User | undefined> {
    const { sets, params } = userPatchSets(patch, now);
    const [row] = await this.db.all<UserRow>(`UPDATE users SET ${sets.join(', ')} WHERE id = ? RETURNING *`, [...params, id]);
    return row && toUser(row);
  }
}
