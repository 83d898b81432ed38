import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from '../logger.js';

/** Distinct refused bodies remembered (so that a re-delivery is not logged again). */
const REMEMBERED_BODIES = 1000;
/** Client addresses remembered for the unauthorised-request log. */
const REMEMBERED_CLIENTS = 1000;
/** At most one "unauthorised" line per client address in this time. */
const UNAUTHORISED_QUIET_MS = 60_000;

export interface RefusalOptions {
  now?: () => number;
}

/**
 * The log lines of refused webhook deliveries, kept few: an authenticated but malformed update is logged
 * once however often the platform re-delivers it (keyed by a digest of its bytes), and requests with a
 * wrong or missing secret are logged at most once a minute per client address, with how many were not
 * logged. Neither the body nor any header is ever logged.
 */
export class WebhookRefusals {
  private readonly bodies = new Set<string>();
  private readonly clients = new Map<string, { loggedAt: number; unlogged: number }>();
  private readonly now: () => number;

  constructor(
    private readonly logger: Logger,
    options: RefusalOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Answers `status` (400 unless told) to an authenticated delivery that cannot be taken, and logs it
   * the first time these bytes are refused. `reason` says what is wrong (a field path, never a value).
   */
  refuse(res: Response, raw: Buffer, details: { ip?: string; reason: string; status?: number; level?: 'warn' | 'error'; [key: string]: unknown }, message: string): void {
    const { status = 400, level = 'warn', ...fields } = details;
    this.note(raw, level, { ...fields, status }, message);
    res.status(status).json({ error: fields.reason });
  }

  /** Logs `message` about a delivery the first time these bytes are seen (with their size and a digest prefix). */
  note(raw: Buffer, level: 'warn' | 'error', fields: Record<string, unknown>, message: string): void {
    const digest = createHash('sha256').update(raw).digest('hex');
    if (this.bodies.has(digest)) return;
    remember(this.bodies, digest, REMEMBERED_BODIES);
    this.logger[level]({ ...fields, bytes: raw.length, body: digest.slice(0, 16) }, message);
  }

  /**
   * Express middleware that lets a request through only when `isValid` accepts the value of `header`;
   * otherwise answers 401 with `body`, before anything reads the request's body, and logs it (rate-limited).
   */
  requireHeader(header: string, isValid: (value: string | undefined) => boolean, body: { json: unknown } | { text: string }, message: string): RequestHandler {
    return (req, res, next) => {
      if (isValid(req.get(header))) return next();
      this.unauthorised(req.ip, message);
      res.status(401);
      if ('json' in body) res.json(body.json);
      else res.type('text/plain').send(body.text);
    };
  }

  /** Logs a request refused for a wrong or missing secret or signature (rate-limited per client address). */
  unauthorised(ip: string | undefined, message: string): void {
    const key = ip ?? 'unknown';
    const now = this.now();
    const client = this.clients.get(key);
    if (client && now - client.loggedAt < UNAUTHORISED_QUIET_MS) {
      client.unlogged += 1;
      return;
    }
    this.clients.delete(key);
    if (this.clients.size >= REMEMBERED_CLIENTS) this.clients.delete(this.clients.keys().next().value!);
    this.clients.set(key, { loggedAt: now, unlogged: 0 });
    this.logger.warn({ ip, ...(client?.unlogged && { notLogged: client.unlogged }) }, message);
  }
}

function remember(set: Set<string>, value: string, capacity: number): void {
  if (set.size >= capacity) set.delete(set.values().next().value!);
  set.add(value);
}
