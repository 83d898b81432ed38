import { describe, expect, it } from 'vitest';
import { eventProblem, freshness, timestampMs } from '../../src/channels/zalo-oa/event.js';

describe('Zalo OA event fields', () => {
  it('reads the signed timestamp as epoch milliseconds (seconds when it is too small to be milliseconds)', () => {
    expect(timestampMs('1767225602789')).toBe(1_767_225_602_789);
    expect(timestampMs('1767225602')).toBe(1_767_225_602_000);
    for (const bad of ['', '-1', '1.5', '1e12', ' 1767225602789', '17672256027891234567']) expect(timestampMs(bad)).toBeUndefined();
  });

  it('is fresh within the window around now: at most maxAgeMs old and maxSkewMs ahead', () => {
    const window = { maxAgeMs: 600_000, maxSkewMs: 120_000 };
    const now = 1_767_225_602_789;
    expect(freshness(now, now, window)).toBe('fresh');
    expect(freshness(now - 600_000, now, window)).toBe('fresh');
    expect(freshness(now - 600_001, now, window)).toBe('stale');
    expect(freshness(now + 120_000, now, window)).toBe('fresh');
    expect(freshness(now + 120_001, now, window)).toBe('future');
    expect(freshness(Date.UTC(2020, 0, 1), now, window)).toBe('stale');
  });

  it('names the first mistyped field the adapter reads; absent and null fields are fine', () => {
    expect(eventProblem({ event_name: 'user_send_text', sender: { id: '63' }, message: { msg_id: 'm', text: 'x' } })).toBeUndefined();
    expect(eventProblem({ event_name: 'follow', follower: { id: 1 }, message: null, sender: null })).toBeUndefined();
    expect(eventProblem({ event_name: 5 })).toBe('event_name: expected a string');
    expect(eventProblem({ sender: '63' })).toBe('sender: expected an object');
    expect(eventProblem({ sender: { id: 6300000000000000003 } })).toBe('sender.id: expected a string');
    expect(eventProblem({ recipient: [] })).toBe('recipient: expected an object');
    expect(eventProblem({ message: 'hi' })).toBe('message: expected an object');
    expect(eventProblem({ message: { msg_id: 1 } })).toBe('message.msg_id: expected a string');
    expect(eventProblem({ message: { text: { vi: 'x' } } })).toBe('message.text: expected a string');
  });
});
