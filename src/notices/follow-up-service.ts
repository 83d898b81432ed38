import type { LoggedQuestion } from '../assistant/question-log.js';
import type { Broadcast, BroadcastRepository, BroadcastWithCounts } from '../storage/broadcasts.js';
import type { AskedQuestion } from '../storage/provenance.js';
import { buildReport, type DeliveryReport } from './delivery-report.js';
import { NoticeError } from './errors.js';
import { followUpText } from './messages.js';
import type { NoticeAuthor } from './notice-service.js';

/**
 * An answer that changed, as the follow-up needs it: a question-log entry (the impact service lists them)
 * with the chat it was asked in. `newContent` overrides the follow-up's common new content for this answer.
 */
export interface AffectedAnswer extends AskedQuestion {
  newContent?: string;
}

export interface FollowUpInput {
  answers: readonly AffectedAnswer[];
  /** What changed, completing "… đã thay đổi do …" (e.g. "Nghị định 55/2026/NĐ-CP điều chỉnh mức trợ cấp"). */
  reason: string;
  /** "Nội dung mới: …" */
  newContent: string;
  author: NoticeAuthor;
}

/** Channels with no chat to write back to (the command line's `ask`). */
export const UNREACHABLE_CHANNELS: ReadonlySet<string> = new Set(['cli']);

export const FOLLOW_UP_REASON_MAX = 300;
export const FOLLOW_UP_CONTENT_MAX = 1500;

/** The follow-up's view of a question-log entry. */
export function affectedAnswerOf(entry: LoggedQuestion): AffectedAnswer {
  return {
    id: entry.id,
    question: entry.question,
    channel: entry.asker.channel,
    chatId: entry.asker.chatId,
    userId: entry.asker.userId,
    ...(entry.asker.displayName && { displayName: entry.asker.displayName }),
    ...(entry.asker.commune && { commune: entry.asker.commune }),
    askedAt: entry.createdAt,
  };
}

export interface FollowUpServiceDeps {
  broadcasts: BroadcastRepository;
  now?: () => Date;
}

/**
 * Tells the askers of answers that changed: one message per asker (their chat on the channel they asked on),
 * "Câu trả lời ngày … về … đã thay đổi do … Nội dung mới: …", naming each of their affected answers. It goes
 * through the outbox (kind 'follow_up', after answers and relays, within the platforms' limits); a Zalo OA
 * user outside the 48-hour window gets it when they next write. Answers asked from the command line have no
 * chat and are left out (`skipped`).
 *
 * @example
 * const followUps = new FollowUpService({ broadcasts: app.repos.broadcasts });
 * const { followUp } = await followUps.send({ answers, reason: 'Nghị định 55/2026/NĐ-CP điều chỉnh mức trợ cấp', newContent, author });
 * const report = await followUps.report(followUp.id);
 */
export class FollowUpService {
  private readonly now: () => Date;

  constructor(private readonly deps: FollowUpServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async send(input: FollowUpInput): Promise<{ followUp: Broadcast; recipients: number; skipped: AffectedAnswer[] }> {
    const reason = input.reason.normalize('NFC').replace(/\s+/gu, ' ').trim();
    const newContent = input.newContent.normalize('NFC').replace(/\r\n?/g, '\n').trim();
    if (!reason || !newContent) throw new NoticeError('invalid_input', 'Hãy ghi lý do thay đổi và nội dung mới.');
    if (reason.length > FOLLOW_UP_REASON_MAX) throw new NoticeError('invalid_input', `Lý do thay đổi dài quá ${FOLLOW_UP_REASON_MAX} ký tự.`);
    if (newContent.length > FOLLOW_UP_CONTENT_MAX) throw new NoticeError('invalid_input', `Nội dung mới dài quá ${FOLLOW_UP_CONTENT_MAX} ký tự.`);
    const skipped = input.answers.filter((a) => UNREACHABLE_CHANNELS.has(a.channel));
    const reachable = input.answers.filter((a) => !UNREACHABLE_CHANNELS.has(a.channel));
    if (reachable.length === 0) throw new NoticeError('no_recipients', 'Không có câu trả lời nào gửi được: người hỏi không có cuộc trò chuyện để nhắn lại.');
    const byChat = new Map<string, AffectedAnswer[]>();
    for (const answer of reachable) {
      const key = JSON.stringify([answer.channel, answer.chatId]);
      const list = byChat.get(key) ?? [];
      if (!list.some((a) => a.id === answer.id)) list.push(answer);
      byChat.set(key, list);
    }
    const recipients = [...byChat.values()].map((answers) => {
      const sorted = [...answers].sort((a, b) => a.askedAt.localeCompare(b.askedAt) || a.id - b.id);
      const first = sorted[0]!;
      return {
        channel: first.channel,
        chatId: first.chatId,
        displayName: first.displayName ?? first.userId,
        ...(first.commune && { commune: first.commune }),
        detail: { answers: sorted.map((a) => ({ id: a.id, question: a.question, askedAt: a.askedAt })) },
        text: followUpText(sorted, reason, newContent),
      };
    });
    const followUp = await this.deps.broadcasts.create(
      {
        kind: 'follow_up',
        title: reason,
        body: newContent,
        detail: { answers: reachable.map((a) => a.id), skipped: skipped.map((a) => a.id) },
        ...(input.author.userId !== undefined && { authorUserId: input.author.userId }),
        author: input.author.label,
        createdAt: this.now().toISOString(),
      },
      recipients,
    );
    return { followUp, recipients: recipients.length, skipped };
  }

  /** Follow-ups, newest first, with their delivery counts. */
  list(limit = 50): Promise<BroadcastWithCounts[]> {
    return this.deps.broadcasts.list({ kind: 'follow_up', limit });
  }

  /** The delivery report of a follow-up; undefined for an unknown one (or a notice). */
  async report(id: number): Promise<DeliveryReport | undefined> {
    const followUp = await this.deps.broadcasts.get(id);
    if (!followUp || followUp.kind !== 'follow_up') return undefined;
    return buildReport(followUp, await this.deps.broadcasts.deliveries(id));
  }
}
