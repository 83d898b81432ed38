import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a received secret or signature with the expected one in constant time. Both sides are hashed
 * first, so neither the content nor the length of the expected value leaks through timing.
 */
export function constantTimeEqual(received: string | undefined, expected: string): boolean {
  if (received === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(received), digest(expected)) && received.length === expected.length;
}
