import { isIP } from 'node:net';
import { hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { configErrorText, problemText, vietnameseErrorMap } from './config-messages.js';
import { DEFAULT_OCR_LIMITS, type OcrLimits } from './ocr/ocr-limits.js';
import { isPostgresUrl } from './storage/postgres/url.js';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();
const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.string().url().optional())
  .optional();

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .refine(isPostgresUrl, 'phải là địa chỉ PostgreSQL dạng postgres://người_dùng:mật_khẩu@máy_chủ:5432/tên_cơ_sở_dữ_liệu (hoặc postgresql://…); bỏ trống để dùng SQLite')
      .optional(),
  ),
  INSTANCE_ID: optionalText.pipe(
    z
      .string()
      .regex(/^[\w.:@-]{1,100}$/, 'tối đa 100 ký tự, chỉ gồm chữ không dấu, chữ số và các dấu . _ - : @ (ví dụ may-chu-1); bỏ trống để dùng tên máy và số tiến trình')
      .optional(),
  ),
  INBOX_LEASE_SECONDS: z.coerce.number().int().min(5).max(3_600).default(30),
  KNOWLEDGE_DIR: z.string().trim().min(1).default('./knowledge'),
  ABBREVIATIONS_FILE: optionalText,

  EMBEDDINGS_PROVIDER: z.enum(['hashing', 'openai', 'ollama']).default('hashing'),
  EMBEDDINGS_MODEL: optionalText,

  LLM_PROVIDER: z.enum(['none', 'openai', 'ollama']).default('none'),
  LLM_MODEL: optionalText,
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(20_000),
  OPENAI_BASE_URL: optionalUrl,
  OPENAI_API_KEY: optionalText,
  OLLAMA_BASE_URL: optionalUrl,

  ACCESS_POLICY: z.enum(['open', 'registered']).default('open'),
  ANSWER_MIN_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.5),
  OUT_OF_DOMAIN_BELOW: z.coerce.number().min(0).max(1).default(0.3),
  IN_DOMAIN_MIN_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.15),
  AMBIGUITY_MARGIN: z.coerce.number().min(0).max(1).default(0.01),
  CURATED_MIN_SIMILARITY: z.coerce.number().min(0).max(1).default(0.85),
  MAX_QUESTION_CHARS: z.coerce.number().int().min(50).max(20_000).default(1000),
  MEMORY_TTL_MINUTES: z.coerce.number().min(0).max(24 * 60).default(15),
  QUESTIONS_PER_MINUTE: z.coerce.number().int().min(0).max(10_000).default(20),
  TICKET_REMINDER_MINUTES: z.coerce.number().min(1).max(30 * 24 * 60).default(240),

  HOST: z.string().trim().min(1).default('127.0.0.1'),
  ADMIN_EMAIL: optionalText.pipe(z.string().email().optional()),
  ADMIN_PASSWORD: optionalText.pipe(z.string().min(10, 'cần ít nhất 10 ký tự').refine((v) => Buffer.byteLength(v, 'utf8') <= 64, 'tối đa 64 byte (chữ có dấu chiếm 2–3 byte), vì bcrypt chỉ đọc 72 byte đầu').optional()),
  WEB_CHAT_PUBLIC: z.enum(['true', 'false']).optional(),
  SEARCH_THREAD: z.enum(['true', 'false']).default('true'),
  PARSE_MEMORY_MB: z.coerce.number().int().min(64).max(16_384).default(256),
  PARSE_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(3600).default(30),
  OCR_MAX_MB: z.coerce.number().min(0.1).max(200).default(20),
  OCR_MAX_PAGES: z.coerce.number().int().min(1).max(500).default(30),
  OCR_PAGE_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(3600).default(60),
  OCR_MEMORY_MB: z.coerce.number().int().min(128).max(16_384).default(1024),
  OCR_DPI: z.coerce.number().int().min(72).max(600).default(300),
  CHAT_FILE_MAX_MB: z.coerce.number().min(0.1).max(50).default(10),
  CHAT_FILE_MAX_PAGES: z.coerce.number().int().min(1).max(50).default(5),
  CHAT_FILE_TIMEOUT_SECONDS: z.coerce.number().min(1).max(600).default(60),
  CHAT_FILE_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  SECURE_COOKIES: z.enum(['true', 'false']).optional(),
  TRUST_PROXY: optionalText.pipe(
    z
      .string()
      .refine(isTrustProxy, {
        message:
          'phải là false, một số proxy (1–10), hoặc danh sách địa chỉ IP, mạng (10.0.0.0/8) và loopback, linklocal, uniquelocal cách nhau bởi dấu phẩy; không nhận true vì khi đó ai cũng giả được địa chỉ',
      })
      .optional(),
  ),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  PUBLIC_URL: optionalUrl.pipe(z.string().regex(/^https?:\/\/[^/]+\/?$/, 'chỉ gồm giao thức và tên miền, ví dụ https://trolyxa.example.vn').optional()),
  FORM_FILE_MAX_MB: z.coerce.number().min(0.1).max(50).default(5),
  FORM_LINK_TTL_HOURS: z.coerce.number().min(0.1).max(24 * 30).default(72),

  TELEGRAM_BOT_TOKEN: optionalText.pipe(z.string().regex(/^\d+:[\w-]{20,}$/, 'không đúng dạng mã bot @BotFather cấp (ví dụ 123456789:AAE…, phần sau dấu hai chấm dài ít nhất 20 ký tự)').optional()),
  TELEGRAM_MODE: z.enum(['polling', 'webhook']).default('polling'),
  TELEGRAM_WEBHOOK_URL: optionalUrl,
  TELEGRAM_WEBHOOK_SECRET: optionalText.pipe(z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'cần 16–256 ký tự, chỉ gồm chữ A-Z a-z, chữ số 0-9, dấu _ và -').optional()),
  TELEGRAM_API_ROOT: optionalUrl.pipe(z.string().regex(/[^/]$/, 'bỏ dấu / ở cuối địa chỉ').optional()),

  ZALO_BOT_TOKEN: optionalText,
  ZALO_BOT_API_ROOT: z.string().trim().url().default('https://bot-api.zaloplatforms.com'),
  ZALO_BOT_MODE: z.enum(['polling', 'webhook']).default('webhook'),
  ZALO_BOT_WEBHOOK_URL: optionalUrl,
  ZALO_BOT_WEBHOOK_SECRET: optionalText.pipe(z.string().min(8).max(256).optional()),

  ZALO_OA_APP_ID: optionalText,
  ZALO_OA_SECRET_KEY: optionalText,
  ZALO_OA_APP_SECRET: optionalText,
  ZALO_OA_ACCESS_TOKEN: optionalText,
  ZALO_OA_REFRESH_TOKEN: optionalText,
  ZALO_OA_API_ROOT: z.string().trim().url().default('https://openapi.zalo.me'),
  ZALO_OA_OAUTH_ROOT: z.string().trim().url().default('https://oauth.zaloapp.com'),
  ZALO_OA_EVENT_MAX_AGE_SECONDS: z.coerce.number().int().min(10).max(86_400).default(600),
  ZALO_OA_EVENT_MAX_SKEW_SECONDS: z.coerce.number().int().min(0).max(3_600).default(120),
});

