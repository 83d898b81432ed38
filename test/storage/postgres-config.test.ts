import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { describeStorageEngine, storageEngineOf } from '../../src/storage/engine.js';
import { toPgPlaceholders } from '../../src/storage/postgres/placeholders.js';
import { isPostgresUrl, redactDatabaseUrl } from '../../src/storage/postgres/url.js';

describe('DATABASE_URL', () => {
  it('unset or empty, the SQLite file is used', () => {
    for (const env of [{}, { DATABASE_URL: '' }, { DATABASE_URL: '  ' }]) {
      const config = loadConfig(env, '/srv/trolyxa');
      expect(config.databaseUrl).toBeUndefined();
      expect(storageEngineOf(config)).toEqual({ kind: 'sqlite', file: '/srv/trolyxa/data/trolyxa.sqlite' });
    }
  });

  it('accepts postgres:// and postgresql:// URLs', () => {
    for (const url of ['postgres://trolyxa:mật@db.xa.local:5432/trolyxa', 'postgresql://trolyxa@127.0.0.1/trolyxa', 'postgres:///trolyxa?host=/var/run/postgresql']) {
      const config = loadConfig({ DATABASE_URL: url });
      expect(config.databaseUrl).toBe(url);
      expect(storageEngineOf(config)).toEqual({ kind: 'postgres', url });
    }
  });

  it('refuses any other URL in Vietnamese, naming the variable and never showing the value', () => {
    for (const url of ['mysql://root:hunter2secret@db/trolyxa', 'sqlite:///data/trolyxa.sqlite', 'hunter2secret']) {
      let error: unknown;
      try {
        loadConfig({ DATABASE_URL: url });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toContain('DATABASE_URL: phải là địa chỉ PostgreSQL dạng postgres://');
      expect(message).not.toContain('hunter2secret');
      expect(message.normalize('NFC')).toBe(message);
    }
  });

  it('is shown without its password', () => {
    const engine = storageEngineOf(loadConfig({ DATABASE_URL: 'postgres://trolyxa:s3cr%40t@db:5432/trolyxa?sslpassword=k&sslmode=require' }));
    const shown = describeStorageEngine(engine);
    expect(shown).toBe('PostgreSQL (postgres://trolyxa:***@db:5432/trolyxa?sslpassword=***&sslmode=require)');
    expect(redactDatabaseUrl('postgres://db/trolyxa')).toBe('postgres://db/trolyxa');
    expect(redactDatabaseUrl('not a url')).not.toContain('not a url');
    expect(isPostgresUrl('http://db/trolyxa')).toBe(false);
  });
});

describe('toPgPlaceholders', () => {
  it('numbers the ? placeholders', () => {
    expect(toPgPlaceholders('SELECT * FROM t WHERE a = ? AND b IN (?, ?)')).toBe('SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)');
  });

  it('leaves a ? inside literals, quoted names and comments alone', () => {
    expect(toPgPlaceholders(`SELECT '?', 'it''s ?', "col?" FROM t -- why?\nWHERE a = ? /* ? */ AND b = ?`)).toBe(
      `SELECT '?', 'it''s ?', "col?" FROM t -- why?\nWHERE a = $1 /* ? */ AND b = $2`,
    );
  });

  it('returns text that already uses $n unchanged', () => {
    expect(toPgPlaceholders('SELECT $1::text || ?')).toBe('SELECT $1::text || ?');
  });
});
