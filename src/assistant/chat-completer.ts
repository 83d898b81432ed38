import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';

export interface ChatPrompt {
  system: string;
  user: string;
}

/** Turns a prompt into the model's text. The signal aborts the call (timeout, shutdown). */
export interface ChatCompleter {
  complete(prompt: ChatPrompt, signal: AbortSignal): Promise<string>;
  close(): Promise<void>;
}

/** Calls a langchain chat model on the calling thread (tests, and the LLM thread itself). */
export class ModelChatCompleter implements ChatCompleter {
  constructor(private readonly model: BaseChatModel) {}

  async complete(prompt: ChatPrompt, signal: AbortSignal): Promise<string> {
    const reply = await this.model.invoke([new SystemMessage(prompt.system), new HumanMessage(prompt.user)], { signal });
    return typeof reply.content === 'string' ? reply.content : reply.content.map((c) => ('text' in c ? c.text : '')).join('');
  }

  async close(): Promise<void> {}
}
