import { createHash, type Hash } from 'node:crypto';
import { scanJson } from '../json-scan.js';
import { constantTimeEqual } from '../zalo-bot/webhook-secret.js';

/**
 * The `X-ZEvent-Signature` Zalo puts on OA webhook events:
 * `"mac=" + hex(sha256(app_id + rawBody + timestamp + oaSecretKey))` — a plain digest of the
 * concatenation (not an HMAC), over the exact bytes received; app_id and timestamp come from the event.
 */
export function zaloEventMac(appId: string, rawBody: Buffer | string, timestamp: string, oaSecretKey: string): string {
  return macOf(createHash('sha256').update(appId, 'utf8').update(rawBody), timestamp, oaSecretKey);
}

function macOf(prefix: Hash, timestamp: string, oaSecretKey: string): string {
  return `mac=${prefix.update(timestamp, 'utf8').update(oaSecretKey, 'utf8').digest('hex')}`;
}

/** A header that could be a signature at all (checked before the body is read). */
export function looksLikeSignature(header: string | undefined): header is string {
  return header !== undefined && /^\s*mac=[0-9a-f]{64}\s*$/iu.test(header);
}

/** A verified event's own `app_id` and `timestamp` (as written), and how deeply its JSON nests. */
export interface SignedEvent {
  appId: string;
  timestamp: string;
  depth: number;
}

/** `"app_id"` / `"timestamp"` candidates looked at, at most (a genuine event has one of each). */
const MAX_APP_ID_CANDIDATES = 2;
const MAX_TIMESTAMP_CANDIDATES = 8;

/**
 * The event's `app_id` and `timestamp` when the signature header matches the raw body; undefined
 * otherwise. An unsigned body is neither parsed nor walked byte by byte in JavaScript: the values that
 * follow `"app_id"` and `"timestamp"` in the bytes are found with Buffer.indexOf (native), and the digest
 * is computed once per app_id candidate (at most 2) and finished per timestamp candidate. Only a body
 * whose signature matches is then scanned (scanJson), to confirm that those values are the top-level
 * members (a number is taken as written, so a 19-digit id is not rounded) and to measure its nesting.
 */
export function verifyZaloEvent(rawBody: Buffer, header: string | undefined, oaSecretKey: string): SignedEvent | undefined {
  if (!header) return undefined;
  const given = header.trim().toLowerCase();
  const appIds = valuesAfter(rawBody, 'app_id', MAX_APP_ID_CANDIDATES);
  const timestamps = valuesAfter(rawBody, 'timestamp', MAX_TIMESTAMP_CANDIDATES);
  for (const appId of appIds) {
    const prefix = createHash('sha256').update(appId, 'utf8').update(rawBody);
    for (const timestamp of timestamps) {
      if (!constantTimeEqual(given, macOf(prefix.copy(), timestamp, oaSecretKey))) continue;
      const { depth, fields } = scanJson(rawBody, ['app_id', 'timestamp']);
      if (fields.get('app_id') !== appId || fields.get('timestamp') !== timestamp) return undefined;
      return { appId, timestamp, depth };
    }
  }
  return undefined;
}

/**
 * The string or number values that follow `"name":` in the bytes, as written (strings decoded), distinct,
 * in order: the first `max - 1` occurrences and the last one.
 */
function valuesAfter(raw: Buffer, name: string, max: number): string[] {
  const needle = Buffer.from(`"${name}"`, 'utf8');
  const positions: number[] = [];
  let last = -1;
  for (let at = raw.indexOf(needle); at >= 0; at = raw.indexOf(needle, at + needle.length)) {
    if (positions.length < max - 1) positions.push(at);
    else last = at;
  }
  if (last >= 0) positions.push(last);
  const values = new Set<string>();
  for (const at of positions) {
    const after = raw.toString('utf8', at + needle.length, Math.min(raw.length, at + needle.length + 1100));
    const match = /^\s*:\s*("(?:[^"\\]|\\.){0,1024}"|-?\d[\d.eE+-]{0,40})/u.exec(after);
    if (!match) continue;
    const token = match[1]!;
    if (!token.startsWith('"')) values.add(token);
    else {
      try {
        values.add(JSON.parse(token) as string);
      } catch {
        // not a valid JSON string: not a candidate
      }
    }
  }
  return [...values];
}
