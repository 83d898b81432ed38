import type { UserStore } from './stores.js';
import type { Asker, User } from './types.js';

/** 'open': anyone may ask (the default). 'registered': only approved, active users known to the bot. */
export type AccessMode = 'open' | 'registered';

/**
 * Who may ask, answer and approve. Channels call `mayAsk` before handing a question to the assistant;
 * the escalation service uses the role checks before every expert or admin action.
 *
 * @example
 * const policy = new AccessPolicy(users, 'registered');
 * if (!(await policy.mayAsk(asker))) return reply('Tài khoản của bạn chưa được đăng ký sử dụng Trợ lý Xã.');
 */
export class AccessPolicy {
  constructor(
    private readonly users: UserStore,
    readonly mode: AccessMode = 'open',
  ) {}

  async mayAsk(asker: Pick<Asker, 'channel' | 'userId'>): Promise<boolean> {
    if (this.mode === 'open') return true;
    const user = await this.users.findByChannelUser(asker.channel, asker.userId);
    return user !== undefined && user.approved && user.active;
  }

  /** An approved, active expert. */
  isExpert(user: User | undefined): boolean {
    return isActive(user) && user.role === 'expert';
  }

  /** An approved, active admin. */
  isAdmin(user: User | undefined): boolean {
    return isActive(user) && user.role === 'admin';
  }

  /** Experts answer tickets; so may an admin (e.g. when the expert of a topic is away). */
  mayAnswer(user: User | undefined): boolean {
    return this.isExpert(user) || this.isAdmin(user);
  }
}

function isActive(user: User | undefined): user is User {
  return user !== undefined && user.approved && user.active;
}
