import type { Command } from 'commander';
import { evaluateBeir, writeRunTsv } from '../eval/beir-eval.js';
import { createEmbeddingsSetup } from '../retrieval/embeddings.js';
import { RETRIEVAL_SETTINGS } from '../retrieval/settings.js';
import { AbbreviationDictionary } from '../text/abbreviations.js';
import { existsSync } from 'node:fs';
import { createCliContext } from './context.js';
import { parsePositiveInt } from './knowledge-commands.js';

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('Score the production retrieval on a BEIR folder (corpus.jsonl, queries.jsonl, qrels.tsv) in a temporary store')
    .requiredOption('--beir <dir>', 'BEIR folder')
    .option('-k, --k <n>', 'ranking depth written with --run-out', parsePositiveInt, 10)
    .option('--run-out <file>', 'write the ranking as TSV: query-id, corpus-id, rank, score (top 100 a query)')
    .option('--fold-queries', 'strip diacritics from the questions first')
    .option('--json', 'print the metrics as one JSON line (the last line of stdout)')
    .action(async (options: { beir: string; k: number; runOut?: string; foldQueries?: boolean; json?: boolean }) => {
      const { config } = createCliContext();
      const dictionary = existsSync(config.abbreviationsFile)
        ? AbbreviationDictionary.load(config.abbreviationsFile)
        : AbbreviationDictionary.empty();
      const result = await evaluateBeir(options.beir, {
        settings: RETRIEVAL_SETTINGS,
        dictionary,
        embeddings: createEmbeddingsSetup(config.embeddings, RETRIEVAL_SETTINGS),
        depth: Math.max(100, options.k),
        foldQueries: options.foldQueries,
        onProgress: options.json ? undefined : (stage) => console.error(`… ${stage}`),
      });
      if (options.runOut) await writeRunTsv(options.runOut, result);
      const summary = {
        'ndcg@10': round(result['ndcg@10']),
        'recall@1': round(result['recall@1']),
        'recall@5': round(result['recall@5']),
        'recall@10': round(result['recall@10']),
        'recall@100': round(result['recall@100']),
        'mrr@10': round(result['mrr@10']),
        queries: result.queries,
        docs: result.docs,
        passages: result.passages,
        store_ms: result.store_ms,
        index_ms: result.index_ms,
        latency_ms: result.latency_ms,
      };
      if (options.json) {
        console.log(JSON.stringify(summary));
        return;
      }
      console.log(`BEIR ${options.beir}: ${result.queries} queries, ${result.docs} documents (${result.passages} passages)`);
      for (const key of ['ndcg@10', 'recall@1', 'recall@5', 'recall@10', 'recall@100', 'mrr@10'] as const) {
        console.log(`  ${key.padEnd(11)} ${summary[key].toFixed(4)}`);
      }
      console.log(`  store       ${result.store_ms} ms`);
      console.log(`  index build ${result.index_ms} ms`);
      console.log(`  latency     p50 ${result.latency_ms.p50} ms · p99 ${result.latency_ms.p99} ms`);
    });
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000;
}