export type Env = z.input<typeof envSchema>;

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: string;
  dataDir: string;
  databaseFile: string;
  /** PostgreSQL's connection URL (it may hold a password: never log it as is); unset, the SQLite file `databaseFile` is used. */
  databaseUrl?: string;
  /**
   * This instance among those sharing one database (`INSTANCE_ID`; default: host name and process id):
   * what claims inbox rows, shown in /healthz.
   */
  instanceId: string;
  /**
   * How long an instance's claim on an update it is handling lasts unless renewed; when it runs out (the
   * instance died), another instance's sweep takes the update over.
   */
  inbox: { leaseMs: number };
  vectorDir: string;
  knowledgeDir: string;
  abbreviationsFile: string;
  embeddings: {
    provider: 'hashing' | 'openai' | 'ollama';
    model?: string;
    baseUrl?: string;
    apiKey?: string;
  };
  llm: {
    provider: 'none' | 'openai' | 'ollama';
    model?: string;
    timeoutMs: number;
    baseUrl?: string;
    apiKey?: string;
  };
  http: { host: string; port: number };
  /** The server searches in a worker thread with its own copy of the index. */
  searchThread: boolean;
  /** Limits of the thread that reads uploaded and ingested documents. */
  parse: { memoryMb: number; timeoutMs: number };
  /** Limits of the OCR of scanned documents (poppler and tesseract child processes). */
  ocr: OcrLimits;
  /** Forms as files (src/forms/): the largest file an admin may upload, how long a download link works. */
  forms: { maxFileBytes: number; linkTtlMs: number };
  /**
   * This server's public address (`PUBLIC_URL`; else the origin of a configured webhook URL): download links
   * sent in messengers start with it. Unset, only the web chat gets links (relative to its page).
   */
  publicUrl?: string;
  /**
   * Photos and PDFs sent in a chat: the largest file downloaded and read, the most pages read, the time a
   * download and its reading may take, and how long an escalated question's file is kept at most.
   */
  chatFiles: { maxBytes: number; maxPages: number; timeoutMs: number; retentionMs: number };
  web: {
    adminEmail?: string;
    adminPassword?: string;
    /** The web chat answers without an account (default: only when the server listens on loopback). */
    chatPublic: boolean;
    /** Session cookies marked Secure (default: when not on loopback, i.e. behind HTTPS). */
    secureCookies: boolean;
    /**
     * The reverse proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed (express `trust proxy`):
     * false (nobody, the default), a hop count, or addresses/subnets/`loopback`.
     */
    trustProxy: false | number | string[];
  };
  telegram?: {
    token: string;
    mode: 'polling' | 'webhook';
    webhookUrl?: string;
    webhookSecret?: string;
    apiRoot?: string;
  };
  zaloBot?: {
    token: string;
    apiRoot: string;
    mode: 'polling' | 'webhook';
    webhookUrl?: string;
    webhookSecret?: string;
  };
  zaloOa?: {
    appId: string;
    /** The OA secret key that signs webhook events. */
    secretKey: string;
    /** The app secret used to refresh the access token. */
    appSecret?: string;
    accessToken?: string;
    refreshToken?: string;
    apiRoot: string;
    oauthRoot: string;
    /** Webhook events dated earlier than this before now are not acted on (replays). */
    eventMaxAgeMs?: number;
    /** …nor those dated later than this after now. */
    eventMaxSkewMs?: number;
  };
  assistant: {
    accessPolicy: 'open' | 'registered';
    minConfidence: number;
    outOfDomainBelow: number;
    inDomainMinConfidence: number;
    ambiguityMargin: number;
    curatedMinSimilarity: number;
    maxQuestionChars: number;
    memoryTtlMs: number;
    ticketReminderMs: number;
    questionsPerMinute: number;
  };
}

