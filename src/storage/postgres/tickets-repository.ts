/* Tickets and their events (tables `tickets`, `ticket_events`), PostgreSQL. */
import type { NewTicket, TicketFilter, TicketOpeningEffects } from '../../escalation/stores.js';
import { normalizeTopic } from '../../escalation/topics.js';
import type { Ticket } from '../../escalation/types.js';
import { newOutboxValues, OUTBOX_INSERT } from '../shared/outbox.js';
import { directWrite } from '../shared/sql.js';
import { SqlTicketStore, toTicket, type TicketRow } from '../shared/tickets.js';
import type { PgDatabase } from './pg-database.js';

export class PgTicketStore extends SqlTicketStore {
  constructor(private readonly db: PgDatabase) {
    super(db, directWrite, ' COLLATE "C"');
  }

  /**
   * In one transaction on its own connection (nothing else waits for it): the ticket is inserted, its
   * number read back, and its notifications and events written with that number. SQLite's staging table
   * (migration 8) is not used here.
   */
  open(ticket: NewTicket, effects: (ticket: Ticket) => TicketOpeningEffects): Promise<Ticket> {
    return this.db.transaction(async () => {
      const [row] = await this.db.all<TicketRow>(
        `INSERT INTO tickets (asker_channel, asker_chat_id, asker_user_id, asker_name, asker_commune, question, topic, reason,
           context_json, confidence, status, created_at, updated_at, source_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        [
          ticket.asker.channel,
          ticket.asker.chatId,
          ticket.asker.userId,
          ticket.asker.displayName ?? null,
          ticket.asker.commune ?? null,
          ticket.question,
          normalizeTopic(ticket.topic) ?? null,
          ticket.reason,
          JSON.stringify(ticket.context),
          ticket.confidence ?? null,
          ticket.status,
          ticket.createdAt,
          ticket.createdAt,
          ticket.sourceKey ?? null,
        ],
      );
      if (!row) throw new Error('opening a ticket returned no row');
      const opened = toTicket(row);
      const { notifications, events } = effects(opened);
      for (const notification of notifications) {
        await this.db.run(OUTBOX_INSERT, newOutboxValues({ ...notification, ticketId: opened.id }));
      }
      await this.appendEvents(events.map((event) => ({ ...event, ticketId: opened.id })));
      return opened;
    });
  }

  /**
   * The reminders' query (the only one with `remindedBefore`) claims what it reads: inside the reminders'
   * transaction the rows stay locked until it commits, and a second instance skips them instead of
   * reminding the same tickets again — once the first commits, they are no longer due.
   */
  protected override listLock(filter: TicketFilter): string {
    return filter.remindedBefore ? ' FOR UPDATE SKIP LOCKED' : '';
  }
}
