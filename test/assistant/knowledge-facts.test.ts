import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { fold } from '../../src/text/normalize.js';
import { createTestApp, ROOT } from '../helpers/app-fixture.js';

/**
 * The questions written for every correction and newly verified fact of the knowledge base
 * (test/questions/kb-facts-*.jsonl, with and without diacritics), asked through the assistant: the fact
 * must be in the reply users get, not only in a retrieved passage.
 */
interface FactQuestion {
  id: string;
  q: string;
  must: string[][];
}

const DIR = path.join(ROOT, 'test', 'questions');
const questions: FactQuestion[] = [];
for (const file of (await readdir(DIR)).filter((f) => f.startsWith('kb-facts-') && f.endsWith('.jsonl')).sort()) {
  for (const line of (await readFile(path.join(DIR, file), 'utf8')).split('\n')) if (line.trim()) questions.push(JSON.parse(line) as FactQuestion);
}
const comparable = (text: string) => fold(text.toLowerCase()).replace(/\s+/g, ' ');

let app: App;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ app, cleanup } = await createTestApp({ QUESTIONS_PER_MINUTE: '0' }));
});
afterAll(async () => {
  await cleanup();
});

describe('the corrected and newly verified facts, through ask', () => {
  it('has questions for them, with and without diacritics', () => {
    expect(questions.length).toBeGreaterThanOrEqual(120);
    expect(questions.filter((q) => fold(q.q) === q.q).length).toBeGreaterThanOrEqual(40);
  });

  it('answers every one of them, with the fact in the reply for at least 85 %', async () => {
    const missing: string[] = [];
    const escalated: string[] = [];
    for (const [i, q] of questions.entries()) {
      const reply = await app.assistant.handle({ asker: { channel: 'test', chatId: `facts-${i}`, userId: 'u' }, text: q.q });
      if (reply.stage !== 'retrieval' && reply.stage !== 'curated') escalated.push(`${q.id} ${q.q}`);
      const text = comparable(reply.text);
      const lacking = q.must.filter((group) => !group.some((fact) => text.includes(comparable(fact))));
      if (lacking.length) missing.push(`${q.id} "${q.q}" lacks ${lacking.map((g) => g.join(' | ')).join('; ')}`);
    }
    expect(escalated).toEqual([]);
    expect(missing.length / questions.length, missing.join('\n')).toBeLessThanOrEqual(0.15);
  });
});