/** Thrown when the environment is invalid; the message (Vietnamese) names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(configErrorText(problems));
    this.name = 'ConfigError';
  }
}

/** Parses and checks the whole environment once. Nothing else in the program reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  const parsed = envSchema.safeParse(env, { errorMap: vietnameseErrorMap });
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = issue.path.join('.') || '(môi trường)';
        return problemText(variable, issue.message, env[variable]);
      }),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.EMBEDDINGS_PROVIDER === 'openai' && !e.OPENAI_API_KEY && !e.OPENAI_BASE_URL) {
    problems.push('EMBEDDINGS_PROVIDER=openai cần OPENAI_API_KEY (hoặc OPENAI_BASE_URL của một máy chủ tương thích)');
  }
  if (e.LLM_PROVIDER === 'openai' && !e.OPENAI_API_KEY && !e.OPENAI_BASE_URL) {
    problems.push('LLM_PROVIDER=openai cần OPENAI_API_KEY (hoặc OPENAI_BASE_URL của một máy chủ tương thích)');
  }
  if (e.LLM_PROVIDER !== 'none' && !e.LLM_MODEL) {
    problems.push(`LLM_MODEL: cần đặt khi LLM_PROVIDER=${e.LLM_PROVIDER}`);
  }
  if (e.TELEGRAM_BOT_TOKEN && e.TELEGRAM_MODE === 'webhook') {
    if (!e.TELEGRAM_WEBHOOK_URL) problems.push('TELEGRAM_WEBHOOK_URL: cần đặt khi TELEGRAM_MODE=webhook');
    if (!e.TELEGRAM_WEBHOOK_SECRET) problems.push('TELEGRAM_WEBHOOK_SECRET: cần đặt khi TELEGRAM_MODE=webhook');
  }
  if (e.ZALO_BOT_TOKEN && e.ZALO_BOT_MODE === 'webhook') {
    if (!e.ZALO_BOT_WEBHOOK_URL) problems.push('ZALO_BOT_WEBHOOK_URL: cần đặt khi ZALO_BOT_MODE=webhook');
    if (!e.ZALO_BOT_WEBHOOK_SECRET) problems.push('ZALO_BOT_WEBHOOK_SECRET: cần đặt khi ZALO_BOT_MODE=webhook');
  }
  if (e.ZALO_OA_APP_ID && !e.ZALO_OA_SECRET_KEY) problems.push('ZALO_OA_SECRET_KEY: cần đặt khi đã đặt ZALO_OA_APP_ID');
  if (e.ZALO_OA_APP_ID && !e.ZALO_OA_ACCESS_TOKEN && !e.ZALO_OA_REFRESH_TOKEN) {
    problems.push('ZALO_OA_ACCESS_TOKEN hoặc ZALO_OA_REFRESH_TOKEN: cần đặt một trong hai khi đã đặt ZALO_OA_APP_ID');
  }
  if (Boolean(e.ADMIN_EMAIL) !== Boolean(e.ADMIN_PASSWORD)) problems.push('ADMIN_EMAIL và ADMIN_PASSWORD: đặt cả hai, hoặc bỏ trống cả hai');
  if (problems.length) throw new ConfigError(problems);

  const dataDir = path.resolve(cwd, e.DATA_DIR);
  const knowledgeDir = path.resolve(cwd, e.KNOWLEDGE_DIR);
  const remote = (provider: string) =>
    provider === 'openai'
      ? { baseUrl: e.OPENAI_BASE_URL, apiKey: e.OPENAI_API_KEY }
      : provider === 'ollama'
        ? { baseUrl: e.OLLAMA_BASE_URL }
        : {};
  return {
    nodeEnv: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    dataDir,
    databaseFile: path.join(dataDir, 'trolyxa.sqlite'),
    databaseUrl: e.DATABASE_URL,
    instanceId: e.INSTANCE_ID ?? `${hostname()}-${process.pid}`,
    inbox: { leaseMs: e.INBOX_LEASE_SECONDS * 1000 },
    vectorDir: path.join(dataDir, 'vectors'),
    knowledgeDir,
    abbreviationsFile: e.ABBREVIATIONS_FILE
      ? path.resolve(cwd, e.ABBREVIATIONS_FILE)
      : path.join(knowledgeDir, 'abbreviations.tsv'),
    embeddings: { provider: e.EMBEDDINGS_PROVIDER, model: e.EMBEDDINGS_MODEL, ...remote(e.EMBEDDINGS_PROVIDER) },
    llm: { provider: e.LLM_PROVIDER, model: e.LLM_MODEL, timeoutMs: e.LLM_TIMEOUT_MS, ...remote(e.LLM_PROVIDER) },
    http: { host: e.HOST, port: e.PORT },
    searchThread: e.SEARCH_THREAD === 'true',
    parse: { memoryMb: e.PARSE_MEMORY_MB, timeoutMs: Math.round(e.PARSE_TIMEOUT_SECONDS * 1000) },
    ocr: {
      ...DEFAULT_OCR_LIMITS,
      maxBytes: Math.round(e.OCR_MAX_MB * 1024 * 1024),
      maxPages: e.OCR_MAX_PAGES,
      pageTimeoutMs: Math.round(e.OCR_PAGE_TIMEOUT_SECONDS * 1000),
      memoryMb: e.OCR_MEMORY_MB,
      dpi: e.OCR_DPI,
    },
    forms: { maxFileBytes: Math.round(e.FORM_FILE_MAX_MB * 1024 * 1024), linkTtlMs: Math.round(e.FORM_LINK_TTL_HOURS * 3_600_000) },
    publicUrl: publicUrlOf(e.PUBLIC_URL ?? e.TELEGRAM_WEBHOOK_URL ?? e.ZALO_BOT_WEBHOOK_URL),
    chatFiles: {
      maxBytes: Math.round(e.CHAT_FILE_MAX_MB * 1024 * 1024),
      maxPages: e.CHAT_FILE_MAX_PAGES,
      timeoutMs: Math.round(e.CHAT_FILE_TIMEOUT_SECONDS * 1000),
      retentionMs: e.CHAT_FILE_RETENTION_DAYS * 86_400_000,
    },
    web: {
      adminEmail: e.ADMIN_EMAIL,
      adminPassword: e.ADMIN_PASSWORD,
      chatPublic: e.WEB_CHAT_PUBLIC ? e.WEB_CHAT_PUBLIC === 'true' : isLoopback(e.HOST),
      secureCookies: e.SECURE_COOKIES ? e.SECURE_COOKIES === 'true' : !isLoopback(e.HOST),
      trustProxy: parseTrustProxy(e.TRUST_PROXY),
    },
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          mode: e.TELEGRAM_MODE,
          webhookUrl: e.TELEGRAM_WEBHOOK_URL,
          webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
          apiRoot: e.TELEGRAM_API_ROOT,
        }
      : undefined,
    zaloBot: e.ZALO_BOT_TOKEN
      ? {
          token: e.ZALO_BOT_TOKEN,
          apiRoot: e.ZALO_BOT_API_ROOT.replace(/\/+$/, ''),
          mode: e.ZALO_BOT_MODE,
          webhookUrl: e.ZALO_BOT_WEBHOOK_URL,
          webhookSecret: e.ZALO_BOT_WEBHOOK_SECRET,
        }
      : undefined,
    zaloOa:
      e.ZALO_OA_APP_ID && e.ZALO_OA_SECRET_KEY
        ? {
            appId: e.ZALO_OA_APP_ID,
            secretKey: e.ZALO_OA_SECRET_KEY,
            appSecret: e.ZALO_OA_APP_SECRET,
            accessToken: e.ZALO_OA_ACCESS_TOKEN,
            refreshToken: e.ZALO_OA_REFRESH_TOKEN,
            apiRoot: e.ZALO_OA_API_ROOT.replace(/\/+$/, ''),
            oauthRoot: e.ZALO_OA_OAUTH_ROOT.replace(/\/+$/, ''),
            eventMaxAgeMs: e.ZALO_OA_EVENT_MAX_AGE_SECONDS * 1000,
            eventMaxSkewMs: e.ZALO_OA_EVENT_MAX_SKEW_SECONDS * 1000,
          }
        : undefined,
    assistant: {
      accessPolicy: e.ACCESS_POLICY,
      minConfidence: e.ANSWER_MIN_CONFIDENCE,
      outOfDomainBelow: e.OUT_OF_DOMAIN_BELOW,
      inDomainMinConfidence: e.IN_DOMAIN_MIN_CONFIDENCE,
      ambiguityMargin: e.AMBIGUITY_MARGIN,
      curatedMinSimilarity: e.CURATED_MIN_SIMILARITY,
      maxQuestionChars: e.MAX_QUESTION_CHARS,
      memoryTtlMs: e.MEMORY_TTL_MINUTES * 60_000,
      ticketReminderMs: e.TICKET_REMINDER_MINUTES * 60_000,
      questionsPerMinute: e.QUESTIONS_PER_MINUTE,
    },
  };
}

/** The origin (scheme, host, port) of a URL, without a trailing slash. */
function publicUrlOf(url: string | undefined): string | undefined {
  return url === undefined ? undefined : new URL(url).origin;
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function trustProxyParts(value: string): string[] {
  return value.split(',').map((p) => p.trim()).filter(Boolean);
}

/** `TRUST_PROXY`: false, a hop count, or a comma-separated list of IPs, IP/prefix subnets and express's names. */
function isTrustProxy(value: string): boolean {
  if (/^(false|0)$/i.test(value) || /^([1-9]|10)$/.test(value)) return true;
  const parts = trustProxyParts(value);
  return (
    parts.length > 0 &&
    parts.every((part) => {
      if (PROXY_NAMES.has(part.toLowerCase())) return true;
      const [address, prefix, extra] = part.split('/');
      const version = isIP(address ?? '');
      if (!version || extra !== undefined) return false;
      return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
    })
  );
}

function parseTrustProxy(value: string | undefined): false | number | string[] {
  if (!value || /^(false|0)$/i.test(value)) return false;
  if (/^\d+$/.test(value)) return Number(value);
  return trustProxyParts(value).map((p) => (PROXY_NAMES.has(p.toLowerCase()) ? p.toLowerCase() : p));
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
