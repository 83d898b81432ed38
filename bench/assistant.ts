import { existsSync } from 'node:fs';
import { readFile, readdir, rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { percentile } from '../src/eval/metrics.js';
import { fold } from '../src/text/normalize.js';

interface Question {
  q: string;
  kind?: string;
  must?: string[][];
}

const comparable = (text: string) => fold(text.toLowerCase()).replace(/\s+/g, ' ');
const hasFacts = (answer: string, must: string[][] = []) =>
  must.every((group) => group.some((fact) => comparable(answer).includes(comparable(fact))));

async function readJsonl(file: string): Promise<Question[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Question);
}

/** Offline answer latency over 200 questions, and the share answered vs escalated on the project's set. */
export async function benchAssistant(root: string, shared: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'trolyxa-bench-'));
  const app = await createApp(loadConfig({ ...process.env, DATA_DIR: dir, KNOWLEDGE_DIR: path.join(root, 'knowledge'), LOG_LEVEL: 'silent', LLM_PROVIDER: 'none', QUESTIONS_PER_MINUTE: '0' }, root));
  try {
    const own: Question[] = [];
    for (const f of (await readdir(path.join(root, 'test', 'questions'))).filter((f) => f.endsWith('.jsonl'))) {
      own.push(...(await readJsonl(path.join(root, 'test', 'questions', f))));
    }
    const devFile = path.join(shared, 'eval', 'dev-questions.jsonl');
    const dev = existsSync(devFile) ? await readJsonl(devFile) : [];

    const stages = new Map<string, number>();
    let ownCorrect = 0;
    for (const [i, q] of own.entries()) {
      const reply = await app.assistant.handle({ asker: { channel: 'bench', chatId: `own-${i}`, userId: 'b' }, text: q.q });
      stages.set(reply.stage, (stages.get(reply.stage) ?? 0) + 1);
      if (reply.stage === 'retrieval' && hasFacts(reply.text, q.must)) ownCorrect += 1;
    }
    const devOutcome = { inDomainAnswered: 0, inDomainWithFacts: 0, inDomain: 0, outOfDomainEscalated: 0, outOfDomain: 0 };
    for (const [i, q] of dev.entries()) {
      const reply = await app.assistant.handle({ asker: { channel: 'bench', chatId: `dev-${i}`, userId: 'b' }, text: q.q });
      if (q.kind === 'out-of-domain') {
        devOutcome.outOfDomain += 1;
        if (reply.stage === 'escalated') devOutcome.outOfDomainEscalated += 1;
      } else {
        devOutcome.inDomain += 1;
        if (reply.stage === 'retrieval' || reply.stage === 'curated') {
          devOutcome.inDomainAnswered += 1;
          if (hasFacts(reply.text, q.must)) devOutcome.inDomainWithFacts += 1;
        }
      }
    }

    const pool = [...own, ...dev].map((q) => q.q);
    const latencies: number[] = [];
    for (let i = 0; i < 200; i++) {
      const text = pool[i % pool.length]!;
      const started = performance.now();
      await app.assistant.handle({ asker: { channel: 'bench', chatId: `lat-${i}`, userId: 'b' }, text });
      latencies.push(performance.now() - started);
    }
    return {
      own: { questions: own.length, stages: Object.fromEntries(stages), answeredWithFacts: ownCorrect },
      dev: devOutcome,
      latency: { questions: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
    };
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
}
