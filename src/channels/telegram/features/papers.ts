import { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import { sourceKeyOf } from '../../../storage/update-inbox.js';
import { ChatFileRefused, DOWNLOAD_FAILED_TEXT } from '../../chat-files/refusals.js';
import type { ChatFileSource } from '../../chat-files/paper-answerer.js';
import { TELEGRAM_CHANNEL, type BotContext } from '../context.js';
import { askerFrom } from '../identity.js';
import { answerWith } from './questions.js';

/** Telegram's file paths are relative paths of these characters ("photos/file_0.jpg", "documents/file_3.pdf"). */
const FILE_PATH = /^(?!.*(?:^|\/)\.\.?(?:\/|$))[\w\-./]{1,200}$/u;

interface SentFile {
  fileId: string;
  fileName?: string;
  declaredSize?: number;
}

/**
 * Photos and documents (a PDF, an image sent as a file) in private chats: read and answered with their
 * caption (see ChatPaperAnswerer). Without a reader for them (no `papers`), the catch-all's "text only"
 * reply answers. The file is fetched by getFile from the configured Bot API root only.
 */
export function papersFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.chatType('private').on(['message:photo', 'message:document'], async (ctx, next) => {
    const papers = ctx.deps.papers;
    const asker = askerFrom(ctx.chat, ctx.from);
    const sent = sentFileOf(ctx.msg);
    if (!papers || !asker || !sent) return next();
    const sourceKey = sourceKeyOf(TELEGRAM_CHANNEL, String(ctx.update.update_id));
    await answerWith(
      ctx,
      () => papers.answer({ asker, question: ctx.msg.caption ?? '', file: () => locateFile(ctx, sent), sourceKey, resumed: ctx.resumed }),
      sourceKey,
    );
  });
  return feature;
}

/** The largest size of a photo (Telegram lists them smallest first), or the document. */
function sentFileOf(message: Message): SentFile | undefined {
  const photo = message.photo?.at(-1);
  if (photo) return { fileId: photo.file_id, ...(photo.file_size !== undefined && { declaredSize: photo.file_size }) };
  const doc = message.document;
  if (!doc) return undefined;
  return { fileId: doc.file_id, ...(doc.file_name && { fileName: doc.file_name }), ...(doc.file_size !== undefined && { declaredSize: doc.file_size }) };
}

/** Where the file is: getFile gives its path on the Bot API server's file endpoint (the URL holds the token: never log it). */
async function locateFile(ctx: BotContext, sent: SentFile): Promise<ChatFileSource> {
  let path: string | undefined;
  let size: number | undefined;
  try {
    const file = await ctx.api.getFile(sent.fileId);
    path = file.file_path;
    size = file.file_size;
  } catch {
    // Telegram refuses getFile for files over 20 MB, and may be unreachable: either way nothing to read.
    throw new ChatFileRefused(DOWNLOAD_FAILED_TEXT, 'download_failed');
  }
  if (!path || !FILE_PATH.test(path)) throw new ChatFileRefused(DOWNLOAD_FAILED_TEXT, 'download_failed');
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  return {
    kind: 'url',
    url: `${ctx.apiRoot}/file/bot${ctx.api.token}/${encoded}`,
    policy: { origins: [ctx.apiRoot] },
    ...(sent.fileName && { fileName: sent.fileName }),
    ...((size ?? sent.declaredSize) !== undefined && { declaredSize: size ?? sent.declaredSize }),
  };
}
