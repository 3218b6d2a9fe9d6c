import type { NodeContext } from './context.js';
import { ChatError } from './errors.js';
import { TokenBucket } from './rate-limit.js';
import type { Session } from './session.js';
import type { ChatMessage, MessageId } from './types.js';
import { wordsOf } from '../vocabulary/words.js';

/** Bounds of a search (docs/protocol.md §7.16). */
export const SEARCH_LIMITS = {
  /** Bytes of UTF-8 in a query. */
  maxQueryBytes: 200,
  /** Distinct words in a query. */
  maxTerms: 8,
  /** Messages in one page of results. */
  maxPage: 50,
  /** Searches a session may make: this many at once, refilled at `perSecond`. */
  burst: 5,
  perSecond: 2,
} as const;

export interface SearchPage { messages: ChatMessage[]; more: boolean }

const encoder = new TextEncoder();

/**
 * Search of message text (docs/protocol.md §7.16). What may be found is decided here, never by the
 * query: the rooms the session is a member of now and the user's own direct messages, which is
 * all the store is asked to look in. The query is only ever words.
 */
export class Search {
  constructor(private readonly ctx: NodeContext) {}

  /** The newest `limit` messages older than `before` (0: none) that hold every word of `query`, newest first. */
  async find(session: Session, query: string, before: MessageId, limit: number): Promise<SearchPage> {
    if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_LIMITS.maxPage) throw new ChatError('BAD_REQUEST', `limit must be 1..${SEARCH_LIMITS.maxPage}`);
    if (encoder.encode(query).length > SEARCH_LIMITS.maxQueryBytes) throw new ChatError('QUERY_TOO_LONG', `a search has at most ${SEARCH_LIMITS.maxQueryBytes} bytes`);
    const terms = [...new Set(wordsOf(query))];
    if (terms.length === 0) throw new ChatError('BAD_REQUEST', 'search for at least one word');
    if (terms.length > SEARCH_LIMITS.maxTerms) throw new ChatError('QUERY_TOO_LONG', `a search has at most ${SEARCH_LIMITS.maxTerms} words`);
    const now = this.ctx.now();
    session.searches ??= new TokenBucket(SEARCH_LIMITS.perSecond, SEARCH_LIMITS.burst, now);
    if (!session.searches.take(now)) throw new ChatError('RATE_LIMITED', 'too many searches; slow down');
    const rows = await this.ctx.store.search({
      user: session.key,
      rooms: [...session.rooms],
      terms,
      ...(before > 0 ? { before } : {}),
      limit: limit + 1,
    });
    return { messages: rows.slice(0, limit), more: rows.length > limit };
  }
}
