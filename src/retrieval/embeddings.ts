import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { HashingEmbeddings } from './hashing-embeddings.js';
import type { RetrievalSettings } from './settings.js';

export type EmbeddingsProvider = 'hashing' | 'openai' | 'ollama';

export interface EmbeddingsConfig {
  provider: EmbeddingsProvider;
  /** Model name for openai / ollama. */
  model?: string;
  baseUrl?: string;
  apiKey?: string;
}

/**
 * How passages and queries become vectors. `describe()` goes into the vector index's fingerprint
 * (so a change of model forces a rebuild); `state` is what must be saved beside the index to embed
 * queries the same way later (the fitted IDF of the offline embedding).
 */
export interface EmbeddingsSetup {
  describe(): Record<string, unknown>;
  /** Embeddings ready for a corpus (fitted on it when the model needs fitting). */
  prepare(texts: readonly string[]): Promise<{ embeddings: EmbeddingsInterface; state: Record<string, unknown> }>;
  /** Embeddings restored from the saved state of a built index. */
  restore(state: Record<string, unknown>): Promise<EmbeddingsInterface>;
}

export function createEmbeddingsSetup(config: EmbeddingsConfig, settings: RetrievalSettings): EmbeddingsSetup {
  switch (config.provider) {
    case 'hashing':
      return hashingSetup(settings);
    case 'openai':
      return remoteSetup(config, async () => {
        const { OpenAIEmbeddings } = await import('@langchain/openai');
        return new OpenAIEmbeddings({
          model: config.model ?? 'text-embedding-3-small',
          apiKey: config.apiKey,
          configuration: config.baseUrl ? { baseURL: config.baseUrl } : undefined,
          maxRetries: 2,
        });
      });
    case 'ollama':
      return remoteSetup(config, async () => {
        const { OllamaEmbeddings } = await import('@langchain/ollama');
        return new OllamaEmbeddings({ model: config.model ?? 'bge-m3', baseUrl: config.baseUrl });
      });
  }
}

function hashingSetup(settings: RetrievalSettings): EmbeddingsSetup {
  const options = settings.hashing;
  return {
    describe: () => ({ provider: 'hashing', ...options }),
    async prepare(texts) {
      const embeddings = new HashingEmbeddings(options).fit(texts);
      return { embeddings, state: { idf: Buffer.from(embeddings.fittedIdf.buffer).toString('base64') } };
    },
    async restore(state) {
      const encoded = typeof state['idf'] === 'string' ? state['idf'] : undefined;
      if (!encoded) return new HashingEmbeddings(options);
      const bytes = Buffer.from(encoded, 'base64');
      const idf = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      return new HashingEmbeddings({ ...options, idf });
    },
  };
}

function remoteSetup(config: EmbeddingsConfig, make: () => Promise<EmbeddingsInterface>): EmbeddingsSetup {
  return {
    describe: () => ({ provider: config.provider, model: config.model, baseUrl: config.baseUrl }),
    async prepare() {
      return { embeddings: await make(), state: {} };
    },
    restore: () => make(),
  };
}
