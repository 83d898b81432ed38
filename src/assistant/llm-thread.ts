/**
 * The LLM thread: owns the langchain chat model, so that building requests, parsing responses and the
 * SDK's own work happen off the thread that acknowledges webhooks. See ThreadedChatCompleter.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AppConfig } from '../config.js';
import { lowerThreadPriority } from '../thread-priority.js';
import { ModelChatCompleter, type ChatPrompt } from './chat-completer.js';
import { createChatModel } from './llm.js';

export type ToLlmThread = { type: 'complete'; id: number; prompt: ChatPrompt } | { type: 'abort'; id: number };
export type FromLlmThread =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'text'; id: number; text: string }
  | { type: 'error'; id: number; message: string };

const port = parentPort!;
const post = (message: FromLlmThread) => port.postMessage(message);

// Below the main thread, which acknowledges webhooks: when fifty answers come back at once, parsing
// them must not take the CPU from the acknowledgements. A reply that waits a few milliseconds more
// is still a reply that took a second.
lowerThreadPriority(10);

try {
  const model = await createChatModel((workerData as { llm: AppConfig['llm'] }).llm);
  if (!model) throw new Error('LLM_PROVIDER is none: there is no model to run');
  const completer = new ModelChatCompleter(model);
  const calls = new Map<number, AbortController>();
  port.on('message', (message: ToLlmThread) => {
    if (message.type === 'abort') {
      calls.get(message.id)?.abort();
      return;
    }
    const controller = new AbortController();
    calls.set(message.id, controller);
    completer
      .complete(message.prompt, controller.signal)
      .then(
        (text) => post({ type: 'text', id: message.id, text }),
        (error: unknown) => post({ type: 'error', id: message.id, message: error instanceof Error ? error.message : String(error) }),
      )
      .finally(() => calls.delete(message.id));
  });
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}
