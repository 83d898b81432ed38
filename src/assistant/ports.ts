import type { AccessPolicy } from '../escalation/access-policy.js';
import type { CreateTicketInput } from '../escalation/escalation-service.js';
import type { OpenedTicket, TicketRouting } from '../escalation/types.js';
import type { SearchResult } from '../retrieval/hybrid-search.js';
import type { StoredPassage } from '../storage/knowledge-store.js';

/**
 * What the assistant needs from the rest of the system, and nothing more: a searcher over the knowledge
 * base and an escalator for what it cannot answer (the question log, curated answers and users are the
 * stores' own interfaces). Unit tests give it fakes of these; the app gives it the knowledge base and the
 * escalation service.
 */

/** One snapshot of the search index. */
export interface AnswerSearcher {
  /** Every passage of the snapshot (the amounts of the knowledge base are read from them). */
  readonly passages: readonly StoredPassage[];
  search(query: string, k: number): Promise<SearchResult>;
  /** The passages of one document, in order. */
  passagesOf(docId: string): readonly StoredPassage[];
  /** The question's embedding (for matching curated answers), when the engine has one. */
  embedQuestion(text: string): Promise<number[] | undefined>;
}

/** Gives the current searcher (a new one after a re-index). */
export interface KnowledgeSource {
  searcher(): Promise<AnswerSearcher>;
}

/** Opens tickets for the experts and delivers what they answered. */
export interface Escalator {
  readonly access: Pick<AccessPolicy, 'mayAsk'>;
  createTicket(input: CreateTicketInput): Promise<OpenedTicket>;
  /** Sends the relays a chat could not receive earlier (e.g. outside a messaging window). */
  deliverPendingFor(channel: string, chatId: string): Promise<number>;
  routingOf(ticketId: number): Promise<TicketRouting | undefined>;
}
