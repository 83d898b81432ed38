/* Users known to the escalation (table `users`), SQLite. */
import type { Database } from '../database.js';
import type { NewUser, UserPatch, UserStore } from '../../escalation/stores.js';
import type { User } from '../../escalation/types.js';
import { duplicateUserError, newUserValues, USER_INSERT_COLUMNS, UserReads, userPatchSets } from '../shared/users.js';
import type { SqliteUnitOfWork } from './unit-of-work.js';

export class SqliteUserStore extends UserReads implements UserStore {
  constructor(
    private readonly db: Database,
    private readonly uow: SqliteUnitOfWork,
  ) {
    super(db);
  }

  add(user: NewUser, now: string): Promise<User> {
    return this.uow.run(async () => {
      const existing = await this.findByChannelUser(user.channel, user.channelUserId);
      if (existing) throw duplicateUserError(user, existing);
      const { lastID } = await this.db.run(`INSERT INTO users (${USER_INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, newUserValues(user, now));
      const created = await this.get(lastID);
      if (!created) throw new Error(`user ${lastID} vanished after insert`);
      return created;
    });
  }

  update(id: number, patch: UserPatch, now: string): Promise<User | undefined> {
    const { sets, params } = userPatchSets(patch, now);
    return this.uow.run(async () => {
      await this.db.run(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
      return this.get(id);
    });
  }
}
