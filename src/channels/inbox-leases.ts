import type { Logger } from '../logger.js';

/** What the lease keeper needs of a channel's intake (see UpdateIntake). */
export interface LeasedIntake {
  readonly channel: string;
  /** Claims the channel's updates whose lease ran out and hands them to the replay path; returns how many it took. */
  sweep(): Promise<number>;
  /** Extends the leases of the updates this instance is handling. */
  renewLeases(): Promise<void>;
}

/**
 * The intakes of the channels started on this instance, for the server's two inbox timers: the sweep
 * (every ~10 s) takes over updates whose lease ran out — the instance holding them died, or their handling
 * failed — and the renewal (every third of the lease) keeps the updates this instance is still working on
 * (a slow LLM) its own. Neither ever overlaps itself; a failure is logged and the next round tries again.
 */
export class InboxLeases {
  private readonly intakes = new Set<LeasedIntake>();
  private sweeping: Promise<number> | undefined;
  private renewing: Promise<void> | undefined;

  constructor(private readonly logger?: Logger) {}

  /** Called by an intake once its channel has started (it replayed what it was owed at start). */
  register(intake: LeasedIntake): void {
    this.intakes.add(intake);
  }

  /** Sweeps every registered channel in turn; returns how many updates were taken over. */
  sweep(): Promise<number> {
    this.sweeping ??= (async () => {
      let taken = 0;
      for (const intake of this.intakes) {
        try {
          taken += await intake.sweep();
        } catch (error) {
          this.logger?.error({ err: error, channel: intake.channel }, 'inbox sweep failed');
        }
      }
      return taken;
    })().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  /** Renews the leases of every update in flight. */
  renew(): Promise<void> {
    this.renewing ??= Promise.all(
      [...this.intakes].map((intake) =>
        intake.renewLeases().catch((error: unknown) => this.logger?.error({ err: error, channel: intake.channel }, 'inbox lease renewal failed')),
      ),
    )
      .then(() => undefined)
      .finally(() => {
        this.renewing = undefined;
      });
    return this.renewing;
  }
}
