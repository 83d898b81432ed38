/** PostgreSQL connection URLs: which are accepted, and how one is shown without its password. */

const SCHEMES = new Set(['postgres:', 'postgresql:']);

/** A `postgres://` or `postgresql://` URL that the WHATWG parser (and so `pg`) can read. */
export function isPostgresUrl(value: string): boolean {
  try {
    return SCHEMES.has(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** The URL with its password (and any `password=` parameter) replaced by `***`: safe to log or print. */
export function redactDatabaseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    for (const key of [...url.searchParams.keys()]) {
      if (/pass|secret|key/i.test(key)) url.searchParams.set(key, '***');
    }
    return url.toString();
  } catch {
    return '(địa chỉ không đọc được)';
  }
}
