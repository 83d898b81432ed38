import type { QuestionLogStore } from '../assistant/question-log.js';
import type { CuratedAnswerStore } from '../escalation/stores.js';
import type { CuratedAnswer } from '../escalation/types.js';
import { changedSources, type SourceChange } from '../knowledge/provenance.js';
import type { DocumentState, KnowledgeStore } from '../storage/knowledge-store.js';
import type { DocumentChange, PassageSource } from '../storage/provenance.js';
import { fold } from '../text/normalize.js';
import { KnowledgeSourcing } from './sources.js';

/** How far back answers are looked at by default. */
export const DEFAULT_IMPACT_DAYS = 90;

/** A curated answer whose texts changed since its (last) approval: not served verbatim until reviewed. */
export interface AffectedCurated {
  id: number;
  question: string;
  /** Always 'needs_review' ("cần xem lại"). */
  status: 'needs_review';
  approvedAt: string;
  topic?: string;
  sourceTicketId?: number;
  changes: SourceChange[];
}

/** Who asked an affected answer, and where: enough to send them a follow-up through their channel. */
export interface AffectedAsker {
  channel: string;
  chatId: string;
  userId: string;
  displayName?: string;
  commune?: string;
}

/** An answer given in the window that rests on a passage changed since. */
export interface AffectedAnswer {
  /** The question-log id. */
  id: number;
  question: string;
  channel: string;
  asker: AffectedAsker;
  askedAt: string;
  /** 'retrieval' or 'curated'. */
  stage: string;
  /** The curated answer it repeated, for a curated reply. */
  curatedId?: number;
  changes: SourceChange[];
}

/** A document behind the impact, or changed within the window. */
export interface ChangedDocument {
  id: string;
  /** The title now, or the last one known (removed documents). */
  title: string;
  /** The changes ingests recorded within the window, oldest first (none for one that simply expired). */
  changes: DocumentChange[];
}

export interface ImpactReport {
  /** The start of the window (ISO). */
  since: string;
  days: number;
  changedDocuments: ChangedDocument[];
  curated: AffectedCurated[];
  answers: AffectedAnswer[];
}

/** Answers of one question (compared without diacritics, case and punctuation), newest first. */
export interface AnswerGroup {
  question: string;
  answers: AffectedAnswer[];
}

export interface ImpactDeps {
  knowledge: Pick<KnowledgeStore, 'documentStates' | 'documentChanges'>;
  log: Pick<QuestionLogStore, 'sourcedSince'>;
  curated: Pick<CuratedAnswerStore, 'listActive' | 'get' | 'reapprove'>;
  sourcing: Pick<KnowledgeSourcing, 'relinked'>;
  now?: () => Date;
}

/**
 * The impact of knowledge changes (issue 17): which curated answers rest on passages that changed since
 * their approval ("cần xem lại"), and which answers of the last days rest on passages that changed since
 * they were given. Nothing is stored: every source recorded with an answer is compared with the knowledge
 * as it is now, so an ingest that changes nothing adds nothing, and re-approving a curated answer (its
 * sources move to today's version) takes it off the list.
 *
 * @example
 * const impact = new ImpactService({ knowledge: kb.store, log, curated: stores.curated, sourcing });
 * const { curated, answers } = await impact.compute({ days: 90 });
 * for (const a of answers) console.log(a.asker.channel, a.asker.chatId, a.question); // whom to tell
 */
export class ImpactService {
  private readonly now: () => Date;

