/** In an expert's topics: covers every topic, and tickets without one. */
export const ALL_TOPICS = '*';

/** Topics are compared as the knowledge base writes them: trimmed, lower-case (kebab-case by convention). */
export function normalizeTopic(topic: string | undefined | null): string | undefined {
  const value = topic?.normalize('NFC').trim().toLowerCase();
  return value ? value : undefined;
}

/** Normalised, de-duplicated, empty entries dropped, in the given order. */
export function normalizeTopics(topics: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const topic of topics ?? []) {
    const value = normalizeTopic(topic);
    if (value && !out.includes(value)) out.push(value);
  }
  return out;
}

/** An expert with these topics covers a ticket of `topic` (undefined: the ticket has no topic). */
export function coversTopic(topics: readonly string[], topic: string | undefined): boolean {
  if (topics.includes(ALL_TOPICS)) return true;
  return topic !== undefined && topics.includes(topic);
}
