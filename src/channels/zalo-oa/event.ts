/*
 * Reading an OA webhook event once its signature has been verified: the fields the adapter reads and
 * their types, and whether the event is recent enough to act on.
 */

/** The fields of an OA webhook event the adapter reads (ids are strings; never coerced to numbers). */
export interface OaEvent {
  app_id?: unknown;
  event_name?: unknown;
  timestamp?: unknown;
  sender?: { id?: unknown };
  recipient?: { id?: unknown };
  message?: { msg_id?: unknown; text?: unknown; attachments?: unknown };
}

/** How far in the past an event may be dated and still be acted on, by default. */
export const DEFAULT_EVENT_MAX_AGE_MS = 10 * 60_000;
/** How far in the future an event may be dated (the two clocks differ a little), by default. */
export const DEFAULT_EVENT_MAX_SKEW_MS = 2 * 60_000;

export interface FreshnessWindow {
  maxAgeMs: number;
  maxSkewMs: number;
}

const isAbsent = (value: unknown) => value === undefined || value === null;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What is wrong with the types of an event's fields (a field path and the type expected), or undefined
 * when it can be read. Absent or null fields are fine; present ones must have Zalo's types (ids and texts
 * are strings).
 */
export function eventProblem(event: Record<string, unknown>): string | undefined {
  if (!isAbsent(event.event_name) && typeof event.event_name !== 'string') return 'event_name: expected a string';
  for (const party of ['sender', 'recipient'] as const) {
    const value = event[party];
    if (isAbsent(value)) continue;
    if (!isObject(value)) return `${party}: expected an object`;
    if (!isAbsent(value.id) && typeof value.id !== 'string') return `${party}.id: expected a string`;
  }
  if (isAbsent(event.message)) return undefined;
  if (!isObject(event.message)) return 'message: expected an object';
  for (const name of ['msg_id', 'text'] as const) {
    const value = event.message[name];
    if (!isAbsent(value) && typeof value !== 'string') return `message.${name}: expected a string`;
  }
  const attachments = event.message.attachments;
  if (isAbsent(attachments)) return undefined;
  if (!Array.isArray(attachments)) return 'message.attachments: expected an array';
  for (const [i, attachment] of attachments.entries()) {
    if (!isObject(attachment)) return `message.attachments[${i}]: expected an object`;
    if (!isAbsent(attachment.type) && typeof attachment.type !== 'string') return `message.attachments[${i}].type: expected a string`;
    if (isAbsent(attachment.payload)) continue;
    if (!isObject(attachment.payload)) return `message.attachments[${i}].payload: expected an object`;
    for (const name of ['url', 'name'] as const) {
      const value = attachment.payload[name];
      if (!isAbsent(value) && typeof value !== 'string') return `message.attachments[${i}].payload.${name}: expected a string`;
    }
  }
  return undefined;
}

/**
 * The photo or file of a `user_send_image` / `user_send_file` event (its first attachment), with the size
 * Zalo announces for a file; undefined for any other event or one without a URL.
 */
export function attachedFileOf(body: OaEvent): { url: string; fileName?: string; declaredSize?: number } | undefined {
  const { eventName } = senderAndEvent(body);
  if (eventName !== 'user_send_image' && eventName !== 'user_send_file') return undefined;
  const first: unknown = Array.isArray(body.message?.attachments) ? body.message.attachments[0] : undefined;
  if (!isObject(first) || !isObject(first.payload) || typeof first.payload.url !== 'string' || !first.payload.url) return undefined;
  const { url, name, size } = first.payload;
  const declaredSize = typeof size === 'number' || (typeof size === 'string' && /^\d{1,12}$/u.test(size)) ? Number(size) : undefined;
  return { url, ...(typeof name === 'string' && name && { fileName: name }), ...(declaredSize !== undefined && { declaredSize }) };
}

/**
 * The event's timestamp in epoch milliseconds, from the signed text (digits only); undefined otherwise.
 * Zalo sends milliseconds; a value below 10^11 (which as milliseconds would be 1973) is read as seconds,
 * so that a change of unit could not make every event look 50 years old.
 */
export function timestampMs(signed: string): number | undefined {
  if (!/^\d{1,16}$/u.test(signed)) return undefined;
  const value = Number(signed);
  return value < 1e11 ? value * 1000 : value;
}

/** 'fresh' when `at` lies within the window around `now`; else 'stale' (too old) or 'future'. */
export function freshness(at: number, now: number, window: FreshnessWindow): 'fresh' | 'stale' | 'future' {
  if (at < now - window.maxAgeMs) return 'stale';
  if (at > now + window.maxSkewMs) return 'future';
  return 'fresh';
}

/** Who sent an event and what it is ('' and undefined when absent). */
export function senderAndEvent(body: OaEvent): { userId: string | undefined; eventName: string } {
  return {
    userId: typeof body.sender?.id === 'string' && body.sender.id ? body.sender.id : undefined,
    eventName: typeof body.event_name === 'string' ? body.event_name : '',
  };
}

/** The event's msg_id when it has one. */
export function messageIdOf(body: OaEvent): string | undefined {
  return typeof body.message?.msg_id === 'string' && body.message.msg_id ? body.message.msg_id : undefined;
}
