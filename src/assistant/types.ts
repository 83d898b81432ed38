import type { Asker, TicketAttachmentInput } from '../escalation/types.js';
import type { FormOffer } from '../forms/form-texts.js';

export type { Asker };

/** Which stage produced a reply (logged for every question). */
export type AnswerStage = 'curated' | 'retrieval' | 'escalated' | 'smalltalk' | 'refused';

/** A source shown under an answer. */
export interface AnswerCitation {
  /** Passage id (`docId#ordinal`) or `curated:<id>`. */
  id: string;
  docId: string;
  citation: string;
  sourceUrl?: string;
  effective?: string;
  /** The last day the text applied (`effective_to`), once it no longer does. */
  effectiveTo?: string;
  verified: boolean;
  status: string;
  supersededBy?: string;
  /** False when the text was no longer in force on the day of the answer (superseded, or past `effectiveTo`). */
  inForce?: boolean;
  /** For a guidance document: the legal texts it rests on (its doc_number). */
  legalBasis?: string;
}

/** A message from a user of any channel, already reduced to text. */
export interface IncomingMessage {
  asker: Asker;
  text: string;
  /**
   * The platform update it came in (`<channel>:<update id>`): logged with the question and its ticket,
   * so handling the same update again after a crash neither logs nor escalates it twice.
   */
  sourceKey?: string;
  /** Handled again after a crash: if the question was already answered, that answer is returned as it was. */
  resumed?: boolean;
  /** False for batch runs (`ask --batch`, evaluation): the per-user rate limit is for chat users only. */
  rateLimited?: boolean;
  /**
   * A paper that came with the question (a photo or PDF read by OCR): terms searched beside the question
   * (its kind, form number and domain concepts — never its whole text), and the file, which goes with the
   * ticket when the question is escalated and is otherwise not kept.
   */
  paper?: { searchTerms: string; attachment?: TicketAttachmentInput };
}

/** What the core answers; channels render it (plain text, Telegram HTML, Zalo text…). */
export interface AssistantReply {
  stage: AnswerStage;
  /** Plain-text answer in Vietnamese, ready to send as is. */
  text: string;
  /**
   * For messengers: the direct answer, its basis and a "/chitiet" hint within about 700 characters, when
   * `text` is longer. `text` stays the whole reply (the web chat folds it; "/chitiet" sends it).
   */
  brief?: string;
  /** The answer body without the source lines (for channels that format sources themselves). */
  body: string;
  citations: AnswerCitation[];
  /** Warnings already included in `text` (unverified source, superseded document, truncated question). */
  warnings: string[];
  /** 0–1; how well the sources cover the question (1 for curated answers). */
  confidence: number;
  /** Ticket number when the question went to an expert. */
  ticket?: number;
  /** Question-log id to attach feedback to (absent for small talk). */
  answerId?: number;
  /** Whether channels should offer feedback buttons (helpful / not helpful / ask an expert). */
  offerFeedback: boolean;
  /** Why the question was escalated, when it was. */
  escalationReason?: string;
  /** Forms the reply names that the bot can send as files: channels offer them (a button, or "/mau 12"). */
  forms?: FormOffer[];
}
