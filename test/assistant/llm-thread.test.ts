import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThreadedChatCompleter } from '../../src/assistant/threaded-chat-completer.js';
import { FakeOpenAiServer } from '../helpers/fake-openai.js';

const server = new FakeOpenAiServer();
let baseUrl: string;

beforeAll(async () => {
  baseUrl = await server.start();
});
afterAll(async () => {
  await server.stop();
});

const config = () => ({ provider: 'openai' as const, model: 'fake-model', timeoutMs: 5000, baseUrl, apiKey: 'sk-test-not-a-secret' });
const prompt = (n: number) => ({ system: 'Hệ thống', user: `câu hỏi số ${n}` });

describe('the chat model in its own thread (fake OpenAI-compatible server on 127.0.0.1)', () => {
  it('answers concurrent calls, each with its own text', async () => {
    server.reply = (body) => {
      const user = (body as { messages: { content: string }[] }).messages[1]!.content;
      return { content: `trả lời cho ${user}`, delayMs: 20 + (Number(user.split(' ').pop()) % 5) * 10 };
    };
    const completer = await ThreadedChatCompleter.start(config());
    try {
      const texts = await Promise.all(Array.from({ length: 20 }, (_, n) => completer.complete(prompt(n), AbortSignal.timeout(5000))));
      expect(texts).toEqual(Array.from({ length: 20 }, (_, n) => `trả lời cho câu hỏi số ${n}`));
    } finally {
      await completer.close();
    }
  });

  it('aborts the HTTP call in the thread when the caller gives up, and stays usable', async () => {
    // Without the abort the call would end with this reply, long after the caller gave up.
    server.reply = () => ({ content: 'quá chậm', delayMs: 30_000 });
    const completer = await ThreadedChatCompleter.start(config());
    try {
      const before = server.abandoned;
      const seen = server.requests.length;
      const caller = new AbortController();
      const call = completer.complete(prompt(1), caller.signal);
      // The caller gives up once the request is on its way (on a busy machine the thread may take a while to send it).
      await expect.poll(() => server.requests.length, { timeout: 20_000 }).toBe(seen + 1);
      caller.abort();
      await expect(call).rejects.toThrow();
      await expect.poll(() => server.abandoned, { timeout: 20_000 }).toBe(before + 1);
      server.reply = () => ({ content: 'đúng giờ' });
      await expect(completer.complete(prompt(2), AbortSignal.timeout(5000))).resolves.toBe('đúng giờ');
    } finally {
      await completer.close();
    }
  });

  it('reports a server error to the caller, and fails pending calls when closed', async () => {
    server.reply = () => ({ status: 500 });
    const completer = await ThreadedChatCompleter.start(config());
    await expect(completer.complete(prompt(1), AbortSignal.timeout(5000))).rejects.toThrow();
    server.reply = () => ({ content: 'không kịp', delayMs: 3000 });
    const pending = expect(completer.complete(prompt(2), AbortSignal.timeout(5000))).rejects.toThrow(/closed/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await completer.close();
    await pending;
    await expect(completer.complete(prompt(3), AbortSignal.timeout(5000))).rejects.toThrow(/closed/);
  });
});
