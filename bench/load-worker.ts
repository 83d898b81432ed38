/**
 * The client side of the webhook load test, off the main thread so that the server under test keeps it
 * to itself. Two threads run this file: the "platform" (the emulated Telegram Bot API the bot calls, and
 * the fake LLM) and the "generator" (what Telegram would send; it measures acks and replies). Apart,
 * serving the bot's calls never delays sending a webhook or reading its acknowledgement: together, a
 * burst of 50 webhooks left the thread over 80 ms. The platform tells the generator of each answer over
 * a MessagePort, with its time on the clock both share. All traffic stays on 127.0.0.1.
 */
import { subscribe } from 'node:diagnostics_channel';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { Agent, request } from 'undici';
import { lowerThreadPriority } from '../src/thread-priority.js';
import { FakeOpenAiServer } from '../test/helpers/fake-openai.js';
import { person, privateChat, TelegramEmulator, TEST_SECRET, textUpdate } from '../test/helpers/telegram-emulator.js';

export interface LoadPlan {
  chats: number;
  /** Closed loop: each chat waits for the answer before its next question. */
  questionsPerChat?: number;
  /** Open loop: updates a second, spread round-robin over the chats, for `seconds`. */
  rate?: number;
  seconds?: number;
  questions: string[];
  /** First chat id is 100 000 + this (a warm-up run uses other chats than the measured one). */
  chatOffset?: number;
}

export interface LoadSamples {
  sent: number;
  /** From the request's headers going on the wire to the end of the response. */
  acks: number[];
  /** The same, counted from when this thread began building the request. */
  acksFromCall: number[];
  replies: number[];
  errors: number;
  perChat: Record<string, { asked: number; answered: number }>;
  seconds: number;
  /** How late this thread's own event loop ran (p99, ms): the acks and replies it measures include it. */
  clientLagP99Ms: number;
}

const port = parentPort!;
const { role, token, slowLlmMs, peer } = workerData as { role: 'platform' | 'generator'; token?: string; slowLlmMs?: number; peer: MessagePort };
/** Milliseconds on a clock both threads share. */
const now = () => performance.timeOrigin + performance.now();
type AnswerListener = (chatId: string, at: number) => void;

if (role === 'platform') {
  // The emulated Bot API and the fake LLM stand for remote services, which on a real deployment run on
  // other machines: at nice +10 (Linux: per thread) they give way to the server's threads on these 2 cores.
  lowerThreadPriority(10);
  const emulator = await TelegramEmulator.start(token ? { token } : {});
  // The fake LLM is a remote service too: it answers from this thread, not the server's.
  const llm = slowLlmMs ? new FakeOpenAiServer() : undefined;
  const llmUrl = await llm?.start();
  if (llm) llm.reply = () => ({ content: 'Theo tài liệu [1].', delayMs: slowLlmMs });
  emulator.sendListeners.push((m: { chat_id: string }) => peer.postMessage({ chatId: String(m.chat_id), at: now() }));
  port.on('message', (message: { type: 'stop' }) => {
    if (message.type === 'stop') void Promise.all([emulator.close(), llm?.stop()]).then(() => process.exit(0));
  });
  port.postMessage({ type: 'ready', apiRoot: emulator.apiRoot, token: emulator.token, llmUrl });
} else {
  const listeners: AnswerListener[] = [];
  peer.on('message', ({ chatId, at }: { chatId: string; at: number }) => listeners.forEach((listener) => listener(chatId, at)));
  port.on('message', (message: { type: 'run'; url: string | string[]; plan: LoadPlan } | { type: 'stop' }) => {
    if (message.type === 'stop') {
      void pool?.close().then(() => process.exit(0));
      return;
    }
    void run(message.url, message.plan, listeners).then((samples) => port.postMessage({ type: 'done', samples }));
  });
  port.postMessage({ type: 'ready' });
}

let pool: Agent | undefined;

// When undici puts a request's headers on the wire. Acks count from there, as the platform's own clock
// would: in a closed-loop burst, building 50 requests takes this thread ~10 ms before the first is written.
const written = new Map<string, number>();
let nextLoadId = 1;
subscribe('undici:client:sendHeaders', (message) => {
  const id = /\r\nx-load-id: (\d+)\r\n/i.exec((message as { headers: string }).headers)?.[1];
  if (id) written.set(id, now());
});


