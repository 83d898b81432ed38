/**
 * What one linear pass over a JSON text tells without building it: how deeply its arrays and objects
 * nest, and the values of a few top-level members.
 */
export interface JsonScan {
  /** The deepest nesting of arrays and objects (0 for a bare string or number, 1 for `{}` or `[1]`). */
  depth: number;
  /**
   * The top-level members asked for, when the text is an object: a string member's value, a number
   * member as written (a 19-digit id is not rounded). A member that is missing, of another type, or whose
   * string is longer than 1,024 bytes is absent. When a name occurs twice the last one counts, as with
   * JSON.parse.
   */
  fields: Map<string, string>;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const MAX_KEY_BYTES = 64;
const MAX_VALUE_BYTES = 1024;

/** A byte that can continue a JSON number. */
function inNumber(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}

/** A JSON string token (quotes included) decoded; undefined when it is not a valid one. */
function decodeString(raw: Uint8Array, start: number, end: number): string | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(raw.buffer, raw.byteOffset + start, end - start).toString('utf8'));
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Scans a JSON text (UTF-8 bytes) in one pass, in time linear in its length and without allocating
 * anything for its contents: structural bytes are ASCII and never occur inside a multi-byte UTF-8
 * sequence. It does not validate the text (JSON.parse does that afterwards); on text that is not JSON it
 * still ends, with figures that mean nothing in particular.
 *
 * Webhooks use it to refuse a deeply nested body before JSON.parse sees it, and to read the signed
 * `app_id` and `timestamp` of a Zalo OA event before deciding whether to parse the event at all.
 *
 * @example
 * scanJson(Buffer.from('{"app_id":"41","timestamp":1767225602789,"m":[[1]]}'), ['app_id', 'timestamp'])
 * // → { depth: 3, fields: Map { 'app_id' => '41', 'timestamp' => '1767225602789' } }
 */
export function scanJson(raw: Uint8Array, wanted: readonly string[] = []): JsonScan {
  const want = new Set(wanted);
  const fields = new Map<string, string>();
  let depth = 0;
  let maxDepth = 0;
  let stringStart = -1;
  let escaped = false;
  let numberStart = -1;
  // Members of the top-level object (tracked only when fields are wanted).
  let topIsObject = false;
  let expect: 'key' | 'colon' | 'value' | 'comma' = 'key';
  let member: string | undefined;

  for (let i = 0; i < raw.length; i += 1) {
    const c = raw[i]!;
    if (stringStart >= 0) {
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) {
        if (topIsObject && depth === 1) {
          if (expect === 'key') {
            const key = i + 1 - stringStart <= MAX_KEY_BYTES ? decodeString(raw, stringStart, i + 1) : undefined;
            member = key !== undefined && want.has(key) ? key : undefined;
            expect = 'colon';
          } else if (expect === 'value') {
            if (member !== undefined) {
              const value = i + 1 - stringStart <= MAX_VALUE_BYTES ? decodeString(raw, stringStart, i + 1) : undefined;
              if (value === undefined) fields.delete(member);
              else fields.set(member, value);
            }
            expect = 'comma';
          }
        }
        stringStart = -1;
      }
      continue;
    }
    if (numberStart >= 0) {
      if (inNumber(c)) continue;
      if (member !== undefined) fields.set(member, Buffer.from(raw.buffer, raw.byteOffset + numberStart, i - numberStart).toString('latin1'));
      numberStart = -1;
      expect = 'comma';
    }
    switch (c) {
      case QUOTE:
        stringStart = i;
        break;
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        if (depth === 0 && c === OPEN_OBJECT && want.size > 0) topIsObject = true;
        else if (topIsObject && depth === 1 && expect === 'value') {
          if (member !== undefined) fields.delete(member);
          expect = 'comma';
        }
        depth += 1;
        if (depth > maxDepth) maxDepth = depth;
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        depth -= 1;
        break;
      case COLON:
        if (topIsObject && depth === 1 && expect === 'colon') expect = 'value';
        break;
      case COMMA:
        if (topIsObject && depth === 1) expect = 'key';
        break;
      default:
        if (topIsObject && depth === 1 && expect === 'value') {
          if ((c >= 0x30 && c <= 0x39) || c === 0x2d) numberStart = i;
          else if (c > 0x20) {
            // true, false, null (or junk): not a string or a number.
            if (member !== undefined) fields.delete(member);
            expect = 'comma';
          }
        }
    }
  }
  return { depth: maxDepth, fields };
}
