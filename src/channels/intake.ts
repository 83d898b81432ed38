import type { Response } from 'express';
import { TurnTaker, type TurnScheduler } from '../assistant/turns.js';
import type { Logger } from '../logger.js';
import type { BackgroundWork } from './background.js';
import type { InboxLeases, LeasedIntake } from './inbox-leases.js';
import { UnstorableUpdateError, type UpdateInbox } from '../storage/update-inbox.js';

export type IntakeOutcome = 'accepted' | 'duplicate' | 'closed';

/** Updates older than this are not replayed after a crash (the asker has long moved on); they are logged and dropped. */
const REPLAY_MAX_AGE_MS = 24 * 3_600_000;
/** An update claimed this many times without being finished (its handling fails, or kills its instance) is given up, logged. */
const MAX_ATTEMPTS = 5;

/**
 * How every channel takes an update: stored in the durable inbox first (so the platform is only told
 * "received" once it is safe) and claimed for this instance, handled in the background, marked done
 * when handled. What a crash interrupted is handled again: at the next start by `replayUnfinished`, and
 * — once the lease of the instance that held it has run out — by the sweep of whichever instance runs
 * one first (see InboxLeases). While an update is being handled here, its lease is renewed.
 */
export class UpdateIntake<T> implements LeasedIntake {
  private readonly turns: TurnScheduler;
  /** The updates this intake is handling now (their leases are renewed). */
  private readonly inFlight = new Set<string>();
  /** Set by the first `replayUnfinished`: from then on the channel runs here and is swept. */
  private parse: ((payload: unknown) => T | undefined) | undefined;

  constructor(
    readonly channel: string,
    private readonly deps: { inbox: UpdateInbox; background: BackgroundWork; logger: Logger; turns?: TurnScheduler; leases?: InboxLeases },
    /** Handles one update; `resumed` when it is handled again after a crash. */
    private readonly handle: (update: T, updateId: string, resumed: boolean) => Promise<void>,
  ) {
    this.turns = deps.turns ?? new TurnTaker();
  }

  /**
   * Stores `update` and starts handling it. 'closed' when shutdown has begun (nothing stored: answer
   * 503 so the platform re-delivers); throws when the inbox cannot store it (answer 5xx likewise).
   */
  async take(updateId: string, update: T): Promise<IntakeOutcome> {
    // Reserve the background slot before storing: once shutdown has begun the update is refused while
    // still unrecorded, so the platform's re-delivery is not mistaken for a duplicate.
    let release!: (handle: boolean) => void;
    const gate = new Promise<boolean>((resolve) => (release = resolve));
    const started = this.deps.background.run(`${this.channel} update ${updateId}`, async () => {
      if (await gate) await this.handleAndFinish(updateId, update, false);
    });
    if (!started) return 'closed';
    // Answering waits while deliveries are being stored, so a burst is acknowledged first (see TurnTaker).
    const resume = this.turns.hold();
    let first: boolean;
    try {
      first = await this.deps.inbox.accept(this.channel, updateId, update);
    } catch (error) {
      release(false);
      if (error instanceof UnstorableUpdateError) this.deps.logger.warn({ channel: this.channel, updateId, reason: error.message }, 'update refused');
      else this.deps.logger.error({ err: error, channel: this.channel, updateId }, 'cannot store an incoming update; the platform will deliver it again');
      throw error;
    } finally {
      resume();
    }
    release(first);
    if (!first) this.deps.logger.info({ channel: this.channel, updateId }, 'duplicate update ignored');
    return first ? 'accepted' : 'duplicate';
  }

  /**
   * Handles again the updates a crash interrupted; call when the channel starts. The first call also takes
   * the updates an earlier run of this instance held (see ClaimOptions.atStart) and lets the periodic sweep
   * take over this channel's abandoned updates with the same `parse`. Returns how many were resumed.
   */
  async replayUnfinished(parse: (payload: unknown) => T | undefined): Promise<number> {
    const first = this.parse === undefined;
    const resumed = await this.replay(parse, first);
    if (first) {
      this.parse = parse;
      this.deps.leases?.register(this);
    }
    return resumed;
  }

  /** Takes over the updates of this channel whose lease ran out (nothing before the channel started here). */
  async sweep(): Promise<number> {
    return this.parse ? this.replay(this.parse, false) : 0;
  }

  async renewLeases(): Promise<void> {
    if (this.inFlight.size === 0) return;
    const ids = [...this.inFlight];
    const held = new Set(await this.deps.inbox.renew(this.channel, ids));
    const lost = ids.filter((id) => !held.has(id) && this.inFlight.has(id));
    if (lost.length) {
      this.deps.logger.warn({ channel: this.channel, updateIds: lost }, 'lease lost on updates still being handled: another instance may have taken them over');
    }
  }

  private async replay(parse: (payload: unknown) => T | undefined, atStart: boolean): Promise<number> {
    const claimed = await this.deps.inbox.claimAbandoned(this.channel, { atStart });
    let resumed = 0;
    for (const { updateId, payload, receivedAt, attempts } of claimed) {
      // Already being handled here (a channel started again while its earlier updates are still in flight).
      if (this.inFlight.has(updateId)) continue;
      const update = parse(payload);
      if (!update || Date.now() - Date.parse(receivedAt) > REPLAY_MAX_AGE_MS || attempts > MAX_ATTEMPTS) {
        this.deps.logger.warn({ channel: this.channel, updateId, receivedAt, attempts }, 'unfinished update not replayed (unreadable, too old, or failed too often)');
        await this.deps.inbox.done(this.channel, updateId);
        continue;
      }
      if (!this.deps.background.run(`${this.channel} replay ${updateId}`, () => this.handleAndFinish(updateId, update, true))) break;
      resumed += 1;
    }
    if (resumed) {
      this.deps.logger.warn(
        { channel: this.channel, resumed },
        atStart ? 'resumed updates interrupted by a crash' : 'took over updates whose lease ran out (an instance stopped, or their handling failed)',
      );
    }
    return resumed;
  }

  private async handleAndFinish(updateId: string, update: T, resumed: boolean): Promise<void> {
    this.inFlight.add(updateId);
    try {
      // In a turn of its own, after the acknowledgement is written: in a burst, the webhooks still
      // waiting to be read and stored come before the answering of those already stored.
      await this.turns.next();
      // A failure leaves the update unfinished: once its lease runs out, a sweep tries it again.
      await this.handle(update, updateId, resumed);
      await this.deps.inbox.done(this.channel, updateId);
    } finally {
      this.inFlight.delete(updateId);
    }
  }
}

/**
 * Answers a webhook delivery once the intake has taken it: 200 when stored (or already seen), 503 while
 * shutting down, 500 when it could not be stored — in both failures the platform delivers it again —
 * and 400 for an update that can never be stored.
 * `okBody`: the JSON the platform expects with the 200 (none: an empty body).
 */
export async function acknowledge(res: Response, taking: Promise<IntakeOutcome>, okBody?: unknown): Promise<void> {
  let outcome: IntakeOutcome;
  try {
    outcome = await taking;
  } catch (error) {
    if (error instanceof UnstorableUpdateError) res.status(400).json({ error: 'the update cannot be stored' });
    else res.status(500).json({ error: 'could not store the update; deliver it again later' });
    return;
  }
  if (outcome === 'closed') res.status(503).json({ error: 'shutting down' });
  else if (okBody === undefined) res.status(200).end();
  else res.status(200).json(okBody);
}
