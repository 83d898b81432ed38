import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { GrammyError, HttpError } from 'grammy';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { ZaloBotApiError } from '../../src/channels/zalo-bot/api.js';
import type { ChannelAdapter } from '../../src/channels/types.js';
import { describeStartFailure } from '../../src/server/channel-problems.js';
import { ChannelSupervisor } from '../../src/server/channel-supervisor.js';
import { handleShutdownSignals, type ShutdownHandle } from '../../src/server/shutdown.js';

const silent = pino({ level: 'silent' });

/** Words of zod's and the old English messages that must not reach an operator. */
const ENGLISH = /\b(Expected|Invalid|Required|required|received|must|at least|at most|needs|characters|trailing|Number|String)\b/;

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/tmp');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration problems are Vietnamese and name the variable', () => {
  // One bad value for every variable the schema checks.
  const BAD: Record<string, string> = {
    NODE_ENV: 'prod',
    LOG_LEVEL: 'loud',
    DATA_DIR: ' ',
    INSTANCE_ID: 'máy chủ 1',
    INBOX_LEASE_SECONDS: '2',
    KNOWLEDGE_DIR: ' ',
    EMBEDDINGS_PROVIDER: 'magic',
    LLM_PROVIDER: 'gpt',
    LLM_TIMEOUT_MS: '1.5',
    OPENAI_BASE_URL: 'không phải địa chỉ',
    OLLAMA_BASE_URL: 'ollama 11434',
    ACCESS_POLICY: 'closed',
    ANSWER_MIN_CONFIDENCE: '1.5',
    OUT_OF_DOMAIN_BELOW: '-1',
    IN_DOMAIN_MIN_CONFIDENCE: 'cao',
    AMBIGUITY_MARGIN: '2',
    CURATED_MIN_SIMILARITY: '3',
    MAX_QUESTION_CHARS: '10',
    MEMORY_TTL_MINUTES: '100000',
    QUESTIONS_PER_MINUTE: '-5',
    TICKET_REMINDER_MINUTES: '0',
    HOST: ' ',
    ADMIN_EMAIL: 'quantri',
    ADMIN_PASSWORD: 'ngan',
    WEB_CHAT_PUBLIC: 'yes',
    SEARCH_THREAD: 'no',
    SECURE_COOKIES: '1',
    PORT: '99999',
    TELEGRAM_BOT_TOKEN: 'abc',
    TELEGRAM_MODE: 'push',
    TELEGRAM_WEBHOOK_URL: 'trolyxa.vn/hook',
    TELEGRAM_WEBHOOK_SECRET: 'ngắn',
    TELEGRAM_API_ROOT: 'https://api.telegram.org/',
    ZALO_BOT_API_ROOT: 'bot-api',
    ZALO_BOT_MODE: 'push',
    ZALO_BOT_WEBHOOK_URL: 'hook',
    ZALO_BOT_WEBHOOK_SECRET: 'x',
    ZALO_OA_API_ROOT: 'openapi',
    ZALO_OA_OAUTH_ROOT: 'oauth',
  };

  it.each(Object.entries(BAD))('%s=%s', (variable, value) => {
    const problems = problemsOf({ [variable]: value });
    expect(problems.length, `${variable} should be refused`).toBeGreaterThan(0);
    for (const problem of problems) {
      expect(problem.startsWith(`${variable}: `), problem).toBe(true);
      expect(problem, problem).not.toMatch(ENGLISH);
      expect(problem).toBe(problem.normalize('NFC'));
    }
  });

  it('explains what is expected, shows the value of plain settings and never the value of a secret', () => {
    expect(problemsOf({ ADMIN_EMAIL: 'quantri@xa.gov.vn', ADMIN_PASSWORD: 'ngan' })).toEqual(['ADMIN_PASSWORD: cần ít nhất 10 ký tự']);
    const tooLong = ['ADMIN_PASSWORD: tối đa 64 byte (chữ có dấu chiếm 2–3 byte), vì bcrypt chỉ đọc 72 byte đầu'];
    expect(problemsOf({ ADMIN_EMAIL: 'quantri@xa.gov.vn', ADMIN_PASSWORD: 'x'.repeat(65) })).toEqual(tooLong);
    // 40 characters (72 bytes: Vietnamese letters take 2–3 each): under 72 characters, over 64 bytes.
    expect(problemsOf({ ADMIN_EMAIL: 'quantri@xa.gov.vn', ADMIN_PASSWORD: 'Đường'.repeat(8) })).toEqual(tooLong);
    expect(problemsOf({ PORT: 'abc' })).toEqual(['PORT: phải là một số (đang là “abc”)']);
    expect(problemsOf({ PORT: '70000' })).toEqual(['PORT: không được lớn hơn 65535 (đang là “70000”)']);
    expect(problemsOf({ EMBEDDINGS_PROVIDER: 'magic' })).toEqual(['EMBEDDINGS_PROVIDER: giá trị “magic” không hợp lệ; chọn một trong: hashing, openai, ollama']);
    expect(problemsOf({ TELEGRAM_BOT_TOKEN: 'sai-ma' })[0]).toMatch(/^TELEGRAM_BOT_TOKEN: không đúng dạng mã bot @BotFather cấp/);
    expect(problemsOf({ TELEGRAM_BOT_TOKEN: 'sai-ma' })[0]).not.toContain('sai-ma');
    expect(problemsOf({ INBOX_LEASE_SECONDS: 'ba mươi' })).toEqual(['INBOX_LEASE_SECONDS: phải là một số (đang là “ba mươi”)']);
    expect(problemsOf({ INBOX_LEASE_SECONDS: '4' })).toEqual(['INBOX_LEASE_SECONDS: phải từ 5 trở lên (đang là “4”)']);
    expect(problemsOf({ INSTANCE_ID: 'máy 1' })[0]).toMatch(/^INSTANCE_ID: tối đa 100 ký tự, chỉ gồm chữ không dấu, chữ số và các dấu/);
  });

  it('names the instance by INSTANCE_ID, or by host name and process id, and takes the inbox lease in seconds', () => {
    const named = loadConfig({ INSTANCE_ID: 'may-chu-2', INBOX_LEASE_SECONDS: '45' }, '/tmp');
    expect([named.instanceId, named.inbox.leaseMs]).toEqual(['may-chu-2', 45_000]);
    const unnamed = loadConfig({ INSTANCE_ID: ' ' }, '/tmp');
    expect(unnamed.instanceId).toBe(`${hostname()}-${process.pid}`);
    expect(unnamed.inbox.leaseMs).toBe(30_000);
  });

  it('says the same of the rules that join two variables', () => {
    const problems = problemsOf({
      LLM_PROVIDER: 'openai',
      TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      TELEGRAM_MODE: 'webhook',
      ZALO_BOT_TOKEN: 'x',
      ZALO_OA_APP_ID: '1',
      ADMIN_EMAIL: 'quantri@xa.gov.vn',
    });
    expect(problems).toEqual([
      'LLM_PROVIDER=openai cần OPENAI_API_KEY (hoặc OPENAI_BASE_URL của một máy chủ tương thích)',
      'LLM_MODEL: cần đặt khi LLM_PROVIDER=openai',
      'TELEGRAM_WEBHOOK_URL: cần đặt khi TELEGRAM_MODE=webhook',
      'TELEGRAM_WEBHOOK_SECRET: cần đặt khi TELEGRAM_MODE=webhook',
      'ZALO_BOT_WEBHOOK_URL: cần đặt khi ZALO_BOT_MODE=webhook',
      'ZALO_BOT_WEBHOOK_SECRET: cần đặt khi ZALO_BOT_MODE=webhook',
      'ZALO_OA_SECRET_KEY: cần đặt khi đã đặt ZALO_OA_APP_ID',
      'ZALO_OA_ACCESS_TOKEN hoặc ZALO_OA_REFRESH_TOKEN: cần đặt một trong hai khi đã đặt ZALO_OA_APP_ID',
      'ADMIN_EMAIL và ADMIN_PASSWORD: đặt cả hai, hoặc bỏ trống cả hai',
    ]);
    for (const problem of problems) expect(problem).not.toMatch(ENGLISH);
    expect(() => loadConfig({ PORT: 'x' })).toThrow(/^Cấu hình chưa đúng \(biến môi trường hoặc tệp \.env\):\n {2}- PORT: /);
  });
});

