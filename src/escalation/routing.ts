import { coversTopic } from './topics.js';
import type { TicketEvent, TicketRouting, User } from './types.js';

/** Why a ticket went to the admins (or to nobody): it has no topic, or no expert covers its topic. */
export type UnroutedCause = 'no_topic' | 'no_expert';

/** Whom a new ticket is sent to, and why. */
export type Route =
  | { routing: 'experts'; recipients: User[] }
  | { routing: 'admins'; recipients: User[]; cause: UnroutedCause }
  | { routing: 'nobody'; recipients: []; cause: UnroutedCause };

/**
 * A console-only user (created for a web account: channel 'web', chat `console:<email>`) has no chat: a
 * message sent "to" them lands in a web chat nobody opens. They see tickets in the console instead.
 */
export function reachableInChat(user: Pick<User, 'channel' | 'chatId'>): boolean {
  return !(user.channel === 'web' && user.chatId.startsWith('console:'));
}

/**
 * The experts who cover `topic` (`activeExperts`: approved and active); when there are none, the admins
 * (`activeAdmins`) who can be reached in a chat; when there are none either, nobody — the ticket then
 * waits in the console, where every admin sees it.
 */
export function routeTicket(topic: string | undefined, activeExperts: readonly User[], activeAdmins: readonly User[]): Route {
  const experts = activeExperts.filter((e) => coversTopic(e.topics, topic));
  if (experts.length) return { routing: 'experts', recipients: experts };
  const cause: UnroutedCause = topic === undefined ? 'no_topic' : 'no_expert';
  const admins = activeAdmins.filter(reachableInChat);
  return admins.length ? { routing: 'admins', recipients: admins, cause } : { routing: 'nobody', recipients: [], cause };
}

/** The routing a ticket's opening events recorded (tickets opened before routing was recorded: by their 'notified' event). */
export function routingOfEvents(events: readonly Pick<TicketEvent, 'action' | 'detail'>[]): TicketRouting {
  for (const event of events) {
    if (event.action === 'notified_admins') return 'admins';
    if (event.action === 'not_notified') return 'nobody';
    if (event.action === 'notified') {
      const experts = event.detail['experts'];
      return Array.isArray(experts) && experts.length === 0 ? 'nobody' : 'experts';
    }
  }
  return 'nobody';
}
