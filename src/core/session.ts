import type { SessionSink } from './events.js';
import type { TokenBucket } from './rate-limit.js';
import type { MessageId, DmPolicy, NameKey, RoomRole } from './types.js';

/** One logged-in client: an account (or guest) on one device, through one gateway. */
export class Session {
  /** Rooms this session receives (canonical keys). Mirrors the account's memberships. */
  readonly rooms = new Set<NameKey>();
  ended = false;
  /** When this session last sent a typing notice, by target key (see ChatNode.typing). */
  readonly typingAt = new Map<string, number>();
  /** A guest's role in each of its rooms (an account's is in the store), to state again after a Presence engine lost it. */
  readonly guestRoles = new Map<NameKey, RoomRole>();
  /** A guest's DM policy (an account's is in the store). */
  guestDmPolicy: DmPolicy = 'open';
  /**
   * The first message id of a guest's time: a resume replays nothing older, since the guest did
   * not exist to miss it (docs/protocol.md §7.6). 0 for accounts.
   */
  startId: MessageId = 0;
  /** When a guest's time began (its resume token states it again after a rename). 0 for accounts. */
  startedAt = 0;
  /** A rename of this guest is under way (core/renames.ts): one at a time, and no resume of it meanwhile. */
  renaming = false;
  /** Guest keys this guest was renamed away from; their resume tokens are refused until it is gone (core/renames.ts). */
  readonly retired: NameKey[] = [];
  /**
   * The bucket of the session's other state-changing requests (ChatNode.act); made on the first
   * one, as most sessions only chat.
   */
  actions: TokenBucket | undefined;
  /** The bucket of the session's searches (docs/protocol.md §7.16); made on the first one. */
  searches: TokenBucket | undefined;
  /** The bucket of the session's read markers (docs/protocol.md §7.15); made on the first one. */
  reads: TokenBucket | undefined;
  /** Why the session ended, as its gateway states it (an IRC QUIT's words): told with its quit. */
  quitReason: string | undefined;
  /** The client's network address as its transport saw it, when known: address bans match it (§7.17). */
  address: string | undefined;
  /**
   * The server admin account whose name and password this session gave to act as an operator
   * (IRC's OPER, ChatNode.operate): the session has its server-wide powers until it ends or
   * drops them. Room ranks stay the session's own user's.
   */
  operator: { readonly key: NameKey; readonly name: string } | undefined;

  constructor(
    readonly id: string,
    /** Key used in messages and memberships: the account key, or a guest's own key (names.ts guestKey). */
    /** Both change only when a guest renames itself (core/renames.ts). */
    public key: NameKey,
    public name: string,
    readonly guest: boolean,
    readonly sink: SessionSink,
    readonly bucket: TokenBucket,
    /** Which protocol the session speaks; lets gateways recognise their own sessions. */
    readonly protocol: string,
    /**
     * Whether messages reach this session as they happen. A session whose protocol only
     * downloads on request (CP's RMSG) does not count: DMs for its user go to the mailbox.
     */
    readonly live: boolean = true,
  ) {}
}
