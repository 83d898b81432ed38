import bcrypt from 'bcryptjs';
import type { WebAccount, WebAccountRepository, WebRole } from '../../storage/ports.js';
import { BCRYPT_MAX_BYTES } from './passwords.js';

export { MAX_PASSWORD_BYTES, MIN_PASSWORD_LENGTH, passwordProblem } from './passwords.js';

export const WEB_ROLES = ['admin', 'expert'] as const satisfies readonly WebRole[];
export type { WebAccount, WebRole } from '../../storage/ports.js';

const BCRYPT_COST = 11;
/** Compared against when the e-mail is unknown, so both cases take the same time (made on first use). */
let dummyHash: Promise<string> | undefined;

/** Lower-cased, trimmed, NFC. */
export function normalizeEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

export function isValidEmail(email: string): boolean {
  return /^[^\s@<>"']{1,64}@[^\s@<>"']{1,255}$/.test(email) && email.length <= 254;
}

/**
 * Console accounts (kept by a WebAccountRepository), passwords hashed with bcrypt.
 *
 * @example
 * const accounts = new WebAccountStore(app.repos.webAccounts);
 * const account = await accounts.create({ email: 'chuyengia@so.gov.vn', password, role: 'expert', userId: 7 }, now);
 * await accounts.verify('chuyengia@so.gov.vn', password); // the account, or undefined
 */
export class WebAccountStore {
  constructor(private readonly accounts: WebAccountRepository) {}

  async create(input: { email: string; password: string; role: WebRole; userId: number }, now: string): Promise<WebAccount> {
    const passwordHash = await bcrypt.hash(input.password, BCRYPT_COST);
    const id = await this.accounts.insert({ email: normalizeEmail(input.email), passwordHash, role: input.role, userId: input.userId }, now);
    const account = await this.get(id);
    if (!account) throw new Error(`web account ${id} vanished after insert`);
    return account;
  }

  get(id: number): Promise<WebAccount | undefined> {
    return this.accounts.get(id);
  }

  findByEmail(email: string): Promise<WebAccount | undefined> {
    return this.accounts.findByEmail(normalizeEmail(email));
  }

  list(): Promise<WebAccount[]> {
    return this.accounts.list();
  }

  /**
   * The active account with this e-mail and password, or undefined (same work done either way). A password
   * over bcrypt's 72 bytes never matches: bcrypt would compare only its first 72 bytes.
   */
  async verify(email: string, password: string): Promise<WebAccount | undefined> {
    const found = await this.accounts.findCredentials(normalizeEmail(email));
    const tooLong = Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_BYTES;
    const hash = found && !tooLong ? found.passwordHash : await (dummyHash ??= bcrypt.hash('trolyxa-dummy-password', BCRYPT_COST));
    const ok = await bcrypt.compare(password, hash);
    return found && ok && !tooLong && found.account.active ? found.account : undefined;
  }

  async setPassword(id: number, password: string, now: string): Promise<void> {
    await this.accounts.setPasswordHash(id, await bcrypt.hash(password, BCRYPT_COST), now);
  }

  update(id: number, patch: { role?: WebRole; active?: boolean; userId?: number }, now: string): Promise<void> {
    return this.accounts.update(id, patch, now);
  }

  recordLogin(id: number, now: string): Promise<void> {
    return this.accounts.recordLogin(id, now);
  }
}
