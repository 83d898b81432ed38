import type { FeedbackValue } from '../../assistant/question-log.js';

/*
 * Typed payloads of the inline buttons (Telegram allows 1–64 bytes of callback data). Handlers register
 * with the `pattern`s and read the payload with `parse`; nobody builds or splits these strings by hand.
 */

const FEEDBACK_CODES: Record<FeedbackValue, string> = { helpful: 'h', unhelpful: 'u', expert: 'e' };
const FEEDBACK_VALUES: Record<string, FeedbackValue> = { h: 'helpful', u: 'unhelpful', e: 'expert' };

/** `fb:<answerId>:h|u|e` — feedback on an answer. */
export const feedbackData = {
  pattern: /^fb:\d{1,15}:[hue]$/u,
  encode(answerId: number, value: FeedbackValue): string {
    return `fb:${positive(answerId)}:${FEEDBACK_CODES[value]}`;
  },
  parse(data: string): { answerId: number; value: FeedbackValue } | undefined {
    const match = /^fb:(\d{1,15}):([hue])$/u.exec(data);
    const answerId = Number(match?.[1]);
    const value = FEEDBACK_VALUES[match?.[2] ?? ''];
    return match && Number.isSafeInteger(answerId) && answerId > 0 && value ? { answerId, value } : undefined;
  },
};

/** `form:<number>` — send the file of a form a reply named ("Gửi Mẫu số 12"). */
export const formData = {
  pattern: /^form:\d{2,3}$/u,
  encode(number: string): string {
    if (!/^\d{2,3}$/u.test(number)) throw new Error(`expected a form number, got ${number}`);
    return `form:${number}`;
  },
  parse(data: string): { number: string } | undefined {
    const number = /^form:(\d{2,3})$/u.exec(data)?.[1];
    return number === undefined ? undefined : { number };
  },
};

/** `claim:<ticket>` — an expert takes a ticket from its notification. */
export const claimData = ticketData('claim');

/** `approve:<ticket>` — an admin approves the expert's answer as a curated answer. */
export const approveData = ticketData('approve');

function ticketData(prefix: string) {
  const exact = new RegExp(`^${prefix}:(\\d{1,15})$`, 'u');
  return {
    pattern: new RegExp(`^${prefix}:\\d{1,15}$`, 'u'),
    encode(ticketId: number): string {
      return `${prefix}:${positive(ticketId)}`;
    },
    parse(data: string): { ticketId: number } | undefined {
      const ticketId = Number(exact.exec(data)?.[1]);
      return Number.isSafeInteger(ticketId) && ticketId > 0 ? { ticketId } : undefined;
    },
  };
}

function positive(id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`expected a positive id, got ${id}`);
  return id;
}
