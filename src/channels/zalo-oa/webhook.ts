import { createHash } from 'node:crypto';
import { Router } from 'express';
import type { Logger } from '../../logger.js';
import { acknowledge, type IntakeOutcome } from '../intake.js';
import { WebhookRefusals } from '../refusals.js';
import { isJsonObject, parseJsonBody, rawBody, readRawBody } from '../webhook-body.js';
import { eventProblem, freshness, messageIdOf, senderAndEvent, timestampMs, type FreshnessWindow, type OaEvent } from './event.js';
import { looksLikeSignature, verifyZaloEvent } from './signature.js';

export const ZALO_OA_SIGNATURE_HEADER = 'X-ZEvent-Signature';

export interface OaWebhookOptions {
  /** ZALO_OA_APP_ID: a signed event naming another app is refused. */
  appId: string;
  /** The OA secret key that signs events. */
  secretKey: string;
  /** Events dated outside this window around now are acknowledged and dropped. */
  window: FreshnessWindow;
  now: () => number;
}

/**
 * The Zalo OA webhook route (mounted at /webhooks/zalo-oa). In this order, cheapest first:
 * - a request without a well-formed `X-ZEvent-Signature` is refused (401) before its body is read;
 * - the body is read as bytes (1 MiB at most) and the signature verified over them, with the event's
 *   `app_id` and `timestamp` found in the bytes (see verifyZaloEvent): an unsigned body is never parsed
 *   (401);
 * - a signed event whose `app_id` is not ZALO_OA_APP_ID is refused (403, logged as an error: the
 *   configuration is probably wrong); a timestamp that is not epoch milliseconds, a body nested too deeply
 *   (checked before JSON.parse), one that is not a JSON object, or a mistyped field get 400. Each refusal
 *   is logged once per body however often Zalo re-delivers it;
 * - an event dated outside the freshness window (default: more than 10 minutes old or 2 minutes ahead) is
 *   acknowledged (200, so Zalo stops re-delivering it), logged once, and not acted on: a replay of a
 *   captured event is answered with nothing;
 * - a user's event is handed to `accept` with its msg_id, or, without one, a digest of the signed bytes
 *   (the same event delivered again is recognised); other events are acknowledged and ignored.
 */
export function createZaloOaWebhook(
  options: OaWebhookOptions,
  logger: Logger,
  accept: (event: OaEvent, eventId: string) => Promise<IntakeOutcome>,
): Router {
  const refusals = new WebhookRefusals(logger);
  const checkHeader = refusals.requireHeader(
    ZALO_OA_SIGNATURE_HEADER,
    looksLikeSignature,
    { json: { error: 'invalid signature' } },
    'webhook refused: wrong or missing signature',
  );
  const router = Router();
  router.post('/', checkHeader, readRawBody(), async (req, res) => {
    const raw = rawBody(req);
    const signed = verifyZaloEvent(raw, req.get(ZALO_OA_SIGNATURE_HEADER), options.secretKey);
    if (!signed) {
      refusals.unauthorised(req.ip, 'webhook refused: wrong or missing signature');
      res.status(401).json({ error: 'invalid signature' });
      return;
    }
    const { ip } = req;
    if (signed.appId !== options.appId) {
      const details = { ip, reason: 'app_id: not this app', status: 403, level: 'error' as const, appId: signed.appId.slice(0, 32) };
      refusals.refuse(res, raw, details, 'webhook refused: the event is for another app_id than ZALO_OA_APP_ID');
      return;
    }
    const at = timestampMs(signed.timestamp);
    const parsed = parseJsonBody(raw, signed.depth);
    const problem =
      at === undefined
        ? 'timestamp: expected epoch milliseconds'
        : !parsed.ok
          ? parsed.reason
          : !isJsonObject(parsed.value)
            ? 'expected a JSON object'
            : eventProblem(parsed.value);
    if (problem || at === undefined || !parsed.ok) {
      refusals.refuse(res, raw, { ip, reason: problem ?? 'malformed' }, 'webhook refused: malformed event');
      return;
    }
    const event = parsed.value as OaEvent;
    const { userId, eventName } = senderAndEvent(event);
    const now = options.now();
    const when = freshness(at, now, options.window);
    if (when !== 'fresh') {
      const ageSeconds = Math.round((now - at) / 1000);
      refusals.note(raw, 'warn', { ip, event: eventName, ageSeconds }, `webhook: ${when} event ignored (outside the freshness window: check the server clock, or ZALO_OA_EVENT_MAX_AGE_SECONDS)`);
      res.status(200).json({ ok: true });
      return;
    }
    if (!userId || !eventName.startsWith('user_send_')) {
      logger.debug({ event: eventName }, 'event ignored');
      res.status(200).json({ ok: true });
      return;
    }
    const eventId = messageIdOf(event) ?? `sig:${createHash('sha256').update(raw).digest('hex')}`;
    await acknowledge(res, accept(event, eventId), { ok: true });
  });
  return router;
}
