/* Notices and follow-ups (tables `broadcasts`, `broadcast_recipients`, with their `outbox` rows), both engines. */
import type { SqlValue } from '../database.js';
import type {
  Broadcast,
  BroadcastDelivery,
  BroadcastKind,
  BroadcastRepository,
  BroadcastWithCounts,
  DeliveryCount,
  DeliveryStatus,
  NewBroadcast,
  NewBroadcastRecipient,
} from '../broadcasts.js';
import { newOutboxValues, OUTBOX_INSERT } from './outbox.js';
import type { SqlTransactor } from './sql.js';

interface BroadcastRow {
  id: number;
  kind: string;
  title: string;
  body: string;
  detail_json: string;
  author_user_id: number | null;
  author: string;
  created_at: string;
}

interface DeliveryRow {
  id: number;
  user_id: number | null;
  channel: string;
  chat_id: string;
  display_name: string;
  commune: string | null;
  detail_json: string;
  outbox_id: number;
  status: string;
  attempts: number;
  last_error: string | null;
  sent_at: string | null;
  text: string;
}

/**
 * The broadcast repository in the SQL both engines speak; an engine's subclass says how an insert returns
 * its new id (SQLite: the last row id; PostgreSQL: `RETURNING id`).
 */
export abstract class SqlBroadcastRepository implements BroadcastRepository {
  constructor(protected readonly db: SqlTransactor) {}

  /** Runs an INSERT and returns the id of the row it wrote. */
  protected abstract insertId(sql: string, params: readonly SqlValue[]): Promise<number>;

  create(broadcast: NewBroadcast, recipients: readonly NewBroadcastRecipient[]): Promise<Broadcast> {
    return this.db.transaction(async () => {
      const id = await this.insertId(
        'INSERT INTO broadcasts (kind, title, body, detail_json, author_user_id, author, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [broadcast.kind, broadcast.title, broadcast.body, JSON.stringify(broadcast.detail), broadcast.authorUserId ?? null, broadcast.author, broadcast.createdAt],
      );
      const seen = new Set<string>();
      for (const r of recipients) {
        const key = JSON.stringify([r.channel, r.chatId]);
        if (seen.has(key)) continue;
        seen.add(key);
        const outboxId = await this.insertId(
          OUTBOX_INSERT,
          newOutboxValues({
            channel: r.channel,
            chatId: r.chatId,
            kind: broadcast.kind,
            text: r.text,
            dedupKey: `${broadcast.kind}:${id}:${r.channel}:${r.chatId}`,
            createdAt: broadcast.createdAt,
          }),
        );
        await this.db.run(
          `INSERT INTO broadcast_recipients (broadcast_id, user_id, channel, chat_id, display_name, commune, detail_json, outbox_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          [id, r.userId ?? null, r.channel, r.chatId, r.displayName, r.commune ?? null, JSON.stringify(r.detail ?? {}), outboxId],
        );
      }
      return { ...broadcast, id };
    });
  }

  async get(id: number): Promise<Broadcast | undefined> {
    const row = await this.db.get<BroadcastRow>('SELECT * FROM broadcasts WHERE id = ?', [id]);
    return row && toBroadcast(row);
  }

  async list(filter: { kind?: BroadcastKind; limit?: number } = {}): Promise<BroadcastWithCounts[]> {
    const params: SqlValue[] = [];
    let where = '';
    if (filter.kind) {
      where = ' WHERE kind = ?';
      params.push(filter.kind);
    }
    const rows = await this.db.all<BroadcastRow>(`SELECT * FROM broadcasts${where} ORDER BY id DESC LIMIT ?`, [...params, filter.limit ?? 100]);
    if (rows.length === 0) return [];
    const counts = await this.db.all<DeliveryCount & { broadcast_id: number }>(
      `SELECT r.broadcast_id, r.channel, o.status, COUNT(*) AS n
       FROM broadcast_recipients r JOIN outbox o ON o.id = r.outbox_id
       WHERE r.broadcast_id IN (${rows.map(() => '?').join(', ')})
       GROUP BY r.broadcast_id, r.channel, o.status
       ORDER BY r.broadcast_id, r.channel, o.status`,
      rows.map((r) => r.id),
    );
    return rows.map((row) => ({
      ...toBroadcast(row),
      counts: counts.filter((c) => Number(c.broadcast_id) === row.id).map((c) => ({ channel: c.channel, status: c.status as DeliveryStatus, n: Number(c.n) })),
    }));
  }

  async deliveries(broadcastId: number): Promise<BroadcastDelivery[]> {
    const rows = await this.db.all<DeliveryRow>(
      `SELECT r.id, r.user_id, r.channel, r.chat_id, r.display_name, r.commune, r.detail_json, r.outbox_id,
              o.status, o.attempts, o.last_error, o.sent_at, o.text
       FROM broadcast_recipients r JOIN outbox o ON o.id = r.outbox_id
       WHERE r.broadcast_id = ? ORDER BY r.id`,
      [broadcastId],
    );
    return rows.map((r) => ({
      recipientId: r.id,
      ...(r.user_id !== null && { userId: r.user_id }),
      channel: r.channel,
      chatId: r.chat_id,
      displayName: r.display_name,
      ...(r.commune !== null && { commune: r.commune }),
      detail: JSON.parse(r.detail_json) as Record<string, unknown>,
      outboxId: r.outbox_id,
      status: r.status as DeliveryStatus,
      attempts: r.attempts,
      ...(r.last_error !== null && { lastError: r.last_error }),
      ...(r.sent_at !== null && { sentAt: r.sent_at }),
      text: r.text,
    }));
  }
}

function toBroadcast(r: BroadcastRow): Broadcast {
  return {
    id: r.id,
    kind: r.kind as BroadcastKind,
    title: r.title,
    body: r.body,
    detail: JSON.parse(r.detail_json) as Record<string, unknown>,
    ...(r.author_user_id !== null && { authorUserId: r.author_user_id }),
    author: r.author,
    createdAt: r.created_at,
  };
}
