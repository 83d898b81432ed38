import path from 'node:path';
import { z } from 'zod';

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
  ANSWER_MIN_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.45),
  OUT_OF_DOMAIN_BELOW: z.coerce.number().min(0).max(1).default(0.3),
  AMBIGUITY_MARGIN: z.coerce.number().min(0).max(1).default(0.02),
  CURATED_MIN_SIMILARITY: z.coerce.number().min(0).max(1).default(0.85),
  MAX_QUESTION_CHARS: z.coerce.number().int().min(50).max(20_000).default(1000),
  MEMORY_TTL_MINUTES: z.coerce.number().min(0).max(24 * 60).default(15),
  TICKET_REMINDER_MINUTES: z.coerce.number().min(1).max(30 * 24 * 60).default(240),
});

export type Env = z.input<typeof envSchema>;

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: string;
  dataDir: string;
  databaseFile: string;
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
  assistant: {
    accessPolicy: 'open' | 'registered';
    minConfidence: number;
    outOfDomainBelow: number;
    ambiguityMargin: number;
    curatedMinSimilarity: number;
    maxQuestionChars: number;
    memoryTtlMs: number;
    ticketReminderMs: number;
  };
}

/** Thrown when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and checks the whole environment once. Nothing else in the program reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.EMBEDDINGS_PROVIDER === 'openai' && !e.OPENAI_API_KEY && !e.OPENAI_BASE_URL) {
    problems.push('EMBEDDINGS_PROVIDER=openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a compatible server)');
  }
  if (e.LLM_PROVIDER === 'openai' && !e.OPENAI_API_KEY && !e.OPENAI_BASE_URL) {
    problems.push('LLM_PROVIDER=openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a compatible server)');
  }
  if (e.LLM_PROVIDER !== 'none' && !e.LLM_MODEL) {
    problems.push(`LLM_MODEL: required when LLM_PROVIDER=${e.LLM_PROVIDER}`);
  }
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
    vectorDir: path.join(dataDir, 'vectors'),
    knowledgeDir,
    abbreviationsFile: e.ABBREVIATIONS_FILE
      ? path.resolve(cwd, e.ABBREVIATIONS_FILE)
      : path.join(knowledgeDir, 'abbreviations.tsv'),
    embeddings: { provider: e.EMBEDDINGS_PROVIDER, model: e.EMBEDDINGS_MODEL, ...remote(e.EMBEDDINGS_PROVIDER) },
    llm: { provider: e.LLM_PROVIDER, model: e.LLM_MODEL, timeoutMs: e.LLM_TIMEOUT_MS, ...remote(e.LLM_PROVIDER) },
    assistant: {
      accessPolicy: e.ACCESS_POLICY,
      minConfidence: e.ANSWER_MIN_CONFIDENCE,
      outOfDomainBelow: e.OUT_OF_DOMAIN_BELOW,
      ambiguityMargin: e.AMBIGUITY_MARGIN,
      curatedMinSimilarity: e.CURATED_MIN_SIMILARITY,
      maxQuestionChars: e.MAX_QUESTION_CHARS,
      memoryTtlMs: e.MEMORY_TTL_MINUTES * 60_000,
      ticketReminderMs: e.TICKET_REMINDER_MINUTES * 60_000,
    },
  };
}
