/** Why the escalation service refused a request. */
export type EscalationErrorCode = 'not_found' | 'forbidden' | 'invalid_input' | 'invalid_state' | 'duplicate';

/**
 * A refused request (unknown ticket, wrong role, wrong state…). The message is Vietnamese, ready to be
 * shown to the expert or admin who made the request; `code` lets a channel choose its own wording.
 *
 * @example
 * try {
 *   await service.answer(12, expertId, text);
 * } catch (error) {
 *   if (error instanceof EscalationError) await reply(error.message);
 *   else throw error;
 * }
 */
export class EscalationError extends Error {
  constructor(
    readonly code: EscalationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EscalationError';
  }
}
