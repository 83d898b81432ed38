import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanJson } from '../../src/channels/json-scan.js';
import { parseJsonBody, WEBHOOK_MAX_DEPTH } from '../../src/channels/webhook-body.js';

const scan = (text: string, wanted: string[] = []) => scanJson(Buffer.from(text, 'utf8'), wanted);

/** The nesting depth of a parsed value, computed the obvious way. */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((max, child) => Math.max(max, depthOf(child)), 0);
}

describe('scanJson', () => {
  it('measures nesting without counting brackets inside strings', () => {
    expect(scan('42').depth).toBe(0);
    expect(scan('{}').depth).toBe(1);
    expect(scan('[[1],[[2]]]').depth).toBe(3);
    expect(scan('{"a":"[[[[{{{{","b":["\\"]]]]"]}').depth).toBe(2);
    expect(scan(`${'['.repeat(100_000)}${']'.repeat(100_000)}`).depth).toBe(100_000);
  });

  it('agrees with the depth of what JSON.parse builds, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), (value) => {
        expect(scan(JSON.stringify(value)).depth).toBe(depthOf(value));
      }),
      { numRuns: 300, seed: 15 },
    );
  });

  it('reads top-level strings and numbers as written; the last occurrence wins, nested ones are ignored', () => {
    const { fields } = scan(
      '{ "app_id" : 4100000000000000001 , "x":{"timestamp":"1"}, "timestamp":"0", "timestamp" : "1767225602789", "t\\u0065xt":"h\\u1ed3 s\\u01a1", "n":null, "o":{"a":1}}',
      ['app_id', 'timestamp', 'text', 'n', 'o', 'absent'],
    );
    expect(Object.fromEntries(fields)).toEqual({ app_id: '4100000000000000001', timestamp: '1767225602789', text: 'hồ sơ' });
  });

  it('reads nothing from a top level that is not an object, and ends on any bytes', () => {
    expect(scan('["app_id","1"]', ['app_id']).fields.size).toBe(0);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        scanJson(bytes, ['app_id', 'timestamp']);
      }),
      { numRuns: 300, seed: 16 },
    );
  });
});

describe('parseJsonBody', () => {
  it('refuses a body nested deeper than the bound before parsing it, and parses the rest', () => {
    const deep = `${'['.repeat(WEBHOOK_MAX_DEPTH + 1)}${']'.repeat(WEBHOOK_MAX_DEPTH + 1)}`;
    const ok = `${'['.repeat(WEBHOOK_MAX_DEPTH)}${']'.repeat(WEBHOOK_MAX_DEPTH)}`;
    expect(parseJsonBody(Buffer.from(deep))).toEqual({ ok: false, reason: `JSON nested deeper than ${WEBHOOK_MAX_DEPTH} levels` });
    expect(parseJsonBody(Buffer.from(ok)).ok).toBe(true);
    expect(parseJsonBody(Buffer.from('\ufeff{"a":1}'))).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonBody(Buffer.from('{"a":'))).toEqual({ ok: false, reason: 'malformed JSON' });
    expect(parseJsonBody(Buffer.alloc(0))).toEqual({ ok: false, reason: 'malformed JSON' });
  });
});
