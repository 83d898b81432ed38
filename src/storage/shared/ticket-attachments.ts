import type { TicketAttachmentStore } from '../../escalation/stores.js';
import type { TicketAttachment, TicketAttachmentInput } from '../../escalation/types.js';
import type { SqlRunner } from './sql.js';

interface Row {
  id: number | string;
  ticket_id: number | string;
  mime_type: string;
  file_name: string;
  bytes: Buffer;
  created_at: string;
}

const toAttachment = (r: Row): TicketAttachment => ({
  id: Number(r.id),
  ticketId: Number(r.ticket_id),
  mimeType: r.mime_type,
  fileName: r.file_name,
  bytes: new Uint8Array(r.bytes),
  createdAt: r.created_at,
});

/** The files that came with escalated questions (table `ticket_attachments`, migration 16): the same SQL on both engines. */
export class SqlTicketAttachmentStore implements TicketAttachmentStore {
  constructor(private readonly db: SqlRunner) {}

  async add(ticketId: number, file: TicketAttachmentInput, at: string): Promise<number> {
    const row = await this.db.get<{ id: number | string }>(
      'INSERT INTO ticket_attachments (ticket_id, mime_type, file_name, bytes, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id',
      [ticketId, file.mimeType, file.fileName, Buffer.from(file.bytes), at],
    );
    return Number(row!.id);
  }

  async list(ticketId: number): Promise<TicketAttachment[]> {
    const rows = await this.db.all<Row>('SELECT * FROM ticket_attachments WHERE ticket_id = ? ORDER BY id', [ticketId]);
    return rows.map(toAttachment);
  }

  async get(id: number): Promise<TicketAttachment | undefined> {
    const row = await this.db.get<Row>('SELECT * FROM ticket_attachments WHERE id = ?', [id]);
    return row && toAttachment(row);
  }

  async deleteOf(ticketId: number): Promise<number> {
    return (await this.db.run('DELETE FROM ticket_attachments WHERE ticket_id = ?', [ticketId])).changes;
  }

  async deleteBefore(at: string): Promise<number> {
    return (await this.db.run('DELETE FROM ticket_attachments WHERE created_at < ?', [at])).changes;
  }
}
