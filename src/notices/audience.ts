import { reachableInChat } from '../escalation/routing.js';
import { ALL_TOPICS, normalizeTopic, normalizeTopics } from '../escalation/topics.js';
import { ROLES, type Role, type User } from '../escalation/types.js';

/**
 * Who a notice is for. Each list narrows the audience; an empty list does not narrow (every topic, every
 * commune, every channel). Roles default to officials.
 */
export interface Audience {
  roles: Role[];
  /** Users covering any of these topics (an expert's `*` covers them all). */
  topics: string[];
  /** Users of any of these communes (compared without case, as written). */
  communes: string[];
  channels: string[];
}

/** Why a user who matches the filters still receives nothing. */
export type Exclusion = 'notices_off' | 'inactive' | 'no_chat';

/** The audience with its lists cleaned: trimmed, NFC, de-duplicated; unknown roles dropped; officials when no role is left. */
export function normalizeAudience(input: Partial<Audience>): Audience {
  const roles = ROLES.filter((r) => (input.roles ?? []).includes(r));
  return {
    roles: roles.length ? roles : ['official'],
    topics: normalizeTopics(input.topics),
    communes: unique((input.communes ?? []).map((c) => c.normalize('NFC').trim()).filter(Boolean)),
    channels: unique((input.channels ?? []).map((c) => c.trim()).filter(Boolean)),
  };
}

/** The user matches the audience's filters (role, topic, commune, channel), whether or not they can receive it. */
export function matchesAudience(user: User, audience: Audience): boolean {
  if (!audience.roles.includes(user.role)) return false;
  if (audience.channels.length && !audience.channels.includes(user.channel)) return false;
  if (audience.communes.length) {
    const commune = communeKey(user.commune);
    if (!commune || !audience.communes.some((c) => communeKey(c) === commune)) return false;
  }
  if (audience.topics.length && !user.topics.includes(ALL_TOPICS) && !audience.topics.some((t) => user.topics.includes(normalizeTopic(t)!))) return false;
  return true;
}

/** Why a matching user receives nothing, or undefined when they receive the notice. */
export function exclusionOf(user: User): Exclusion | undefined {
  if (!user.active || !user.approved) return 'inactive';
  if (!reachableInChat(user)) return 'no_chat';
  if (user.noticesOff) return 'notices_off';
  return undefined;
}

/** The users who receive a notice for `audience`, and those who match it but are left out (and why). */
export function selectAudience(users: readonly User[], audience: Audience): { recipients: User[]; excluded: { user: User; why: Exclusion }[] } {
  const recipients: User[] = [];
  const excluded: { user: User; why: Exclusion }[] = [];
  for (const user of users) {
    if (!matchesAudience(user, audience)) continue;
    const why = exclusionOf(user);
    if (why) excluded.push({ user, why });
    else recipients.push(user);
  }
  return { recipients, excluded };
}

function communeKey(commune: string | undefined): string {
  return (commune ?? '').normalize('NFC').trim().toLocaleLowerCase('vi');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
