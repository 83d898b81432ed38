import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { rateLimit, type Options } from 'express-rate-limit';

/** So many requests per window. */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

/** Page views (GET /chat, GET /console/login) per client and minute. */
export const DEFAULT_PAGE_LIMIT: RateWindow = { limit: 60, windowMs: 60_000 };
/** Failed sign-ins per account (whatever the client address) and window. */
export const DEFAULT_ACCOUNT_LIMIT: RateWindow = { limit: 10, windowMs: 15 * 60_000 };

/**
 * Options every limiter shares. The client is `req.ip`: the socket address, or what a proxy trusted by
 * `TRUST_PROXY` reports (express `trust proxy`); an `X-Forwarded-For` from anyone else is ignored, so the
 * warning express-rate-limit prints for it is turned off.
 */
export const LIMITER_BASE: Partial<Options> = {
  standardHeaders: 'draft-8',
  legacyHeaders: false,
  validate: { xForwardedForHeader: false, forwardedHeader: false },
};

/** Minutes of a window, rounded up (for messages). */
export function minutesOf(window: RateWindow): number {
  return Math.ceil(window.windowMs / 60_000);
}

/** A per-client limit on page views; `refuse` writes the 429 answer. */
export function pageLimiter(window: RateWindow, refuse: (req: Request, res: Response) => void): RequestHandler {
  return rateLimit({ ...LIMITER_BASE, windowMs: window.windowMs, limit: window.limit, identifier: 'pages', handler: refuse });
}

/**
 * A limit on failed sign-ins per account, across all client addresses: the key is a hash of the typed
 * e-mail (never the address itself), whether or not an account has it, so the limit tells nothing about
 * which accounts exist. Only answers with `failedStatus` count.
 */
export function accountLimiter(window: RateWindow, emailOf: (req: Request) => string, failedStatus: number, refuse: (req: Request, res: Response) => void): RequestHandler {
  return rateLimit({
    ...LIMITER_BASE,
    windowMs: window.windowMs,
    limit: window.limit,
    identifier: 'account',
    skip: (req) => emailOf(req) === '',
    keyGenerator: (req) => `account:${createHash('sha256').update(emailOf(req)).digest('base64url')}`,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== failedStatus,
    handler: refuse,
  });
}
