import type { CuratedSourcing } from '../escalation/stores.js';
import type { Ticket } from '../escalation/types.js';
import { isInForce } from '../knowledge/provenance.js';
import type { DocumentState, KnowledgeStore } from '../storage/knowledge-store.js';
import type { PassageSource } from '../storage/provenance.js';

/** Of a ticket's retrieved passages, those linked automatically: the best, and any close behind it. */
const AUTO_LINK_RATIO = 0.75;
const AUTO_LINK_MAX = 3;

/**
 * The passages curated answers rest on, read from the knowledge store as they are now: for an approval
 * (the admin's choice among the ticket's retrieved passages, or the best of them), and for a re-approval
 * (the same passages, in their current version).
 *
 * @example
 * const sourcing = new KnowledgeSourcing(kb.store);
 * const escalation = new EscalationService(stores, { sourcing });
 * await escalation.approve(12, adminId); // the curated answer rests on the ticket's best passages
 */
export class KnowledgeSourcing implements CuratedSourcing {
  constructor(
    private readonly store: Pick<KnowledgeStore, 'documentStates'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async sourcesFor(ticket: Ticket, chosenIds?: readonly string[]): Promise<PassageSource[]> {
    return this.current(chosenIds ?? autoLinked(ticket));
  }

  /** The passages `passageIds` (`<docId>#<ordinal>`) as they are now, in that order; unknown ids are dropped. */
  async current(passageIds: readonly string[]): Promise<PassageSource[]> {
    const ids = [...new Set(passageIds)];
    const documents = await this.documents(ids.map(docIdOf));
    return ids.flatMap((id) => {
      const doc = documents.get(docIdOf(id));
      const passage = doc?.passages.find((p) => p.id === id);
      return doc && passage ? [this.record(doc, passage)] : [];
    });
  }

  /**
   * Sources recorded earlier, moved to the current version of the same passages: the passage that still has
   * the recorded text (it may have moved), else the one with the same citation (Điều, heading), else the one
   * with the same id. Sources whose document is gone, or that match nothing, are dropped.
   */
  async relinked(sources: readonly PassageSource[]): Promise<PassageSource[]> {
    const documents = await this.documents(sources.map((s) => s.docId));
    const out: PassageSource[] = [];
    for (const source of sources) {
      const doc = documents.get(source.docId);
      if (!doc) continue;
      const sameCitation = doc.passages.filter((p) => p.citation === source.citation);
      const passage =
        doc.passages.find((p) => p.hash === source.passageHash) ??
        (sameCitation.length === 1 ? sameCitation[0] : undefined) ??
        doc.passages.find((p) => p.id === source.passageId);
      if (passage && !out.some((o) => o.passageId === passage.id)) out.push(this.record(doc, passage));
    }
    return out;
  }

  private async documents(docIds: readonly string[]): Promise<Map<string, DocumentState>> {
    const unique = [...new Set(docIds)];
    if (unique.length === 0) return new Map();
    return new Map((await this.store.documentStates(unique)).map((d) => [d.id, d]));
  }

  private record(doc: DocumentState, passage: DocumentState['passages'][number]): PassageSource {
    return {
      passageId: passage.id,
      docId: doc.id,
      citation: passage.citation,
      passageHash: passage.hash,
      docHash: doc.contentHash,
      docInForce: isInForce(doc.meta, this.now().toISOString().slice(0, 10)),
    };
  }
}

/** The ticket's best retrieved passage and those scored close to it (at most three). */
export function autoLinked(ticket: Pick<Ticket, 'context'>): string[] {
  const best = Math.max(0, ...ticket.context.map((c) => c.score));
  if (best <= 0) return [];
  return [...ticket.context]
    .sort((a, b) => b.score - a.score)
    .filter((c) => c.score >= best * AUTO_LINK_RATIO)
    .slice(0, AUTO_LINK_MAX)
    .map((c) => c.id);
}

function docIdOf(passageId: string): string {
  const hash = passageId.lastIndexOf('#');
  return hash > 0 ? passageId.slice(0, hash) : passageId;
}
