import { plainReply } from '../../assistant/assistant.js';
import type { PaperQuestions } from '../../assistant/paper-questions.js';
import type { AppConfig } from '../../config.js';
import type { Asker, AssistantReply } from '../../assistant/types.js';
import type { Logger } from '../../logger.js';
import { ScanRejected, type ScanReader } from '../../ocr/scan-reader.js';
import { downloadFile, type FileHostPolicy } from './download.js';
import { safeFileName, sniffFileType } from './file-type.js';
import { BUSY_TEXT, ChatFileRefused, NO_READER_TEXT, tooLargeText, tooManyPagesText, UNSUPPORTED_TEXT } from './refusals.js';

/** Where a chat's file is: a URL of the platform's (downloaded under a host policy), or bytes already received (the web chat). */
export type ChatFileSource =
  | { kind: 'url'; url: string; policy: FileHostPolicy; fileName?: string; declaredSize?: number }
  | { kind: 'bytes'; bytes: Uint8Array; fileName?: string };

export interface ChatFileLimits {
  maxBytes: number;
  maxPages: number;
  /** Download and reading together. */
  timeoutMs: number;
}

export interface ChatPaperAnswererDeps {
  questions: Pick<PaperQuestions, 'answer'>;
  /** None configured: a file gets a polite reply asking for the question in text. */
  reader?: ScanReader;
  limits: ChatFileLimits;
  logger?: Logger;
  fetch?: typeof fetch;
  /** Files read at once (the reader spawns processes; the machine's cores are shared). Default 2. */
  maxConcurrent?: number;
  /** Files waiting for a free reader before more are refused as busy. Default 20. */
  maxWaiting?: number;
}

export interface ChatPaperMessage {
  asker: Asker;
  /** The caption, or '' when none came. */
  question: string;
  /** The file, or how to find it (Telegram asks getFile first: that counts within the time limit). */
  file: ChatFileSource | (() => Promise<ChatFileSource>);
  sourceKey?: string;
  resumed?: boolean;
}

/** CHAT_FILE_MAX_MB, CHAT_FILE_MAX_PAGES and CHAT_FILE_TIMEOUT_SECONDS by default. */
export const DEFAULT_CHAT_FILE_LIMITS: ChatFileLimits = { maxBytes: 10 * 1024 * 1024, maxPages: 5, timeoutMs: 60_000 };

/** What the app offers to answer chat files: the paper questions, the reader when one is configured, the limits. */
export interface ChatPaperServices {
  papers?: PaperQuestions;
  scanReader?: ScanReader;
  config?: Partial<Pick<AppConfig, 'chatFiles'>>;
}

/** The answerer of the app's chat files; undefined when the app answers no papers at all. */
export function chatPaperAnswererFor(services: ChatPaperServices, logger?: Logger): ChatPaperAnswerer | undefined {
  if (!services.papers) return undefined;
  return new ChatPaperAnswerer({
    questions: services.papers,
    ...(services.scanReader && { reader: services.scanReader }),
    limits: services.config?.chatFiles ?? DEFAULT_CHAT_FILE_LIMITS,
    ...(logger && { logger }),
  });
}

const TIMEOUT_TEXT = 'Tôi đọc giấy tờ này quá lâu nên đã dừng. Bạn gửi ảnh rõ hơn hoặc ít trang hơn, hoặc gõ câu hỏi bằng chữ nhé.';

/**
 * A photo or PDF from a chat, answered: fetched (from the platform's own hosts only, within the size
 * limit), told apart by its bytes, read through the ScanReader (within the page and time limits, a few at
 * a time) and handed with its caption to PaperQuestions. The file lives only in memory for the answer;
 * PaperQuestions passes it on to a ticket when the question is escalated. A refusal is a Vietnamese reply.
 */
export class ChatPaperAnswerer {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly deps: ChatPaperAnswererDeps) {}

  async answer(message: ChatPaperMessage): Promise<AssistantReply> {
    const { reader, limits } = this.deps;
    if (!reader) return plain(NO_READER_TEXT);
    try {
      await this.acquire();
    } catch (error) {
      if (error instanceof ChatFileRefused) return plain(error.message);
      throw error;
    }
    const signal = AbortSignal.timeout(limits.timeoutMs);
    try {
      const source = typeof message.file === 'function' ? await message.file() : message.file;
      const { bytes, fileName } = await this.fetchFile(source, signal);
      const type = sniffFileType(bytes);
      if (!type) throw new ChatFileRefused(UNSUPPORTED_TEXT, 'unsupported');
      const file = { bytes, mimeType: type, fileName: safeFileName(fileName, type) };
      const pages = new AbortController();
      const scan = await reader.read(
        file,
        {
          signal: AbortSignal.any([signal, pages.signal]),
          onProgress: ({ pagesTotal }) => {
            if (pagesTotal > limits.maxPages) pages.abort(new ScanRejected(tooManyPagesText(limits.maxPages), 'too_many_pages'));
          },
        },
      ).catch((error: unknown) => {
        throw pages.signal.aborted ? pages.signal.reason : error;
      });
      if (scan.pages > limits.maxPages) throw new ScanRejected(tooManyPagesText(limits.maxPages), 'too_many_pages');
      return await this.deps.questions.answer({
        asker: message.asker,
        question: message.question,
        text: scan.text,
        file,
        ...(message.sourceKey && { sourceKey: message.sourceKey }),
        ...(message.resumed && { resumed: true }),
      });
    } catch (error) {
      if (error instanceof ChatFileRefused || error instanceof ScanRejected) {
        this.deps.logger?.info({ reason: error.reason, channel: message.asker.channel }, 'chat file refused');
        return plain(error.message);
      }
      if (signal.aborted) {
        this.deps.logger?.warn({ channel: message.asker.channel }, 'chat file: download and reading took too long');
        return plain(TIMEOUT_TEXT);
      }
      throw error;
    } finally {
      this.release();
    }
  }

  private async fetchFile(source: ChatFileSource, signal: AbortSignal): Promise<{ bytes: Uint8Array; fileName?: string }> {
    const { maxBytes } = this.deps.limits;
    if (source.kind === 'bytes') {
      if (source.bytes.byteLength > maxBytes) throw new ChatFileRefused(tooLargeText(maxBytes), 'too_large');
      return source;
    }
    if (source.declaredSize !== undefined && source.declaredSize > maxBytes) throw new ChatFileRefused(tooLargeText(maxBytes), 'too_large');
    const { bytes } = await downloadFile(source.url, source.policy, { maxBytes, signal, ...(this.deps.fetch && { fetch: this.deps.fetch }) });
    return { bytes, ...(source.fileName && { fileName: source.fileName }) };
  }

  private acquire(): Promise<void> {
    if (this.running < (this.deps.maxConcurrent ?? 2)) {
      this.running += 1;
      return Promise.resolve();
    }
    if (this.waiting.length >= (this.deps.maxWaiting ?? 20)) return Promise.reject(new ChatFileRefused(BUSY_TEXT, 'busy'));
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running -= 1;
  }
}

function plain(text: string): AssistantReply {
  return plainReply('smalltalk', text);
}
