import { existsSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { loadConfig } from '../../src/config.js';
import { BotServer } from '../../src/server/bot-server.js';
import { bootstrapAdmin, createWebChatAdapter, createWebConsole, WebAccountStore, type LoginLimit, type RateWindow } from '../../src/web/console/index.js';
import type { TrustProxy } from '../../src/web/http-app.js';
import { createTelegramAdapter } from '../../src/channels/telegram/adapter.js';
import type { ChannelAdapter, ChannelDeps } from '../../src/channels/types.js';
import { createSqliteTestApp, ROOT, type TestApp } from '../helpers/app-fixture.js';
import { TEST_SECRET, type TelegramEmulator } from '../helpers/telegram-emulator.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import type { ScanReader } from '../../src/ocr/scan-reader.js';

export const ADMIN = { email: 'quantri@sonv.gov.vn', password: 'mat-khau-quan-tri-2026' };
export const EXPERT = { email: 'chuyengia@sonv.gov.vn', password: 'mat-khau-chuyen-gia-2026', name: 'Trần Thị Hoa' };

export interface WebServer {
  app: TestApp;
  server: BotServer;
  url: string;
  dataDir: string;
  knowledgeDir: string;
  expertUserId: number;
  stop(): Promise<void>;
}

/**
 * The real server (BotServer with the web chat adapter and the console mounted) on 127.0.0.1, over a
 * copy of the knowledge folder and a fresh database in a temporary folder, with an admin and an expert
 * (covering every topic unless `expertTopics` says otherwise).
 */
export async function startWebServer(
  options: {
    loginLimit?: LoginLimit;
    pageLimit?: RateWindow;
    trustProxy?: TrustProxy;
    chatPublic?: boolean;
    outboxIntervalMs?: number;
    telegram?: TelegramEmulator;
    expertTopics?: string[];
    /** Default: silent. */
    logger?: Logger;
    /** A data folder the caller owns (to start again over it); `stop` leaves it in place. */
    dataDir?: string;
    /** Extra environment for the configuration. */
    env?: Record<string, string>;
    /** More channel adapters (Zalo Bot, Zalo OA…), built with the server's dependencies. */
    adapters?: (deps: ChannelDeps, app: TestApp) => ChannelAdapter[];
    /** Reads the photos and PDFs sent in the chat (none: the chat offers no upload of them to read). */
    scanReader?: ScanReader;
  } = {},
): Promise<WebServer> {
  const keep = options.dataDir !== undefined;
  const dataDir = options.dataDir ?? (await makeTempDir('trolyxa-web-'));
  const knowledgeDir = path.join(dataDir, 'knowledge');
  if (!existsSync(knowledgeDir)) await cp(path.join(ROOT, 'knowledge'), knowledgeDir, { recursive: true });
  const config = loadConfig({ DATA_DIR: path.join(dataDir, 'data'), KNOWLEDGE_DIR: knowledgeDir, LOG_LEVEL: 'silent', ...options.env }, ROOT);
  const logger = options.logger ?? pino({ level: 'silent' });
  const app = await createSqliteTestApp(config, { logger, ...(options.scanReader && { scanReader: options.scanReader }) });
  await bootstrapAdmin(app, config.web.adminEmail ?? ADMIN.email, config.web.adminPassword ?? ADMIN.password);
  const accounts = new WebAccountStore(app.repos.webAccounts);
  const existing = await accounts.findByEmail(EXPERT.email);
  const now = new Date().toISOString();
  const expert = existing
    ? (await app.stores.users.get(existing.userId))!
    : await app.stores.users.add(
        { channel: 'telegram', channelUserId: 'tg-expert-1', chatId: 'tg-expert-1', displayName: EXPERT.name, role: 'expert', topics: options.expertTopics ?? ['*'] },
        now,
      );
  if (!existing) await accounts.create({ email: EXPERT.email, password: EXPERT.password, role: 'expert', userId: expert.id }, now);
  const server = await BotServer.start({
    app,
    logger,
    host: '127.0.0.1',
    port: 0,
    adapters: (deps) => [
      createWebChatAdapter(app),
      ...(options.telegram
        ? [
            createTelegramAdapter(
              {
                token: options.telegram.token,
                mode: 'webhook' as const,
                webhookUrl: 'https://trolyxa.example.vn/webhooks/telegram',
                webhookSecret: TEST_SECRET,
                apiRoot: options.telegram.apiRoot,
              },
              deps,
            ),
          ]
        : []),
      ...(options.adapters?.(deps, app) ?? []),
    ],
    mount: createWebConsole({ app, logger, chatPublic: options.chatPublic, loginLimit: options.loginLimit, pageLimit: options.pageLimit }),
    outboxIntervalMs: options.outboxIntervalMs ?? 200,
    trustProxy: options.trustProxy,
  });
  return {
    app,
    server,
    url: server.url,
    dataDir,
    knowledgeDir,
    expertUserId: expert.id,
    async stop() {
      await server.stop();
      if (!keep) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Page {
  status: number;
  headers: Headers;
  text: string;
  location?: string;
}

/** A small HTTP client with a cookie jar (redirects are not followed, so tests see them). */
export class WebClient {
  readonly cookies = new Map<string, string>();
  /** The CSRF token of the last page that had one. */
  csrf = '';

  constructor(readonly base: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private async request(method: string, url: string, init: { body?: RequestInit['body']; headers?: Record<string, string> } = {}): Promise<Page> {
    const res = await fetch(new URL(url, this.base), {
      method,
      redirect: 'manual',
      headers: { ...(this.cookies.size && { cookie: this.cookieHeader() }), ...init.headers },
      body: init.body,
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? /name="csrf-token" content="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location') ?? undefined };
  }

  get(url: string, headers?: Record<string, string>): Promise<Page> {
    return this.request('GET', url, { headers });
  }

  /** A urlencoded form post; `_csrf` is added from the last page unless `csrf` says otherwise (null: none). */
  post(url: string, form: Record<string, string>, csrf: string | null = this.csrf, headers: Record<string, string> = {}): Promise<Page> {
    const body = new URLSearchParams(form);
    if (csrf !== null) body.set('_csrf', csrf);
    return this.request('POST', url, { body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  }

  postMultipart(url: string, form: FormData): Promise<Page> {
    return this.request('POST', url, { body: form });
  }

  postJson(url: string, data: unknown, headers: Record<string, string> = {}): Promise<Page> {
    return this.request('POST', url, { body: JSON.stringify(data), headers: { 'content-type': 'application/json', accept: 'application/json', ...headers } });
  }

  /** Opens the sign-in page and signs in; `headers` go with both requests (e.g. what a proxy adds). */
  async login(email: string, password: string, headers: Record<string, string> = {}): Promise<Page> {
    await this.get('/console/login', headers);
    return this.post('/console/login', { email, password }, this.csrf, headers);
  }
}
