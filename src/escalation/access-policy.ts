import type { TicketScope, UserStore } from './stores.js';
import { ALL_TOPICS, coversTopic } from './topics.js';
import type { Asker, Ticket, User } from './types.js';

/** 'open': anyone may ask (the default). 'registered': only approved, active users known to the bot. */
export type AccessMode = 'open' | 'registered';

/**
 * Who may ask, see, answer and approve. Channels call `mayAsk` before handing a question to the
 * assistant; the escalation service uses the role and ticket checks before every expert or admin action,
 * and the console and chat commands go through the service, so the rules live here only.
 *
 * An admin sees and acts on every ticket. An expert sees the tickets of their topics (`*` = every topic,
 * tickets without a topic included) and any ticket they hold; a ticket another expert holds (claimed or
 * answered) is answered or closed only by that expert or an admin. Tickets nobody covers go to admins.
 *
 * @example
 * const policy = new AccessPolicy(users, 'registered');
 * if (!(await policy.mayAsk(asker))) return reply('Tài khoản của bạn chưa được đăng ký sử dụng Trợ lý Xã.');
 * if (!policy.maySee(expert, ticket)) return notFound();
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

  /** The tickets `user` may see, as a filter the ticket store applies. */
  ticketScope(user: User | undefined): TicketScope {
    if (this.isAdmin(user)) return { kind: 'all' };
    if (!this.isExpert(user)) return { kind: 'none' };
    if (user!.topics.includes(ALL_TOPICS)) return { kind: 'all' };
    return { kind: 'topics', topics: [...user!.topics], holderId: user!.id };
  }

  /** `user` may see the ticket (its question and asker) and so claim it while nobody holds it. */
  maySee(user: User | undefined, ticket: Ticket): boolean {
    if (!this.mayAnswer(user)) return false;
    return this.isAdmin(user) || ticket.expertId === user!.id || coversTopic(user!.topics, ticket.topic);
  }

  /**
   * The expert who holds the ticket when it is someone other than `user` (who is not an admin): then
   * `user` may not answer or close it. Undefined when `user` may.
   */
  heldByOther(user: User, ticket: Ticket): number | undefined {
    if (this.isAdmin(user) || ticket.expertId === undefined || ticket.expertId === user.id) return undefined;
    return ticket.expertId;
  }
}

function isActive(user: User | undefined): user is User {
  return user !== undefined && user.approved && user.active;
}
