/** Why a notice or follow-up was refused. */
export type NoticeErrorCode = 'invalid_input' | 'no_recipients' | 'stale_preview' | 'not_found';

/**
 * A refused notice or follow-up. The message is Vietnamese, ready to show to the admin.
 *
 * @example
 * try {
 *   await notices.send(input);
 * } catch (error) {
 *   if (error instanceof NoticeError) flash(error.message);
 *   else throw error;
 * }
 */
export class NoticeError extends Error {
  constructor(
    readonly code: NoticeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'NoticeError';
  }
}
