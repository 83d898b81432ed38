import type { AskedKind } from './reading.js';

/** What the assistant remembers of one chat. */
export interface ChatTurn {
  question: string;
  /** The question as searched (with earlier context folded in for follow-ups). */
  query: string;
  docId?: string;
  answerId?: number;
  /** What the question asked for, and the story of the case: a follow-up inherits both. */
  asks?: AskedKind;
  story?: string;
  at: number;
}

/** A small per-chat memory with expiry, so that short follow-ups are read in context. */
export class ChatMemory {
  private readonly turns = new Map<string, ChatTurn>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxChats = 50_000,
  ) {}

  get(chatKey: string): ChatTurn | undefined {
    const turn = this.turns.get(chatKey);
    if (!turn) return undefined;
    if (this.now() - turn.at > this.ttlMs) {
      this.turns.delete(chatKey);
      return undefined;
    }
    return turn;
  }

  remember(chatKey: string, turn: Omit<ChatTurn, 'at'>): void {
    this.turns.delete(chatKey);
    this.turns.set(chatKey, { ...turn, at: this.now() });
    if (this.turns.size > this.maxChats) {
      // Maps iterate in insertion order: the first key is the least recently used chat.
      const oldest = this.turns.keys().next().value;
      if (oldest !== undefined) this.turns.delete(oldest);
    }
  }
}
