import { GrammyError, HttpError, InputFile, type Api } from 'grammy';
import type { OutboundPort, SendResult } from '../../escalation/outbound-port.js';
import type { OutboundDocument, OutboundMessage, TicketAttachment } from '../../escalation/types.js';
import type { Logger } from '../../logger.js';
import { claimKeyboard } from './keyboards.js';
import { sendText, type SendProgress } from './send.js';

/** Multi-part messages remembered at most (a retry then resends only the parts that did not arrive). */
const MAX_REMEMBERED = 1_000;

/**
 * How the escalation outbox reaches Telegram chats: relays to askers, notifications and reminders to
 * experts (with a "claim" button). Never throws: API errors become a `SendResult` (429 → retry after
 * Telegram's `retry_after`; 5xx, 401 and network errors → retry; other 4xx such as "chat not found" or
 * "bot was blocked by the user" → give up).
 *
 * @example
 * const router = new ChannelRouter().register('telegram', createTelegramPort(bot.api));
 * await escalation.processOutbox(router);
 */
export function createTelegramPort(
  api: Api,
  logger?: Logger,
  /** The files of a ticket's question: sent to the expert with its notification (none: the text alone). */
  attachmentsOf?: (ticketId: number) => Promise<TicketAttachment[]>,
): OutboundPort {
  // By outbox id (stable across retries): parts of a long message already delivered.
  const partial = new Map<number, SendProgress>();
  return {
    async send(message: OutboundMessage): Promise<SendResult> {
      if (message.document) return sendDocument(api, message.chatId, message.text, message.document, logger);
      const progress = partial.get(message.id) ?? { done: 0 };
      const keyboard =
        (message.kind === 'notify' || message.kind === 'reminder') && message.ticketId !== undefined ? claimKeyboard(message.ticketId) : undefined;
      try {
        await sendText(api, message.chatId, message.text, { keyboard, boldFirstLine: true }, progress);
        partial.delete(message.id);
        if (message.kind === 'notify' && message.ticketId !== undefined && attachmentsOf) {
          await sendAttachments(api, message.chatId, message.ticketId, await attachmentsOf(message.ticketId), logger);
        }
        return { ok: true };
      } catch (error) {
        if (progress.done > 0) {
          partial.set(message.id, progress);
          if (partial.size > MAX_REMEMBERED) partial.delete(partial.keys().next().value!);
        }
        const result = toSendResult(error);
        logger?.warn({ outbox: message.id, kind: message.kind, chatId: message.chatId, error: result.error }, 'telegram: send failed');
        return result;
      }
    },
  };
}

/** Telegram's limit on a caption (characters). */
const CAPTION_LIMIT = 1024;

/**
 * A file as a document: uploaded (multipart) the first time, by the file_id Telegram gave back afterwards
 * (returned as `platformRef`, kept by the caller).
 */
async function sendDocument(api: Api, chatId: string, caption: string, document: OutboundDocument, logger?: Logger): Promise<SendResult> {
  const send = async (file: InputFile | string): Promise<SendResult> => {
    const sent = await api.sendDocument(chatId, file, { caption: caption.slice(0, CAPTION_LIMIT) });
    return { ok: true, ...(sent.document?.file_id !== undefined && { platformRef: sent.document.file_id }) };
  };
  const upload = () => send(new InputFile(document.bytes, document.fileName));
  try {
    if (document.platformRef === undefined) return await upload();
    // A file_id Telegram no longer knows (another bot token, a purge) is answered 400: upload the bytes instead.
    return await send(document.platformRef).catch((error: unknown) => {
      if (error instanceof GrammyError && error.error_code === 400) return upload();
      throw error;
    });
  } catch (error) {
    const result = toSendResult(error);
    logger?.warn({ chatId, file: document.fileName, error: result.error }, 'telegram: document not sent');
    return result;
  }
}

/**
 * A ticket's files after its notification: a photo as a photo, a PDF as a document. Best effort: the text
 * went out, so a failure here is logged rather than retried (which would send the text again); the
 * console's ticket page still shows the file.
 */
async function sendAttachments(api: Api, chatId: string, ticketId: number, files: readonly TicketAttachment[], logger?: Logger): Promise<void> {
  for (const file of files) {
    const input = new InputFile(file.bytes, file.fileName);
    const caption = `Phiếu #${ticketId}: giấy tờ người hỏi gửi kèm`;
    try {
      if (file.mimeType.startsWith('image/')) await api.sendPhoto(chatId, input, { caption });
      else await api.sendDocument(chatId, input, { caption });
    } catch (error) {
      logger?.warn({ ticket: ticketId, chatId, error: toSendResult(error).error }, 'telegram: the ticket’s file was not sent with its notification');
    }
  }
}

/** Maps a grammY error to the outbox's notion of a failed attempt. */
export function toSendResult(error: unknown): Extract<SendResult, { ok: false }> {
  if (error instanceof GrammyError) {
    const code = error.error_code;
    const text = `telegram ${code}: ${error.description}`;
    if (code === 429) {
      const after = error.parameters?.retry_after;
      return { ok: false, retryable: true, error: text, ...(typeof after === 'number' && { retryAfterMs: after * 1000 }) };
    }
    // 401: our token is wrong or revoked — the recipient is fine, so keep the message until it is fixed.
    if (code >= 500 || code === 401) return { ok: false, retryable: true, error: text };
    const migrated = error.parameters?.migrate_to_chat_id;
    return { ok: false, retryable: false, error: migrated === undefined ? text : `${text} (the group is now chat ${migrated})` };
  }
  if (error instanceof HttpError) return { ok: false, retryable: true, error: `telegram unreachable: ${error.message}` };
  return { ok: false, retryable: true, error: error instanceof Error ? error.message : String(error) };
}
