/* Tickets and their events (tables `tickets`, `ticket_events`), PostgreSQL. */
import type { NewTicket, TicketFilter, TicketOpeningEffects } from '../../escalation/stores.js';
import type { Ticket } from '../../escalation/types.js';
import { newOutboxValues } from '../shared/outbox.js';
import { directWrite } from '../shared/sql.js';
import { NEW_TICKET_COLUMNS, newTicketRow, newTicketValues, SqlTicketStore, toTicket, type TicketRow } from '../shared/tickets.js';
import type { PgDatabase } from './pg-database.js';

/**
 * The ticket, its notifications and its events in one statement (one implicit transaction): data-modifying
 * common table expressions, the notifications and events as JSON arrays of their values, the first parameter the number drawn before.
 */
const OPEN_TICKET = `WITH opened AS (
    INSERT INTO tickets (id, ${NEW_TICKET_COLUMNS}) VALUES (?, ${NEW_TICKET_COLUMNS.split(', ').map(() => '?').join(', ')}) RETURNING *
  ), notified AS (
    INSERT INTO outbox (ticket_id, channel, chat_id, kind, text, status, attempts, next_attempt_at, created_at, dedup_key, priority, attachment)
    SELECT opened.id, n.value ->> 0, n.value ->> 1, n.value ->> 2, n.value ->> 3, 'pending', 0, n.value ->> 4, n.value ->> 5, n.value ->> 6,
      CAST(n.value ->> 7 AS INTEGER), n.value ->> 8
    FROM opened, jsonb_array_elements(CAST(? AS jsonb)) WITH ORDINALITY AS n(value, ordinal) ORDER BY n.ordinal
  ), logged AS (
    INSERT INTO ticket_events (ticket_id, actor, action, detail_json, at)
    SELECT opened.id, e.value ->> 0, e.value ->> 1, e.value ->> 2, e.value ->> 3
    FROM opened, jsonb_array_elements(CAST(? AS jsonb)) WITH ORDINALITY AS e(value, ordinal) ORDER BY e.ordinal
  )
  SELECT * FROM opened`;

export class PgTicketStore extends SqlTicketStore {
  constructor(private readonly db: PgDatabase) {
    // Each transaction on a connection of its own, named explicitly: nothing else waits for it.
    super(db, directWrite, (work) => db.transactionWith(work), ' COLLATE "C"');
  }

  /**
   * Two statements and no transaction held open: the ticket's number is drawn from its sequence, the
   * effects are built with it, and the ticket, its notifications and its events are inserted by one
   * statement (all or nothing). The shared path took four (BEGIN, the ticket, the events, COMMIT) and a
   * connection held across them; a number drawn for a ticket whose insert then fails is skipped.
   */
  override async open(ticket: NewTicket, effects: (ticket: Ticket) => TicketOpeningEffects): Promise<Ticket> {
    const drawn = await this.db.get<{ id: number }>("SELECT nextval(pg_get_serial_sequence('tickets', 'id')) AS id");
    if (!drawn) throw new Error('drawing a ticket number returned no row');
    const { notifications, events } = effects(toTicket(newTicketRow(drawn.id, ticket)));
    const outbox = notifications.map((notification) => newOutboxValues({ ...notification, ticketId: drawn.id }).slice(1));
    const logged = events.map((event) => [event.actor, event.action, JSON.stringify(event.detail), event.at]);
    const [row] = await this.db.all<TicketRow>(OPEN_TICKET, [drawn.id, ...newTicketValues(ticket), JSON.stringify(outbox), JSON.stringify(logged)]);
    if (!row) throw new Error('opening a ticket returned no row');
    return toTicket(row);
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