/** Sends to `url`, or round-robin to each of several (instances behind a load balancer). */
async function run(url: string | string[], plan: LoadPlan, listeners: AnswerListener[]): Promise<LoadSamples> {
  const urls = typeof url === 'string' ? [url] : url;
  let nextUrl = 0;
  // Kept from the warm-up, as Telegram keeps its connections to a webhook open between deliveries.
  const dispatcher = (pool ??= new Agent({ connections: 256, keepAliveTimeout: 60_000 }));
  const pending = new Map<string, number[]>(); // chat → send times of unanswered questions, in order
  const replies: number[] = [];
  const perChat: LoadSamples['perChat'] = {};
  const waiters = new Map<string, () => void>();
  const listener: AnswerListener = (chatId, at) => {
    const times = pending.get(chatId);
    const stat = (perChat[chatId] ??= { asked: 0, answered: 0 });
    stat.answered += 1;
    const t0 = times?.shift();
    if (t0 !== undefined) replies.push(at - t0);
    waiters.get(chatId)?.();
  };
  listeners.push(listener);
  const acks: number[] = [];
  const acksFromCall: number[] = [];
  let errors = 0;
  let sent = 0;
  const users = Array.from({ length: plan.chats }, (_, c) => person(100_000 + (plan.chatOffset ?? 0) + c, `Cán bộ ${c}`));

  const send = async (c: number, q: number): Promise<boolean> => {
    const user = users[c]!;
    const chatId = String(user.id);
    const text = plan.questions[(c + q) % plan.questions.length]!;
    const t0 = now();
    const loadId = String(nextLoadId++);
    (pending.get(chatId) ?? pending.set(chatId, []).get(chatId)!).push(t0);
    (perChat[chatId] ??= { asked: 0, answered: 0 }).asked += 1;
    try {
      const response = await request(urls[nextUrl++ % urls.length]!, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TEST_SECRET, 'x-load-id': loadId },
        body: JSON.stringify(textUpdate({ chat: privateChat(user), from: user, text })),
      });
      await response.body.dump();
      const end = now();
      acks.push(end - (written.get(loadId) ?? t0));
      acksFromCall.push(end - t0);
      written.delete(loadId);
      if (response.statusCode !== 200) {
        errors += 1;
        return false;
      }
      sent += 1;
      return true;
    } catch {
      written.delete(loadId);
      errors += 1;
      return false;
    }
  };

  const lag = monitorEventLoopDelay({ resolution: 2 });
  lag.enable();
  const started = performance.now();
  if (plan.rate && plan.seconds) {
    const total = Math.round(plan.rate * plan.seconds);
    const inFlight: Promise<boolean>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / plan.rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(send(i % plan.chats, Math.floor(i / plan.chats)));
    }
    await Promise.all(inFlight);
  } else {
    await Promise.all(
      users.map(async (user, c) => {
        const chatId = String(user.id);
        for (let q = 0; q < (plan.questionsPerChat ?? 1); q++) {
          const answered = new Promise<void>((resolve) => {
            const target = (perChat[chatId]?.answered ?? 0) + 1;
            const check = () => {
              if ((perChat[chatId]?.answered ?? 0) >= target) {
                waiters.delete(chatId);
                resolve();
              }
            };
            waiters.set(chatId, check);
          });
          if (await send(c, q)) await Promise.race([answered, new Promise((resolve) => setTimeout(resolve, 15_000))]);
        }
      }),
    );
  }
  // Let the last answers arrive.
  const until = performance.now() + 15_000;
  while (performance.now() < until && [...pending.values()].some((t) => t.length > 0)) await new Promise((resolve) => setTimeout(resolve, 20));
  const seconds = (performance.now() - started) / 1000;
  listeners.splice(listeners.indexOf(listener), 1);
  lag.disable();
  return { sent, acks, acksFromCall, replies, errors, perChat, seconds, clientLagP99Ms: lag.percentile(99) / 1e6 };
}
