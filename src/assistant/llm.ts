import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { AppConfig } from '../config.js';
import type { StoredPassage } from '../storage/knowledge-store.js';
import type { ChatCompleter, ChatPrompt } from './chat-completer.js';

const PROMPTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prompts');
export const NOT_COVERED = 'KHÔNG_ĐỦ_CĂN_CỨ';

export interface PromptTemplates {
  system: string;
  user: string;
}

export function loadPromptTemplates(dir = PROMPTS_DIR): PromptTemplates {
  return {
    system: readFileSync(path.join(dir, 'answer-system.md'), 'utf8').normalize('NFC'),
    user: readFileSync(path.join(dir, 'answer-user.md'), 'utf8').normalize('NFC'),
  };
}

export type LlmOutcome =
  | { kind: 'answer'; text: string; cited: number[] }
  | { kind: 'not_covered' }
  | { kind: 'rejected'; why: string };

/**
 * The optional generative stage: a langchain chat model answers from numbered context only. Its output
 * is checked — every [n] must name a context item and there must be at least one — and anything else
 * (a bad citation, no citation, a timeout, an API error) is rejected so the caller falls back to the
 * extractive answer.
 */
export class LlmAnswerer {
  constructor(
    private readonly model: ChatCompleter,
    private readonly templates: PromptTemplates,
    private readonly timeoutMs: number,
  ) {}

  buildPrompt(question: string, passages: readonly StoredPassage[]): ChatPrompt {
    const context = passages
      .map((p, i) => `<tai_lieu so="${i + 1}" can_cu="${escapeAttribute(p.citation)}">\n${fence(p.text)}\n</tai_lieu>`)
      .join('\n\n');
    const user = this.templates.user.replace('{{context}}', context).replace('{{question}}', fence(question));
    return { system: this.templates.system, user };
  }

  close(): Promise<void> {
    return this.model.close();
  }

  async answer(question: string, passages: readonly StoredPassage[]): Promise<LlmOutcome> {
    let raw: string;
    try {
      raw = await this.model.complete(this.buildPrompt(question, passages), AbortSignal.timeout(this.timeoutMs));
    } catch (error) {
      return { kind: 'rejected', why: `LLM error: ${error instanceof Error ? error.message : String(error)}` };
    }
    return checkLlmOutput(raw, passages.length);
  }
}

/** Validates a generated answer against the number of context items it was given. */
export function checkLlmOutput(raw: string, contextSize: number): LlmOutcome {
  const text = raw.normalize('NFC').trim();
  if (!text) return { kind: 'rejected', why: 'empty answer' };
  if (text.includes(NOT_COVERED)) return { kind: 'not_covered' };
  const cited = [...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
  if (cited.length === 0) return { kind: 'rejected', why: 'no citation' };
  const invalid = cited.filter((n) => n < 1 || n > contextSize);
  if (invalid.length) return { kind: 'rejected', why: `citation not in the context: [${invalid.join('], [')}]` };
  return { kind: 'answer', text, cited: [...new Set(cited)].sort((a, b) => a - b) };
}

/** Keeps text from closing the tags it is wrapped in. */
function fence(text: string): string {
  return text.replace(/<\/?(tai_lieu|cau_hoi)[^>]*>/gi, (tag) => tag.replace(/</g, '‹').replace(/>/g, '›'));
}

function escapeAttribute(text: string): string {
  return text.replace(/"/g, '″').replace(/[<>]/g, '');
}

/** The chat model the configuration asks for, or undefined when LLM_PROVIDER=none. */
export async function createChatModel(llm: AppConfig['llm']): Promise<BaseChatModel | undefined> {
  if (llm.provider === 'none' || !llm.model) return undefined;
  if (llm.provider === 'openai') {
    const { ChatOpenAI } = await import('@langchain/openai');
    const { createLlmFetch } = await import('./llm-fetch.js');
    return new ChatOpenAI({
      model: llm.model,
      apiKey: llm.apiKey ?? 'not-needed',
      configuration: { ...(llm.baseUrl && { baseURL: llm.baseUrl }), fetch: createLlmFetch().fetch },
      temperature: 0,
      maxRetries: 0,
      timeout: llm.timeoutMs,
    });
  }
  const { ChatOllama } = await import('@langchain/ollama');
  return new ChatOllama({ model: llm.model, baseUrl: llm.baseUrl, temperature: 0 });
}