  constructor(private readonly deps: ImpactDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async compute(options: { days?: number } = {}): Promise<ImpactReport> {
    const days = options.days ?? DEFAULT_IMPACT_DAYS;
    const now = this.now();
    const since = new Date(now.getTime() - days * 86_400_000).toISOString();
    const today = now.toISOString().slice(0, 10);
    const [active, logged, recorded] = await Promise.all([
      this.deps.curated.listActive(),
      this.deps.log.sourcedSince(since),
      this.deps.knowledge.documentChanges(since),
    ]);
    const sourceDocs = new Set([...active.flatMap((c) => c.sources ?? []), ...logged.flatMap((a) => a.sources)].map((s) => s.docId));
    const documents = await this.documents([...sourceDocs]);

    const curated: AffectedCurated[] = [];
    for (const answer of active) {
      const changes = changedSources(answer.sources ?? [], documents, today);
      if (changes.length > 0) curated.push(affectedCurated(answer, changes));
    }
    const answers: AffectedAnswer[] = [];
    for (const entry of logged) {
      const changes = changedSources(entry.sources, documents, today);
      if (changes.length === 0) continue;
      const asker: AffectedAsker = {
        channel: entry.channel,
        chatId: entry.chatId,
        userId: entry.userId,
        ...(entry.displayName && { displayName: entry.displayName }),
        ...(entry.commune && { commune: entry.commune }),
      };
      answers.push({
        id: entry.id,
        question: entry.question,
        channel: entry.channel,
        asker,
        askedAt: entry.askedAt,
        stage: entry.stage,
        ...(entry.curatedId !== undefined && { curatedId: entry.curatedId }),
        changes,
      });
    }
    answers.reverse();
    return { since, days, changedDocuments: changedDocuments(recorded, [...curated, ...answers], documents), curated, answers };
  }

  /** The answers of the last `days` whose sources changed since, with their askers (for follow-ups). */
  async affectedAnswers(options: { days?: number } = {}): Promise<AffectedAnswer[]> {
    return (await this.compute(options)).answers;
  }

  /** What changed under one curated answer since its approval (empty: it can be served). */
  async reviewOf(curatedId: number): Promise<SourceChange[]> {
    const answer = await this.deps.curated.get(curatedId);
    if (!answer?.sources?.length) return [];
    const documents = await this.documents(answer.sources.map((s) => s.docId));
    return changedSources(answer.sources, documents, this.now().toISOString().slice(0, 10));
  }

  /** For each curated answer given, what changed under it since its approval (answers with no change are absent). */
  async reviewsOf(answers: readonly CuratedAnswer[]): Promise<Map<number, SourceChange[]>> {
    const documents = await this.documents(answers.flatMap((a) => a.sources ?? []).map((s) => s.docId));
    const today = this.now().toISOString().slice(0, 10);
    const reviews = new Map<number, SourceChange[]>();
    for (const answer of answers) {
      const changes = changedSources(answer.sources ?? [], documents, today);
      if (changes.length > 0) reviews.set(answer.id, changes);
    }
    return reviews;
  }

  /**
   * The passages a curated answer rests on, in their current version (for an admin's edit, which reviews
   * it): see KnowledgeSourcing.relinked.
   */
  async currentSources(answer: Pick<CuratedAnswer, 'sources'>): Promise<PassageSource[]> {
    return this.deps.sourcing.relinked(answer.sources ?? []);
  }

  /**
   * An admin approves a curated answer again as it is: its sources become the same passages in their
   * current version (found by text, citation or id; passages gone from the knowledge base are dropped). Returns the new sources, or
   * undefined when there is no such answer.
   */
  async reapprove(curatedId: number, adminUserId: number): Promise<PassageSource[] | undefined> {
    const answer = await this.deps.curated.get(curatedId);
    if (!answer) return undefined;
    const sources = await this.currentSources(answer);
    const done = await this.deps.curated.reapprove(curatedId, { approvedBy: adminUserId, at: this.now().toISOString(), sources });
    return done ? sources : undefined;
  }

  private async documents(ids: readonly string[]): Promise<Map<string, DocumentState>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    return new Map((await this.deps.knowledge.documentStates(unique)).map((d) => [d.id, d]));
  }
}

/** The impact service over an app's parts (the App, or any object with the same shape). */
export function createImpactService(
  app: { kb: { store: ImpactDeps['knowledge'] & Pick<KnowledgeStore, 'documentStates'> }; log: ImpactDeps['log']; stores: { curated: ImpactDeps['curated'] } },
  now?: () => Date,
): ImpactService {
  return new ImpactService({
    knowledge: app.kb.store,
    log: app.log,
    curated: app.stores.curated,
    sourcing: new KnowledgeSourcing(app.kb.store, now),
    ...(now && { now }),
  });
}

/** Affected answers grouped by their question, the group with the newest answer first. */
export function groupByQuestion(answers: readonly AffectedAnswer[]): AnswerGroup[] {
  const groups = new Map<string, AnswerGroup>();
  for (const answer of answers) {
    const key = fold(answer.question.toLowerCase()).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    const group = groups.get(key);
    if (group) group.answers.push(answer);
    else groups.set(key, { question: answer.question, answers: [answer] });
  }
  return [...groups.values()];
}

/** The report as `trolyxa impact --json` prints it (its last line). */
export function impactJson(report: ImpactReport): {
  changed_documents: string[];
  curated: { id: number; question: string; status: string }[];
  answers: { id: number; question: string; channel: string; asked_at: string }[];
} {
  return {
    changed_documents: report.changedDocuments.map((d) => d.id),
    curated: report.curated.map((c) => ({ id: c.id, question: c.question, status: c.status })),
    answers: report.answers.map((a) => ({ id: a.id, question: a.question, channel: a.channel, asked_at: a.askedAt })),
  };
}

function affectedCurated(answer: CuratedAnswer, changes: SourceChange[]): AffectedCurated {
  return {
    id: answer.id,
    question: answer.question,
    status: 'needs_review',
    approvedAt: answer.approvedAt,
    ...(answer.topic !== undefined && { topic: answer.topic }),
    ...(answer.sourceTicketId !== undefined && { sourceTicketId: answer.sourceTicketId }),
    changes,
  };
}

/** Documents changed within the window, and those behind an affected answer, by id in code-point order. */
function changedDocuments(
  recorded: readonly DocumentChange[],
  affected: readonly { changes: readonly SourceChange[] }[],
  documents: ReadonlyMap<string, DocumentState>,
): ChangedDocument[] {
  const byId = new Map<string, ChangedDocument>();
  for (const change of recorded) {
    const doc = byId.get(change.docId) ?? { id: change.docId, title: change.title, changes: [] };
    doc.title = change.title;
    doc.changes.push(change);
    byId.set(change.docId, doc);
  }
  for (const { changes } of affected) {
    for (const { source, title } of changes) {
      if (!byId.has(source.docId)) {
        byId.set(source.docId, { id: source.docId, title: title ?? documents.get(source.docId)?.meta.title ?? source.citation, changes: [] });
      }
    }
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
