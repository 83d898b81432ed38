import type { UserStore } from '../escalation/stores.js';
import type { User } from '../escalation/types.js';
import type { Broadcast, BroadcastRepository, BroadcastWithCounts } from '../storage/broadcasts.js';
import { normalizeAudience, selectAudience, type Audience, type Exclusion } from './audience.js';
import { buildReport, type DeliveryReport } from './delivery-report.js';
import { NoticeError } from './errors.js';
import { noticeText } from './messages.js';

export const NOTICE_TITLE_MAX = 120;
export const NOTICE_TEXT_MAX = 1500;

/** Who sends: the console account's e-mail and the escalation user it acts as. */
export interface NoticeAuthor {
  label: string;
  userId?: number;
}

export interface NoticeDraft {
  title: string;
  text: string;
  audience: Partial<Audience>;
}

/** What a notice would reach, before it is sent. */
export interface NoticePreview {
  audience: Audience;
  recipients: User[];
  /** The recipients by channel, channels by name. */
  byChannel: { channel: string; users: User[] }[];
  /** Users matching the filters who receive nothing, and why (turned notices off, inactive, no chat). */
  excluded: { user: User; why: Exclusion }[];
}

export interface NoticeServiceDeps {
  broadcasts: BroadcastRepository;
  users: Pick<UserStore, 'list'>;
  now?: () => Date;
}

/**
 * Notices to officials: an admin picks the audience (role, topic, commune, channel), sees who it reaches
 * (`preview`), confirms (`send`), and the outbox delivers one message per recipient, after every answer
 * and relay waiting (kind 'notice', the lowest priority) and within each platform's limits (the channels'
 * throttles and retry-after; Zalo OA outside its window waits for the user's next message). Users who
 * turned notices off (`/tatthongbao`) are left out. `report` tells sent, failed and pending per channel.
 *
 * @example
 * const notices = new NoticeService({ broadcasts: app.repos.broadcasts, users: app.stores.users });
 * const preview = await notices.preview({ title, text, audience: { topics: ['mai-tang'] } });
 * const notice = await notices.send({ title, text, audience, author }, preview.recipients.map((u) => u.id));
 * const report = await notices.report(notice.id);
 */
export class NoticeService {
  private readonly now: () => Date;

  constructor(private readonly deps: NoticeServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** The recipients a notice to `audience` would reach now. */
  async preview(audience: Partial<Audience>): Promise<NoticePreview> {
    const normalized = normalizeAudience(audience);
    const { recipients, excluded } = selectAudience(await this.deps.users.list(), normalized);
    return { audience: normalized, recipients, byChannel: byChannel(recipients), excluded };
  }

  /**
   * Sends the notice: one outbox message per recipient, written with the notice in one transaction.
   * `expectedRecipients` (the ids the admin saw in the preview) must be exactly who it reaches now, else
   * nothing is sent (`stale_preview`): what was previewed is what is delivered.
   */
  async send(draft: NoticeDraft & { author: NoticeAuthor }, expectedRecipients?: readonly number[]): Promise<Broadcast> {
    const { title, text } = checkDraft(draft);
    const preview = await this.preview(draft.audience);
    if (preview.recipients.length === 0) throw new NoticeError('no_recipients', 'Không có người nhận nào phù hợp với bộ lọc đã chọn.');
    if (expectedRecipients && !sameIds(expectedRecipients, preview.recipients.map((u) => u.id))) {
      throw new NoticeError('stale_preview', 'Danh sách người nhận đã thay đổi từ lúc xem trước. Hãy xem trước lại rồi xác nhận.');
    }
    return this.deps.broadcasts.create(
      {
        kind: 'notice',
        title,
        body: text,
        detail: { audience: preview.audience },
        ...(draft.author.userId !== undefined && { authorUserId: draft.author.userId }),
        author: draft.author.label,
        createdAt: this.now().toISOString(),
      },
      preview.recipients.map((u) => ({
        userId: u.id,
        channel: u.channel,
        chatId: u.chatId,
        displayName: u.displayName,
        ...(u.commune && { commune: u.commune }),
        text: noticeText(title, text, u.channel),
      })),
    );
  }

  /** Notices, newest first, with their delivery counts. */
  list(limit = 50): Promise<BroadcastWithCounts[]> {
    return this.deps.broadcasts.list({ kind: 'notice', limit });
  }

  /** The delivery report of a notice; undefined for an unknown one (or a follow-up). */
  async report(id: number): Promise<DeliveryReport | undefined> {
    const notice = await this.deps.broadcasts.get(id);
    if (!notice || notice.kind !== 'notice') return undefined;
    return buildReport(notice, await this.deps.broadcasts.deliveries(id));
  }
}

/** The title and text, trimmed and checked (empty or too long: refused). */
export function checkDraft(draft: Pick<NoticeDraft, 'title' | 'text'>): { title: string; text: string } {
  const title = draft.title.normalize('NFC').replace(/\s+/gu, ' ').trim();
  const text = draft.text.normalize('NFC').replace(/\r\n?/g, '\n').trim();
  if (!title || !text) throw new NoticeError('invalid_input', 'Tiêu đề và nội dung thông báo không được để trống.');
  if (title.length > NOTICE_TITLE_MAX) throw new NoticeError('invalid_input', `Tiêu đề dài quá ${NOTICE_TITLE_MAX} ký tự.`);
  if (text.length > NOTICE_TEXT_MAX) throw new NoticeError('invalid_input', `Nội dung dài quá ${NOTICE_TEXT_MAX} ký tự (một tin Zalo chứa tối đa 2000 ký tự).`);
  return { title, text };
}

function byChannel(users: readonly User[]): { channel: string; users: User[] }[] {
  const groups = new Map<string, User[]>();
  for (const user of users) groups.set(user.channel, [...(groups.get(user.channel) ?? []), user]);
  return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([channel, list]) => ({ channel, users: list }));
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  const left = [...new Set(a)].sort((x, y) => x - y);
  const right = [...new Set(b)].sort((x, y) => x - y);
  return left.length === right.length && left.every((id, i) => id === right[i]);
}
