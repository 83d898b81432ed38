import type { SqlRunner, SqlTransactor } from './shared/sql.js';

/** A web chat visitor not seen for this long is forgotten (the chat cookie lives as long). */
export const CHAT_VISITOR_IDLE_MS = 180 * 86_400_000;
/** A visitor row without a single message (made by a page view before the fix) is forgotten after this. */
export const EMPTY_CHAT_VISITOR_MS = 86_400_000;

export interface PruneReport {
  sessions: number;
  visitors: number;
  messages: number;
}

/**
 * Removes what the web console and the web chat no longer need: expired sessions, web chat visitors not
 * seen for `CHAT_VISITOR_IDLE_MS` (with their messages: their cookie is gone, nobody can read them), and
 * visitors that never asked anything. Run at start-up and every hour. The same SQL serves both engines.
 *
 * @example
 * const report = await pruneWebState(app.db, new Date());
 */
export async function pruneWebState(db: SqlTransactor, now: Date): Promise<PruneReport> {
  const at = now.getTime();
  const idleBefore = new Date(at - CHAT_VISITOR_IDLE_MS).toISOString();
  const emptyBefore = new Date(at - EMPTY_CHAT_VISITOR_MS).toISOString();
  return db.transaction(async () => {
    const sessions = (await db.run('DELETE FROM web_sessions WHERE expires_at <= ?', [now.toISOString()])).changes;
    const messages = (
      await db.run('DELETE FROM web_chat_messages WHERE chat_id IN (SELECT chat_id FROM web_chat_visitors WHERE last_seen_at < ?)', [idleBefore])
    ).changes;
    const idle = (await db.run('DELETE FROM web_chat_visitors WHERE last_seen_at < ?', [idleBefore])).changes;
    const empty = (
      await db.run(
        'DELETE FROM web_chat_visitors WHERE last_seen_at < ? AND NOT EXISTS (SELECT 1 FROM web_chat_messages m WHERE m.chat_id = web_chat_visitors.chat_id)',
        [emptyBefore],
      )
    ).changes;
    return { sessions, visitors: idle + empty, messages };
  });
}

/** Ends every session of an account but one (the one that changed its own password stays signed in). */
export async function endOtherSessions(db: SqlRunner, accountId: number, keepTokenHash: string): Promise<number> {
  return (await db.run('DELETE FROM web_sessions WHERE account_id = ? AND token_hash <> ?', [accountId, keepTokenHash])).changes;
}

/** Records that a web chat visitor came back (pushes its idle deadline back). */
export async function touchChatVisitor(db: SqlRunner, chatId: string, at: Date): Promise<void> {
  await db.run('UPDATE web_chat_visitors SET last_seen_at = ? WHERE chat_id = ?', [at.toISOString(), chatId]);
}
