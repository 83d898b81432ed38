import type { PassageSource, SourcedAnswer } from '../storage/provenance.js';
import type { AnswerCitation, AnswerStage, Asker } from './types.js';

export type FeedbackValue = 'helpful' | 'unhelpful' | 'expert';

export interface LoggedQuestion {
  id: number;
  asker: Asker;
  question: string;
  query: string;
  stage: AnswerStage;
  confidence: number;
  reason?: string;
  ticketId?: number;
  curatedId?: number;
  docId?: string;
  topic?: string;
  citations: AnswerCitation[];
  latencyMs: number;
  createdAt: string;
  /** The platform update the question came in (`<channel>:<update id>`), unique. */
  sourceKey?: string;
  /** The text sent back. */
  replyText?: string;
  /** The passages the answer rests on, in the version it used (answers and curated answers; absent otherwise). */
  sources?: PassageSource[];
}

/** Every question and its outcome, and the feedback on answers: what the dashboard and audits read. */
export interface QuestionLogStore {
  add(entry: Omit<LoggedQuestion, 'id'>): Promise<number>;
  get(id: number): Promise<LoggedQuestion | undefined>;
  /** The entry written for a platform update, if it was handled before (see IncomingMessage.sourceKey). */
  findBySource(sourceKey: string): Promise<LoggedQuestion | undefined>;
  attachTicket(id: number, ticketId: number): Promise<void>;
  /** Records a user's feedback; a second vote by the same user replaces the first. */
  addFeedback(questionId: number, value: FeedbackValue, asker: Pick<Asker, 'channel' | 'userId'>, at: string): Promise<void>;
  feedbackFor(questionId: number): Promise<{ value: FeedbackValue; userId: string }[]>;
  /** Answers logged at or after `since` (ISO time) that rest on passages, oldest first. */
  sourcedSince(since: string): Promise<SourcedAnswer[]>;
}
