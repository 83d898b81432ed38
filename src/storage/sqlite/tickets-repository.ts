/* Tickets and their events (tables `tickets`, `ticket_events`), SQLite. */
import type { Database } from '../database.js';
import type { NewTicket, TicketOpeningEffects } from '../../escalation/stores.js';
import type { Ticket } from '../../escalation/types.js';
import { SqlTicketStore, ticketOf } from '../shared/tickets.js';
import type { SqliteUnitOfWork } from './unit-of-work.js';

export class SqliteTicketStore extends SqlTicketStore {
  constructor(db: Database, uow: SqliteUnitOfWork) {
    super(db, (work) => uow.run(work));
  }

  /**
   * One statement (migration 8's trigger does the writing), so no transaction holds up the server's
   * other statements. The ticket's number is only known inside that statement: the effects are built
   * with a placeholder number, random and 15 digits long so that no text can contain it by chance, which
   * SQLite replaces with the number.
   */
  async open(ticket: NewTicket, effects: (ticket: Ticket) => TicketOpeningEffects): Promise<Ticket> {
    const placeholder = -Math.floor(1e14 + Math.random() * 8e14);
    const provisional = ticketOf(ticket, placeholder);
    const { notifications, events } = effects(provisional);
    const payload = JSON.stringify({
      ticket: {
        asker_channel: ticket.asker.channel,
        asker_chat_id: ticket.asker.chatId,
        asker_user_id: ticket.asker.userId,
        asker_name: ticket.asker.displayName ?? null,
        asker_commune: ticket.asker.commune ?? null,
        question: ticket.question,
        topic: provisional.topic ?? null,
        reason: ticket.reason,
        context_json: JSON.stringify(ticket.context),
        confidence: ticket.confidence ?? null,
        status: ticket.status,
        created_at: ticket.createdAt,
        source_key: ticket.sourceKey ?? null,
      },
      notifications: notifications.map((n) => ({ ...n, dedupKey: n.dedupKey ?? null })),
      events,
    });
    const row = await this.sql.get<{ ticket_id: number }>(
      `INSERT INTO ticket_openings (ticket_id, payload_json)
       SELECT next_id, replace(?, ?, next_id) FROM (SELECT coalesce(max(id), 0) + 1 AS next_id FROM tickets)
       RETURNING ticket_id`,
      [payload, String(placeholder)],
    );
    const opened = row && (await this.get(row.ticket_id));
    if (!opened) throw new Error('opening a ticket returned no row');
    return opened;
  }
}
