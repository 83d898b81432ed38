import type { UserStore } from '../escalation/stores.js';

/** What turning notices off (or on) did: changed, already so, or the person is not a registered user. */
export type NoticeSettingResult = 'changed' | 'unchanged' | 'unknown';

/**
 * Turns the province's notices off (`off` true) or back on for the person with this channel account. The
 * setting lives on the user; a person the bot does not know receives no notices anyway ('unknown').
 *
 * @example
 * await setNoticesOff(app.stores.users, { channel: 'telegram', userId: '424242' }, true, new Date().toISOString());
 */
export async function setNoticesOff(
  users: Pick<UserStore, 'findByChannelUser' | 'update'>,
  who: { channel: string; userId: string },
  off: boolean,
  now: string,
): Promise<NoticeSettingResult> {
  const user = await users.findByChannelUser(who.channel, who.userId);
  if (!user) return 'unknown';
  if (Boolean(user.noticesOff) === off) return 'unchanged';
  await users.update(user.id, { noticesOff: off }, now);
  return 'changed';
}