describe('why a channel did not start', () => {
  it('a refused token is permanent and names the variable to fix', () => {
    const refused = describeStartFailure('telegram', new GrammyError("Call to 'getMe' failed!", { ok: false, error_code: 401, description: 'Unauthorized' }, 'getMe', {}));
    expect(refused).toMatchObject({ kind: 'rejected', permanent: true, summary: 'Telegram từ chối TELEGRAM_BOT_TOKEN (401: Unauthorized)' });
    expect(describeStartFailure('telegram', new GrammyError('x', { ok: false, error_code: 404, description: 'Not Found' }, 'getMe', {})).kind).toBe('rejected');
    expect(describeStartFailure('zalo-bot', new ZaloBotApiError('getMe', 401, 'Unauthorized')).summary).toBe('Zalo Bot từ chối ZALO_BOT_TOKEN (401: Unauthorized)');
  });

  it('a network failure is retried and says what to check', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const problem = describeStartFailure('telegram', new HttpError("Network request for 'setWebhook' failed!", cause), 15_000);
    expect(problem).toMatchObject({ kind: 'unreachable', permanent: false });
    expect(problem.text).toBe(
      'Không kết nối được tới Telegram (máy chủ từ chối kết nối, ECONNREFUSED). Kiểm tra mạng, DNS, tường lửa hoặc proxy của máy chủ. Trợ lý vẫn chạy và sẽ tự thử lại sau 15 giây.',
    );
    expect(describeStartFailure('zalo-bot', new ZaloBotApiError('getMe', undefined, 'fetch failed')).kind).toBe('unreachable');
  });

  it('a webhook Telegram refuses is permanent and points at the webhook settings', () => {
    const problem = describeStartFailure('telegram', new GrammyError("Call to 'setWebhook' failed!", { ok: false, error_code: 400, description: 'Bad Request: bad webhook: HTTPS url must be provided for webhook' }, 'setWebhook', {}));
    expect(problem.permanent).toBe(true);
    expect(problem.text).toContain('Kiểm tra cấu hình Telegram (địa chỉ và mã bí mật webhook) trong tệp .env');
  });
});

