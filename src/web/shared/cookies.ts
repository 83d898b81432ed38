/** Cookies and secrets shared by the console and the web chat. */
import { timingSafeEqual } from 'node:crypto';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { Request, Response } from 'express';

/** Constant-time comparison of two strings (false when lengths differ). */
export function sameSecret(a: string | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A cookie value from the request (the `cookie` package parses the header). */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  return parseCookies(header)[name];
}

export interface CookieSettings {
  /** Always Secure (`SECURE_COOKIES`); otherwise Secure whenever the request came over HTTPS. */
  secure: boolean;
}

/**
 * Whether a cookie set in answer to `req` is marked Secure: always when configured, and whenever the request
 * is HTTPS — directly, or as a proxy trusted by `TRUST_PROXY` says in `X-Forwarded-Proto` (`req.secure`).
 */
export function secureFor(req: Request | undefined, settings: CookieSettings): boolean {
  return settings.secure || req?.secure === true;
}

/** Sets an http-only, SameSite=Lax cookie on path `/` (Secure over HTTPS or when configured). `maxAgeMs` undefined: session cookie. */
export function setCookie(res: Response, name: string, value: string, settings: CookieSettings, maxAgeMs?: number): void {
  res.append(
    'Set-Cookie',
    serializeCookie(name, value, {
      httpOnly: true,
      sameSite: 'lax',
      secure: secureFor(res.req, settings),
      path: '/',
      ...(maxAgeMs !== undefined && { maxAge: Math.floor(maxAgeMs / 1000) }),
    }),
  );
}

export function clearCookie(res: Response, name: string, settings: CookieSettings): void {
  res.append('Set-Cookie', serializeCookie(name, '', { httpOnly: true, sameSite: 'lax', secure: secureFor(res.req, settings), path: '/', maxAge: 0 }));
}
