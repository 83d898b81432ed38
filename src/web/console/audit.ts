import type { AuditEntry, AuditRepository, JournalLine } from '../../storage/ports.js';

export type { AuditEntry, JournalLine } from '../../storage/ports.js';

/** The console's append-only audit log (kept by an AuditRepository). */
export class AuditLog {
  constructor(
    private readonly entries: AuditRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(entry: { accountId?: number; actor: string; action: string; target?: string; detail?: Record<string, unknown> }): Promise<void> {
    await this.entries.append({
      at: this.now().toISOString(),
      ...(entry.accountId !== undefined && { accountId: entry.accountId }),
      actor: entry.actor,
      action: entry.action,
      ...(entry.target !== undefined && { target: entry.target }),
      detail: entry.detail ?? {},
    });
  }

  list(limit = 200): Promise<AuditEntry[]> {
    return this.entries.list(limit);
  }

  /** Console changes and ticket events together, newest first. */
  journal(limit = 300): Promise<JournalLine[]> {
    return this.entries.journal(limit);
  }
}