describe('the channel supervisor', () => {
  function adapter(name: string, start: () => Promise<void>): ChannelAdapter & { stops: number } {
    const a = {
      name,
      stops: 0,
      port: { send: async () => ({ ok: true as const }) },
      start,
      async stop() {
        a.stops += 1;
      },
    };
    return a;
  }

  it('marks a refused channel failed, retries one that could not connect until it does, and keeps the others active', async () => {
    let attempts = 0;
    const flaky = adapter('zalo-bot', async () => {
      attempts += 1;
      if (attempts < 3) throw new ZaloBotApiError('getMe', undefined, 'fetch failed');
    });
    const refused = adapter('telegram', async () => {
      throw new GrammyError("Call to 'getMe' failed!", { ok: false, error_code: 401, description: 'Unauthorized' }, 'getMe', {});
    });
    const web = adapter('web', async () => undefined);
    const supervisor = new ChannelSupervisor([web, refused, flaky], { logger: silent, retryDelaysMs: [10] });
    await supervisor.startAll();
    expect(supervisor.health().channels['telegram']).toBe('failed: Telegram từ chối TELEGRAM_BOT_TOKEN (401: Unauthorized)');
    for (let i = 0; i < 500 && supervisor.statusOf('zalo-bot')?.state !== 'active'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(attempts).toBe(3);
    expect(supervisor.health()).toEqual({ ok: false, channels: { web: 'active', telegram: 'failed: Telegram từ chối TELEGRAM_BOT_TOKEN (401: Unauthorized)', 'zalo-bot': 'active' } });
    await supervisor.stop();
    expect([web.stops, refused.stops, flaky.stops]).toEqual([1, 1, 1]);
  });

  it('does not wait past its patience for a channel that never answers, and says so', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push((JSON.parse(line) as { msg: string }).msg) });
    const hanging = adapter('telegram', () => new Promise<void>(() => undefined));
    const supervisor = new ChannelSupervisor([adapter('web', async () => undefined), hanging], { logger, patienceMs: 20 });
    await supervisor.startAll();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Chưa kết nối được tới Telegram sau \d+ giây: máy chủ có thể chưa có mạng hoặc không tới được Telegram/);
    expect(supervisor.health().channels['web']).toBe('active');
    expect(supervisor.health().channels['telegram']).toMatch(/^starting: chưa kết nối được tới Telegram/);
    await supervisor.stop();
  });
});

describe('Ctrl-C and SIGTERM', () => {
  let handle: ShutdownHandle | undefined;
  afterEach(() => handle?.dispose());

  const process = new EventEmitter();

  function install(graceMs = 50) {
    const exits: number[] = [];
    const said: string[] = [];
    handle = handleShutdownSignals({ logger: silent, graceMs, source: process, exit: (code) => void exits.push(code), say: (line) => void said.push(line) });
    return { exits, said };
  }

  async function until(probe: () => boolean): Promise<void> {
    for (let i = 0; i < 1000 && !probe(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  it('stops cleanly and exits 0', async () => {
    const { exits, said } = install();
    let stopped = false;
    handle!.setStop(async () => {
      stopped = true;
    });
    process.emit('SIGINT', 'SIGINT');
    await until(() => exits.length > 0);
    expect(stopped).toBe(true);
    expect(exits).toEqual([0]);
    expect(said).toEqual(['Đang dừng Trợ lý Xã (SIGINT)…', 'Đã dừng Trợ lý Xã.']);
  });

  it('exits anyway when stopping hangs past the grace period, and at once on a second signal', async () => {
    const { exits, said } = install(30);
    handle!.setStop(() => new Promise<void>(() => undefined));
    process.emit('SIGTERM', 'SIGTERM');
    await until(() => exits.length > 0);
    expect(exits).toEqual([1]);
    expect(said[1]).toMatch(/^Chưa dừng xong sau \d+ giây: buộc dừng/);
    process.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([1, 130]);
  });
});
