import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { percentile } from '../src/eval/metrics.js';
import { readQuestionSet, type QuestionLine as Question } from '../src/eval/question-sets.js';
import { fold } from '../src/text/normalize.js';


/** How the assistant did on one question set. */
export interface SetOutcome {
  name: string;
  questions: number;
  inDomain: number;
  /** In-domain questions answered (knowledge base or curated). */
  answered: number;
  /** In-domain questions escalated: false escalations. */
  falseEscalations: number;
  outOfDomain: number;
  outOfDomainEscalated: number;
  /** Out-of-domain questions answered anyway. */
  missedOutOfDomain: number;
  /** In-domain questions whose reply holds every fact of `must`, anywhere / in its first 400 characters. */
  withFacts: number;
  withFactsFirst400: number;
  p50: number;
  p99: number;
  failing: string[];
}

const comparable = (text: string) => fold(text.toLowerCase()).replace(/\s+/g, ' ');
const hasFacts = (answer: string, must: string[][] = []) =>
  must.every((group) => group.some((fact) => comparable(answer).includes(comparable(fact))));

const readJsonl = readQuestionSet;

async function readSets(dir: string, pick: (file: string) => boolean): Promise<Question[]> {
  if (!existsSync(dir)) return [];
  const out: Question[] = [];
  for (const f of (await readdir(dir)).filter((f) => f.endsWith('.jsonl') && pick(f)).sort()) out.push(...(await readJsonl(path.join(dir, f))));
  return out;
}

/**
 * The offline assistant over the project's own question set, the frozen held-out set and the shared
 * sets: answered / escalated / false escalations / missed out-of-domain, the asked facts anywhere and in
 * the first 400 characters, and answer latency.
 */
export async function benchAssistant(root: string, shared: string, options: { heldOut: boolean }) {
  const dir = await mkdtemp(path.join(tmpdir(), 'trolyxa-bench-'));
  const app = await createApp(loadConfig({ ...process.env, DATA_DIR: dir, KNOWLEDGE_DIR: path.join(root, 'knowledge'), LOG_LEVEL: 'silent', LLM_PROVIDER: 'none', QUESTIONS_PER_MINUTE: '0' }, root));
  try {
    const questionsDir = path.join(root, 'test', 'questions');
    const tuneDir = path.join(questionsDir, 'tune');
    // Each tuning set on its row: the newest one is scored once before anything is tuned on it.
    const tuneFiles = existsSync(tuneDir) ? (await readdir(tuneDir)).filter((f) => f.endsWith('.jsonl')).sort() : [];
    const sets: { name: string; questions: Question[] }[] = [
      { name: 'own set (test/questions)', questions: await readSets(questionsDir, (f) => !f.startsWith('heldout-')) },
      ...(await Promise.all(tuneFiles.map(async (f) => ({ name: `tuning set tune/${f}`, questions: await readJsonl(path.join(tuneDir, f)) })))),
    ];
    if (options.heldOut) sets.push({ name: 'held-out set (test/questions/heldout-*)', questions: await readSets(questionsDir, (f) => f.startsWith('heldout-')) });
    const evalDir = path.join(shared, 'eval');
    if (existsSync(evalDir)) {
      for (const f of (await readdir(evalDir)).filter((f) => f.endsWith('.jsonl')).sort()) {
        sets.push({ name: `shared ${f}`, questions: await readJsonl(path.join(evalDir, f)) });
      }
    }
    const outcomes: SetOutcome[] = [];
    for (const set of sets) {
      const outcome: SetOutcome = {
        name: set.name, questions: set.questions.length, inDomain: 0, answered: 0, falseEscalations: 0, outOfDomain: 0,
        outOfDomainEscalated: 0, missedOutOfDomain: 0, withFacts: 0, withFactsFirst400: 0, p50: 0, p99: 0, failing: [],
      };
      const latencies: number[] = [];
      for (const [i, q] of set.questions.entries()) {
        const started = performance.now();
        const reply = await app.assistant.handle({ asker: { channel: 'bench', chatId: `${set.name}-${i}`, userId: 'b' }, text: q.q, rateLimited: false });
        latencies.push(performance.now() - started);
        const answered = reply.stage === 'retrieval' || reply.stage === 'curated';
        if (q.kind === 'out-of-domain') {
          outcome.outOfDomain += 1;
          if (reply.stage === 'escalated') outcome.outOfDomainEscalated += 1;
          else {
            outcome.missedOutOfDomain += 1;
            outcome.failing.push(`${q.id ?? i}: out-of-domain answered`);
          }
          continue;
        }
        outcome.inDomain += 1;
        if (!answered) {
          outcome.falseEscalations += 1;
          outcome.failing.push(`${q.id ?? i}: escalated (${reply.escalationReason ?? reply.stage})`);
          continue;
        }
        outcome.answered += 1;
        if (hasFacts(reply.text, q.must)) outcome.withFacts += 1;
        else outcome.failing.push(`${q.id ?? i}: facts missing`);
        if (hasFacts(reply.text.slice(0, 400), q.must)) outcome.withFactsFirst400 += 1;
      }
      outcome.p50 = percentile(latencies, 50);
      outcome.p99 = percentile(latencies, 99);
      outcomes.push(outcome);
    }
    return outcomes;
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
}
