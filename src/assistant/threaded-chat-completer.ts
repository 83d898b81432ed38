import { Worker } from 'node:worker_threads';
import type { AppConfig } from '../config.js';
import type { ChatCompleter, ChatPrompt } from './chat-completer.js';
import type { FromLlmThread, ToLlmThread } from './llm-thread.js';

interface Call {
  resolve(text: string): void;
  reject(error: Error): void;
}

/**
 * A chat model run in its own worker thread (src/assistant/llm-thread.ts). Under load, 50 answers
 * arriving together cost the SDK several milliseconds each; on the main thread that work would delay the
 * acknowledgement of every webhook behind it. A thread that dies fails its pending calls (the assistant
 * falls back to extractive answers) and is started again on the next call.
 */
export class ThreadedChatCompleter implements ChatCompleter {
  private worker: Worker | undefined;
  private ready: Promise<Worker> | undefined;
  private readonly calls = new Map<number, Call>();
  private nextId = 1;
  private closed = false;

  private constructor(private readonly llm: AppConfig['llm']) {}

  /** Starts the thread and waits for the model to be built, so a bad configuration fails at start-up. */
  static async start(llm: AppConfig['llm']): Promise<ThreadedChatCompleter> {
    const completer = new ThreadedChatCompleter(llm);
    await completer.thread();
    return completer;
  }

  async complete(prompt: ChatPrompt, signal: AbortSignal): Promise<string> {
    signal.throwIfAborted();
    const worker = await this.thread();
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      const onAbort = () => {
        worker.postMessage({ type: 'abort', id } satisfies ToLlmThread);
        settle();
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const settle = () => {
        signal.removeEventListener('abort', onAbort);
        this.calls.delete(id);
        if (this.calls.size === 0) worker.unref();
      };
      this.calls.set(id, {
        resolve: (text) => (settle(), resolve(text)),
        reject: (error) => (settle(), reject(error)),
      });
      signal.addEventListener('abort', onAbort, { once: true });
      // Referenced while a call is pending, so a CLI waiting for an answer does not exit under it.
      worker.ref();
      worker.postMessage({ type: 'complete', id, prompt } satisfies ToLlmThread);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    this.failAll(new Error('the LLM thread was closed'));
    await worker?.terminate();
  }

  private thread(): Promise<Worker> {
    if (this.closed) return Promise.reject(new Error('the LLM thread was closed'));
    this.ready ??= new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(new URL('./llm-thread.mjs', import.meta.url), { workerData: { llm: this.llm } });
      worker.unref();
      let started = false;
      worker.on('message', (message: FromLlmThread) => {
        switch (message.type) {
          case 'ready':
            started = true;
            this.worker = worker;
            resolve(worker);
            return;
          case 'failed':
            reject(new Error(`the LLM could not be started: ${message.message}`));
            void worker.terminate();
            return;
          case 'text':
            this.calls.get(message.id)?.resolve(message.text);
            return;
          case 'error':
            this.calls.get(message.id)?.reject(new Error(message.message));
        }
      });
      const stopped = (why: string) => {
        if (this.worker === worker || !started) {
          this.worker = undefined;
          this.ready = undefined;
        }
        if (!started) reject(new Error(`the LLM thread stopped before it was ready: ${why}`));
        this.failAll(new Error(`the LLM thread stopped: ${why}`));
      };
      worker.on('error', (error) => stopped(error.message));
      worker.on('exit', (code) => stopped(`exit code ${code}`));
    });
    return this.ready;
  }

  private failAll(error: Error): void {
    for (const call of [...this.calls.values()]) call.reject(error);
  }
}
