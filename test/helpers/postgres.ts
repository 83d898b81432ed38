import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { migratePostgres } from '../../src/storage/postgres/migrate.js';
import { PgDatabase } from '../../src/storage/postgres/pg-database.js';
import { redactDatabaseUrl } from '../../src/storage/postgres/url.js';

/**
 * PostgreSQL for the tests: the server of `TEST_DATABASE_URL` (.ci/run starts a throw-away cluster and sets
 * it). Without it, suites that need PostgreSQL are skipped with a note — except on CI, where they fail.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;
const ON_CI = Boolean(process.env.CI) && !/^(false|0)$/i.test(process.env.CI ?? '');

/** `describe` for a suite that needs PostgreSQL. */
export function describePostgres(name: string, body: () => void): void {
  if (!TEST_DATABASE_URL && ON_CI) {
    describe(name, () => {
      it('has a PostgreSQL server (TEST_DATABASE_URL)', () => {
        throw new Error('TEST_DATABASE_URL is not set: on CI the PostgreSQL half of the storage tests must run (.ci/run starts a cluster)');
      });
    });
    return;
  }
  if (!TEST_DATABASE_URL) {
    console.warn(`[postgres] skipped “${name}”: no PostgreSQL server (set TEST_DATABASE_URL=postgres://… to run it; .ci/run does)`);
  }
  describe.skipIf(!TEST_DATABASE_URL)(name, body);
}

function requireUrl(): string {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  return TEST_DATABASE_URL;
}

function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: requireUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  /** Connection URL of the new database (it carries the test server's password: do not print it). */
  url: string;
  drop(): Promise<void>;
}

/** Creates a uniquely named database on the test server. */
export async function createTestDatabase(prefix = 'trolyxa_t'): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(requireUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * A fresh database for the test file (or the describe block it is called in): created before its tests,
 * dropped after them. `url` is readable once the tests run.
 */
export function usePostgresDatabase(): { readonly url: string } {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  return {
    get url(): string {
      if (!database) throw new Error('the test database exists only while the tests run');
      return database.url;
    },
  };
}

/** A uniquely named schema (created by PgDatabase.open), for a test that wants tables of its own. */
export function uniqueSchema(prefix = 's'): string {
  return uniqueName(prefix);
}

/** Opens `url` in a fresh schema with every migration applied. */
export async function openMigratedPg(url: string): Promise<PgDatabase> {
  const db = await PgDatabase.open(url, { schema: uniqueSchema(), maxConnections: 4 });
  await migratePostgres(db);
  return db;
}

/** The test server as it may be shown: without its password. */
export function testServerForDisplay(): string {
  return TEST_DATABASE_URL ? redactDatabaseUrl(TEST_DATABASE_URL) : '(none)';
}
