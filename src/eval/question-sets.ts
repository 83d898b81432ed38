import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** One line of a question set (test/questions/*.jsonl, ../shared/eval/*.jsonl). */
const QuestionLine = z
  .object({
    id: z.string().optional(),
    q: z.string().min(1),
    /** Absent or "answer": in the domain; "out-of-domain": must be escalated. */
    kind: z.enum(['answer', 'out-of-domain']).optional(),
    /** Groups of facts a correct reply holds: one of each group. */
    must: z.array(z.array(z.string().min(1)).min(1)).optional(),
    /** The knowledge document(s) that answer it (own sets). */
    doc: z.union([z.string(), z.array(z.string())]).optional(),
  })
  .passthrough();

export type QuestionLine = z.infer<typeof QuestionLine>;

/**
 * A question set, one JSON object per line. A line that is not JSON, has no question, or an unknown `kind`
 * ("ood" for "out-of-domain" would count the question as in the domain) is an error naming file and line.
 */
export async function readQuestionSet(file: string): Promise<QuestionLine[]> {
  const out: QuestionLine[] = [];
  for (const [index, line] of (await readFile(file, 'utf8')).split('\n').entries()) {
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${file}:${index + 1}: not a JSON object`);
    }
    const parsed = QuestionLine.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`${file}:${index + 1}: ${issue.path.join('.') || 'line'}: ${issue.message}`);
    }
    out.push(parsed.data);
  }
  return out;
}
