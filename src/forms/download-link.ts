import { createHmac, timingSafeEqual } from 'node:crypto';

/** Where the HTTP app serves form files (see src/web/form-download.ts). */
export const FORM_DOWNLOAD_PATH = '/forms';

/** The parts of a download link that prove it was made here, for this file, until a time. */
export interface LinkProof {
  /** Expiry, in seconds since the epoch. */
  e: string;
  /** HMAC-SHA256 of the form number, the file's hash and the expiry, base64url. */
  s: string;
}

/**
 * Signs and checks download links of form files: `/forms/12/Mau-so-12.pdf?e=<expiry>&s=<signature>`. The
 * signature covers the form, the file's hash (a replaced file's old links stop working) and the expiry, with
 * a secret shared by every instance on the database, so a link made by one is served by all.
 *
 * @example
 * const links = new FormLinkSigner(secret);
 * const url = links.path('12', file, new Date(Date.now() + 3_600_000));
 * links.verify('12', file.sha256, { e, s }, new Date()); // true until the hour is up
 */
export class FormLinkSigner {
  constructor(private readonly secret: string) {}

  /** The link's path and query (put the public origin before it for messengers). */
  path(number: string, file: { fileName: string; sha256: string }, expiresAt: Date): string {
    const e = String(Math.floor(expiresAt.getTime() / 1000));
    const query = new URLSearchParams({ e, s: this.signature(number, file.sha256, e) });
    return `${FORM_DOWNLOAD_PATH}/${encodeURIComponent(number)}/${encodeURIComponent(file.fileName)}?${query}`;
  }

  /** True when `proof` was made for this form and file and has not expired at `now`. */
  verify(number: string, sha256: string, proof: Partial<LinkProof>, now: Date): boolean {
    if (typeof proof.e !== 'string' || typeof proof.s !== 'string' || !/^\d{1,12}$/.test(proof.e)) return false;
    if (Number(proof.e) * 1000 <= now.getTime()) return false;
    const expected = Buffer.from(this.signature(number, sha256, proof.e));
    const given = Buffer.from(proof.s);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private signature(number: string, sha256: string, e: string): string {
    return createHmac('sha256', this.secret).update(`form\n${number}\n${sha256}\n${e}`).digest('base64url');
  }
}
