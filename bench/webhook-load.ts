/**
 * Load on the real server: the Telegram webhook route of the express app on 127.0.0.1, the real app
 * (SQLite file, real knowledge base), the grammY adapter, and the Bot API emulator on loopback. Each
 * virtual chat sends its questions one after another (like a person waiting for the answer); all chats run
 * at once. Bounded in count and time; traffic stays on 127.0.0.1.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { BackgroundWork } from '../src/channels/background.js';
import { SqliteUpdateDeduplicator } from '../src/channels/dedup.js';
import { createTelegramAdapter } from '../src/channels/telegram/adapter.js';
import type { ChannelDeps } from '../src/channels/types.js';
import { percentile } from '../src/eval/metrics.js';
import { createLogger } from '../src/logger.js';
import { createHttpApp } from '../src/web/http-app.js';
import { createTestApp } from '../test/helpers/app-fixture.js';
import { FakeOpenAiServer } from '../test/helpers/fake-openai.js';
import { person, privateChat, TelegramEmulator, TEST_SECRET, textUpdate } from '../test/helpers/telegram-emulator.js';

export interface LoadResult {
  chats: number;
  updates: number;
  seconds: number;
  updatesPerSecond: number;
  ackMs: { p50: number; p99: number };
  replyMs: { p50: number; p95: number; p99: number };
  errors: number;
  answeredTwice: number;
  lost: number;
  rssMb: number;
}

export async function webhookLoad(options: {
  chats: number;
  questionsPerChat: number;
  questions: readonly string[];
  slowLlmMs?: number;
  timeoutMs?: number;
}): Promise<LoadResult> {
  const emulator = await TelegramEmulator.start();
  const llm = options.slowLlmMs ? new FakeOpenAiServer() : undefined;
  const llmUrl = llm ? await llm.start() : undefined;
  if (llm) llm.reply = () => ({ content: 'Theo tài liệu [1].', delayMs: options.slowLlmMs });
  const { app, cleanup } = await createTestApp({
    QUESTIONS_PER_MINUTE: '0',
    ...(llmUrl && { LLM_PROVIDER: 'openai', LLM_MODEL: 'fake', OPENAI_BASE_URL: llmUrl, LLM_TIMEOUT_MS: String(options.slowLlmMs! * 3) }),
  });
  const logger = createLogger('silent');
  const deps: ChannelDeps = {
    assistant: app.assistant,
    escalation: app.escalation,
    users: app.stores.users,
    logger,
    dedup: new SqliteUpdateDeduplicator(app.db),
    background: new BackgroundWork(logger),
  };
  // Real Telegram allows about 30 messages a second per bot; the throttler that enforces it is off here
  // so the benchmark measures this server, not Telegram's quota.
  const adapter = createTelegramAdapter(
    { token: emulator.token, mode: 'webhook', webhookUrl: 'https://trolyxa.example.vn/webhooks/telegram', webhookSecret: TEST_SECRET, apiRoot: emulator.apiRoot },
    deps,
    { throttle: false },
  );
  const http = createHttpApp({ adapters: [adapter], logger });
  const server = await new Promise<Server>((resolve) => {
    const s = http.listen(0, '127.0.0.1', () => resolve(s));
  });
  await adapter.start();
  await app.kb.searcher();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/telegram`;
  const dispatcher = new Agent({ connections: Math.min(options.chats, 256), keepAliveTimeout: 10_000 });

  const waiting = new Map<string, () => void>();
  const received = new Map<string, number>();
  emulator.sendListeners.push((message) => {
    received.set(message.chat_id, (received.get(message.chat_id) ?? 0) + 1);
    waiting.get(message.chat_id)?.();
  });

  const acks: number[] = [];
  const replies: number[] = [];
  let errors = 0;
  let sentUpdates = 0;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.chats }, async (_, c) => {
      const user = person(100_000 + c, `Cán bộ ${c}`);
      const chatId = String(user.id);
      for (let q = 0; q < options.questionsPerChat && Date.now() < deadline; q++) {
        const text = options.questions[(c * options.questionsPerChat + q) % options.questions.length]!;
        const expected = (received.get(chatId) ?? 0) + 1;
        const replied = new Promise<void>((resolve) => {
          const check = () => {
            if ((received.get(chatId) ?? 0) >= expected) {
              waiting.delete(chatId);
              resolve();
            }
          };
          waiting.set(chatId, check);
          check();
        });
        const t0 = performance.now();
        try {
          const response = await request(url, {
            method: 'POST',
            dispatcher,
            headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TEST_SECRET },
            body: JSON.stringify(textUpdate({ chat: privateChat(user), from: user, text })),
          });
          await response.body.dump();
          acks.push(performance.now() - t0);
          if (response.statusCode !== 200) {
            errors += 1;
            continue;
          }
          sentUpdates += 1;
          await Promise.race([replied, new Promise((resolve) => setTimeout(resolve, 15_000))]);
          replies.push(performance.now() - t0);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await deps.background.idle();
  // Every chat got exactly one answer per question (typing indicators are not messages).
  let answeredTwice = 0;
  let lost = 0;
  for (let c = 0; c < options.chats; c++) {
    const got = received.get(String(100_000 + c)) ?? 0;
    const asked = Math.min(options.questionsPerChat, sentUpdates);
    if (got > options.questionsPerChat) answeredTwice += got - options.questionsPerChat;
    if (got < asked && got < options.questionsPerChat) lost += options.questionsPerChat - got;
  }
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  await adapter.stop();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await deps.background.drain();
  await dispatcher.close();
  await emulator.close();
  await llm?.stop();
  await cleanup();
  return {
    chats: options.chats,
    updates: sentUpdates,
    seconds,
    updatesPerSecond: sentUpdates / seconds,
    ackMs: { p50: percentile(acks, 50), p99: percentile(acks, 99) },
    replyMs: { p50: percentile(replies, 50), p95: percentile(replies, 95), p99: percentile(replies, 99) },
    errors,
    answeredTwice,
    lost,
    rssMb,
  };
}
