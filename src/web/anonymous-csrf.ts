import { createHmac, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { ChannelStateStore } from '../storage/channel-state.js';
import { readCookie, sameSecret, setCookie, type CookieSettings } from './shared/cookies.js';

/** The cookie holding a visitor's random nonce (no row anywhere: the server keeps only one signing key). */
export const CSRF_COOKIE = 'trolyxa_csrf';
/** What a token is for: one token never passes for another form. */
export type CsrfPurpose = 'login' | 'chat';

const NONCE = /^[A-Za-z0-9_-]{32}$/;

/**
 * CSRF protection for visitors who have no session yet (the sign-in form, a web chat before its first
 * question), without storing anything per visitor: a signed double-submit token. The cookie carries a random
 * nonce; the form carries HMAC(key, purpose + nonce). A cross-site page can neither read the cookie nor sign
 * a nonce of its own. The key is made once and kept in the database, so tokens survive a restart.
 *
 * @example
 * const csrf = AnonymousCsrf.fromState(app.repos.channelState, { secure: false });
 * const token = await csrf.issue(req, res, 'login'); // put in the form
 * await csrf.verify(req, 'login', field(req, '_csrf')); // on POST
 */
export class AnonymousCsrf {
  private key: Promise<Buffer> | undefined;

  constructor(
    private readonly loadKey: () => Promise<Buffer>,
    private readonly cookies: CookieSettings,
  ) {}

  /** Keeps the signing key in the channel state (channel `web`, key `csrf-key`). */
  static fromState(state: ChannelStateStore, cookies: CookieSettings): AnonymousCsrf {
    return new AnonymousCsrf(async () => {
      const stored = await state.get('web', 'csrf-key');
      if (stored) return Buffer.from(stored, 'base64url');
      const key = randomBytes(32);
      await state.set('web', 'csrf-key', key.toString('base64url'));
      return key;
    }, cookies);
  }

  /** The token for a form on this page; sets the nonce cookie when the request has none. */
  async issue(req: Request, res: Response, purpose: CsrfPurpose): Promise<string> {
    let nonce = readCookie(req, CSRF_COOKIE);
    if (!nonce || !NONCE.test(nonce)) {
      nonce = randomBytes(24).toString('base64url');
      setCookie(res, CSRF_COOKIE, nonce, this.cookies);
    }
    return this.sign(purpose, nonce);
  }

  /** Whether `sent` is the token of this request's nonce cookie for `purpose`. */
  async verify(req: Request, purpose: CsrfPurpose, sent: string | undefined): Promise<boolean> {
    const nonce = readCookie(req, CSRF_COOKIE);
    if (!nonce || !NONCE.test(nonce) || typeof sent !== 'string') return false;
    return sameSecret(sent, await this.sign(purpose, nonce));
  }

  private async sign(purpose: CsrfPurpose, nonce: string): Promise<string> {
    const key = await (this.key ??= this.loadKey().catch((error: unknown) => {
      this.key = undefined;
      throw error;
    }));
    return createHmac('sha256', key).update(`${purpose}:${nonce}`).digest('base64url');
  }
}
