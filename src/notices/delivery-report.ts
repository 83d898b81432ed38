import type { Broadcast, BroadcastDelivery, DeliveryCount, DeliveryStatus } from '../storage/broadcasts.js';

/**
 * How a delivery is reported: sent; failed; or pending — still in the outbox (due, being sent, or waiting
 * to be tried again), or refused by a platform that only lets the bot write within a window after the
 * user's last message (Zalo OA's 48 hours), in which case it goes out when the user next writes.
 */
export type ReportedState = 'sent' | 'failed' | 'pending';

/** Channels whose refusals mean "outside the messaging window": the message waits for the user's next message. */
export const WINDOWED_CHANNELS: ReadonlySet<string> = new Set(['zalo-oa']);

export interface Tally {
  sent: number;
  failed: number;
  pending: number;
}

/** A delivery with its reported state; `waiting`: pending until the recipient writes. */
export type ReportedDelivery = BroadcastDelivery & { state: ReportedState; waiting: boolean };

export interface DeliveryReport {
  broadcast: Broadcast;
  deliveries: ReportedDelivery[];
  total: Tally;
  /** Per channel, in the order of the channel names. */
  byChannel: (Tally & { channel: string })[];
}

export function reportedState(channel: string, status: DeliveryStatus): { state: ReportedState; waiting: boolean } {
  if (status === 'sent') return { state: 'sent', waiting: false };
  if (status === 'failed') return WINDOWED_CHANNELS.has(channel) ? { state: 'pending', waiting: true } : { state: 'failed', waiting: false };
  return { state: 'pending', waiting: false };
}

/** Totals and per-channel tallies of counted outbox states. */
export function tally(counts: readonly DeliveryCount[]): { total: Tally; byChannel: (Tally & { channel: string })[] } {
  const total: Tally = { sent: 0, failed: 0, pending: 0 };
  const channels = new Map<string, Tally & { channel: string }>();
  for (const c of counts) {
    const { state } = reportedState(c.channel, c.status);
    total[state] += c.n;
    let row = channels.get(c.channel);
    if (!row) channels.set(c.channel, (row = { channel: c.channel, sent: 0, failed: 0, pending: 0 }));
    row[state] += c.n;
  }
  return { total, byChannel: [...channels.values()].sort((a, b) => a.channel.localeCompare(b.channel)) };
}

/** The report of one notice or follow-up from its recipients' outbox states. */
export function buildReport(broadcast: Broadcast, deliveries: readonly BroadcastDelivery[]): DeliveryReport {
  const reported = deliveries.map((d) => ({ ...d, ...reportedState(d.channel, d.status) }));
  const { total, byChannel } = tally(deliveries.map((d) => ({ channel: d.channel, status: d.status, n: 1 })));
  return { broadcast, deliveries: reported, total, byChannel };
}
