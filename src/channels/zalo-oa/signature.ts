import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../zalo-bot/webhook-secret.js';

/**
 * The `X-ZEvent-Signature` Zalo puts on OA webhook events:
 * `"mac=" + hex(sha256(app_id + rawBody + timestamp + oaSecretKey))` — a plain digest of the
 * concatenation (not an HMAC), over the exact bytes received; app_id and timestamp come from the event.
 */
export function zaloEventMac(appId: string, rawBody: Buffer | string, timestamp: string, oaSecretKey: string): string {
  const hash = createHash('sha256').update(appId, 'utf8').update(rawBody).update(timestamp, 'utf8').update(oaSecretKey, 'utf8');
  return `mac=${hash.digest('hex')}`;
}

/**
 * True when the signature header matches the raw body. `event` is that body parsed; `app_id` and
 * `timestamp` are taken from it (a number is taken as written in the raw text, so a 19-digit id is not
 * rounded by JSON.parse).
 */
export function verifyZaloEvent(rawBody: Buffer, event: Record<string, unknown>, header: string | undefined, oaSecretKey: string): boolean {
  if (!header) return false;
  const appId = fieldAsWritten(rawBody, event, 'app_id');
  const timestamp = fieldAsWritten(rawBody, event, 'timestamp');
  if (appId === undefined || timestamp === undefined) return false;
  return constantTimeEqual(header.trim().toLowerCase(), zaloEventMac(appId, rawBody, timestamp, oaSecretKey));
}

/** A top-level string or number field of the event, as written in the raw JSON text. */
function fieldAsWritten(rawBody: Buffer, event: Record<string, unknown>, name: string): string | undefined {
  const value = event[name];
  if (typeof value === 'string') return value;
  if (typeof value !== 'number') return undefined;
  const match = new RegExp(`"${name}"\\s*:\\s*(-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)`).exec(rawBody.toString('utf8'));
  return match?.[1] ?? String(value);
}
