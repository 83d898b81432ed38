import bcrypt from 'bcryptjs';
import type { Database } from '../../storage/database.js';
import { BCRYPT_MAX_BYTES } from './passwords.js';

export { MAX_PASSWORD_BYTES, MIN_PASSWORD_LENGTH, passwordProblem } from './passwords.js';

export const WEB_ROLES = ['admin', 'expert'] as const;
export type WebRole = (typeof WEB_ROLES)[number];

/** A console account: who signs in, with which role, acting as which escalation user. */
export interface WebAccount {
  id: number;
  email: string;
  role: WebRole;
  /** The escalation user (users.id) this account acts as: tickets it answers are attributed to them. */
  userId: number;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  lastLoginAt?: string;
}

interface Row {
  id: number;
  email: string;
  password_hash: string;
  role: WebRole;
  user_id: number;
  active: number;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

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
 * Console accounts in SQLite (table `web_accounts`), passwords hashed with bcrypt.
 *
 * @example
 * const accounts = new WebAccountStore(app.db);
 * const account = await accounts.create({ email: 'chuyengia@so.gov.vn', password, role: 'expert', userId: 7 }, now);
 * await accounts.verify('chuyengia@so.gov.vn', password); // the account, or undefined
 */
export class WebAccountStore {
  constructor(private readonly db: Database) {}

  async create(input: { email: string; password: string; role: WebRole; userId: number }, now: string): Promise<WebAccount> {
    const hash = await bcrypt.hash(input.password, BCRYPT_COST);
    const { lastID } = await this.db.run(
      `INSERT INTO web_accounts (email, password_hash, role, user_id, active, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)`,
      [normalizeEmail(input.email), hash, input.role, input.userId, now, now],
    );
    const account = await this.get(lastID);
    if (!account) throw new Error(`web account ${lastID} vanished after insert`);
    return account;
  }

  async get(id: number): Promise<WebAccount | undefined> {
    const row = await this.db.get<Row>('SELECT * FROM web_accounts WHERE id = ?', [id]);
    return row && toAccount(row);
  }

  async findByEmail(email: string): Promise<WebAccount | undefined> {
    const row = await this.db.get<Row>('SELECT * FROM web_accounts WHERE email = ?', [normalizeEmail(email)]);
    return row && toAccount(row);
  }

  async list(): Promise<WebAccount[]> {
    return (await this.db.all<Row>('SELECT * FROM web_accounts ORDER BY id')).map(toAccount);
  }

  /**
   * The active account with this e-mail and password, or undefined (same work done either way). A password
   * over bcrypt's 72 bytes never matches: bcrypt would compare only its first 72 bytes.
   */
  async verify(email: string, password: string): Promise<WebAccount | undefined> {
    const row = await this.db.get<Row>('SELECT * FROM web_accounts WHERE email = ?', [normalizeEmail(email)]);
    const tooLong = Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_BYTES;
    const hash = row && !tooLong ? row.password_hash : await (dummyHash ??= bcrypt.hash('trolyxa-dummy-password', BCRYPT_COST));
    const ok = await bcrypt.compare(password, hash);
    return row && ok && !tooLong && row.active === 1 ? toAccount(row) : undefined;
  }

  async setPassword(id: number, password: string, now: string): Promise<void> {
    const hash = await bcrypt.hash(password, BCRYPT_COST);
    await this.db.run('UPDATE web_accounts SET password_hash = ?, updated_at = ? WHERE id = ?', [hash, now, id]);
  }

  async update(id: number, patch: { role?: WebRole; active?: boolean; userId?: number }, now: string): Promise<void> {
    const sets: string[] = ['updated_at = ?'];
    const params: (string | number)[] = [now];
    if (patch.role) {
      sets.push('role = ?');
      params.push(patch.role);
    }
    if (patch.active !== undefined) {
      sets.push('active = ?');
      params.push(patch.active ? 1 : 0);
    }
    if (patch.userId !== undefined) {
      sets.push('user_id = ?');
      params.push(patch.userId);
    }
    await this.db.run(`UPDATE web_accounts SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
  }

  async recordLogin(id: number, now: string): Promise<void> {
    await this.db.run('UPDATE web_accounts SET last_login_at = ? WHERE id = ?', [now, id]);
  }
}

function toAccount(r: Row): WebAccount {
  return {
    id: r.id,
    email: r.email,
    role: r.role,
    userId: r.user_id,
    active: r.active === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.last_login_at !== null && { lastLoginAt: r.last_login_at }),
  };
}
