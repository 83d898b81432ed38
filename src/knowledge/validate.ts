import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { citationLabel } from './chunker.js';
import { DocumentParser } from './document-parser.js';
import { DocumentLoadError } from './load-error.js';
import { listKnowledgeFiles } from './loaders.js';
import { amountsWithoutPeriod, isLoneLeadIn, isThirdPartySource, staffInstruction } from './content-rules.js';
import type { Chunk, LoadedDocument } from './types.js';

export interface KnowledgeProblem {
  file: string;
  problem: string;
}

/** The phrase every unverified fact carries in the knowledge documents. */
export const UNVERIFIED_CAUTION = 'chưa có văn bản xác nhận';

/**
 * Checks a knowledge folder the way an admin's review would: every file loads with complete front
 * matter (source, review date, topic, type, status), ids are unique, text is NFC, and every chunk gets
 * a citation that starts with the document's label. Returns the problems (empty when all is well).
 */
export async function validateKnowledgeFolder(
  dir: string,
  options: { chunkMaxChars: number; parser?: DocumentParser },
): Promise<{ documents: LoadedDocument[]; problems: KnowledgeProblem[] }> {
  const parser = options.parser ?? new DocumentParser();
  try {
    return await validateWith(parser, dir, options.chunkMaxChars);
  } finally {
    if (!options.parser) await parser.close();
  }
}

async function validateWith(parser: DocumentParser, dir: string, chunkMaxChars: number): Promise<{ documents: LoadedDocument[]; problems: KnowledgeProblem[] }> {
  const problems: KnowledgeProblem[] = [];
  const documents: LoadedDocument[] = [];
  const owners = new Map<string, string>();
  for (const absolute of await listKnowledgeFiles(dir)) {
    const file = path.relative(dir, absolute).split(path.sep).join('/');
    const report = (problem: string) => problems.push({ file, problem });
    let doc: LoadedDocument;
    let chunks: Chunk[];
    try {
      ({ doc, chunks = [] } = await parser.parse(absolute, dir, { chunkMaxChars }));
    } catch (error) {
      // A scan's text comes from OCR at ingest, and an admin checks it in the review: nothing to check here.
      if (error instanceof DocumentLoadError && error.needsOcr) continue;
      report(error && typeof error === 'object' && 'reason' in error ? String(error.reason) : String(error));
      continue;
    }
    documents.push(doc);
    const raw = await readFile(absolute);
    if (/\.(md|markdown|txt)$/i.test(absolute)) {
      const text = raw.toString('utf8');
      if (text !== text.normalize('NFC')) report('text is not Unicode NFC');
    }
    const { meta } = doc;
    const owner = owners.get(meta.id);
    if (owner) report(`duplicate id "${meta.id}" (also used by ${owner})`);
    else owners.set(meta.id, file);
    if (!meta.source_url?.length) report('source_url: missing');
    for (const url of meta.source_url ?? []) {
      if (isThirdPartySource(url)) report(`source_url: ${url} is a third-party copy; put it under secondary_sources and give the official source`);
    }
    for (const amount of amountsWithoutPeriod(doc.body, meta)) {
      report(`amount ${amount} has no period: list it under amounts (value, what, from, basis)`);
    }
    if (!meta.reviewed) report('reviewed: missing (the date a person last checked the content)');
    if (!meta.topic?.length) report('topic: missing');
    if (!meta.doc_type) report('doc_type: missing');
    if (chunks.length === 0) report('no text to index');
    const label = citationLabel(meta);
    for (const chunk of chunks) {
      if (!chunk.citation.startsWith(label) || chunk.citation.trim() === '') {
        report(`chunk ${chunk.ordinal}: citation "${chunk.citation}" does not start with "${label}"`);
      }
      const instruction = staffInstruction(chunk.text);
      if (instruction) report(`chunk ${chunk.ordinal} (${chunk.citation}): text addressed to the assistant or admins is shown to users: "${instruction}" (move it to notes:)`);
      if (isLoneLeadIn(chunk.text)) report(`chunk ${chunk.ordinal} (${chunk.citation}): a lead-in or heading alone: "${chunk.text.trim()}"`);
    }
  }
  problems.push(...fileIdsShown(documents));
  return { documents, problems };
}

/** "(tài liệu tt-mai-tang-phi)": a file id in the text reaches users, who know the document by its name. */
function fileIdsShown(documents: readonly LoadedDocument[]): KnowledgeProblem[] {
  const labels = new Map(documents.filter((d) => d.meta.id.includes('-')).map((d) => [d.meta.id, citationLabel(d.meta)]));
  if (labels.size === 0) return [];
  const escaped = [...labels.keys()].sort((a, b) => b.length - a.length).map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const mention = new RegExp(`(?<![\\p{L}\\d/_-])(${escaped.join('|')})(?![\\p{L}\\d_-])`, 'gu');
  const problems: KnowledgeProblem[] = [];
  for (const doc of documents) {
    for (const id of new Set([...doc.body.matchAll(mention)].map((m) => m[1]!))) {
      problems.push({ file: doc.sourcePath, problem: `the text names a document by its file id "${id}", which users are shown: write its name, "${labels.get(id)}"` });
    }
  }
  return problems;
}
