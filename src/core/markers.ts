import type { NodeContext } from './context.js';
import { ChatError } from './errors.js';
import { parseRoomName } from './names.js';
import { TokenBucket } from './rate-limit.js';
import type { Messaging } from './messaging.js';
import type { Session } from './session.js';
import type { ChatMessage, MessageId, NameKey } from './types.js';
import { mentions } from '../vocabulary/words.js';
import { isRoomTarget } from '../vocabulary/names.js';
import type { Store } from '../ports/store.js';

/** Unread (and mention) counts stop here: a count reads at most this many messages (§7.15). */
export const UNREAD_CAP = 999;

/** Rooms listed in UNREAD_LIST at most (the first by key): the answer stays well inside a frame. */
export const UNREAD_ROOMS = 500;

/** READs a session may send at once, refilled at READ_RATE a second (§7.15). */
const READ_BURST = 20;
const READ_RATE = 5;

/** A conversation's read state as the account's clients are told it (UNREAD_LIST, §7.15). */
export interface UnreadCount {
  /** '#Room', or the other user's name. */
  conversation: string;
  /** The marker: the newest message read (0: none yet). */
  read: MessageId;
  /** Messages newer than the marker not sent by the account, at most UNREAD_CAP. */
  unread: number;
  /** Of those, the ones that mention `@name` of the account. */
  mentions: number;
}

/**
 * An account that joins a room has read what was said before: its marker starts at the newest
 * message stored, so a room joined today does not count its whole past as unread.
 */
export async function markJoined(store: Store, user: NameKey, room: NameKey): Promise<void> {
  await store.setReadMarker(user, room, await store.newestMessageId());
}

/**
 * Read markers (docs/protocol.md §7.15): per account and conversation the newest message read,
 * shared by all the account's sessions and kept by the store, and the unread counts made from them.
 * Guests have none: a guest's conversations last no longer than its session.
 */
export class ReadMarkers {
  constructor(private readonly ctx: NodeContext, private readonly messaging: Messaging) {}

  /**
   * Moves the account's marker of `withWhom` ('#room' or a user) to message `id`, which must be a
   * message of that conversation the account may read; never back. The account's other sessions
   * are told. Resolves with the conversation's display name and the marker now held.
   */
  async mark(session: Session, withWhom: string, id: MessageId): Promise<{ conversation: string; id: MessageId }> {
    if (session.guest) throw new ChatError('BAD_REQUEST', 'guests have no read markers');
    const now = this.ctx.now();
    session.reads ??= new TokenBucket(READ_RATE, READ_BURST, now);
    if (!session.reads.take(now)) throw new ChatError('RATE_LIMITED', 'too many read markers; slow down');
    const message = Number.isSafeInteger(id) && id > 0 ? await this.ctx.store.getMessage(id) : undefined;
    let key: NameKey;
    let conversation: string;
    if (isRoomTarget(withWhom)) {
      key = parseRoomName(withWhom).key;
      const room = await this.ctx.store.getRoom(key);
      if (!room) throw new ChatError('NO_SUCH_ROOM', `no such room: ${withWhom.slice(0, 60)}`);
      // A marker only for a room one reads now: a room left, or never joined, takes none.
      if (!session.rooms.has(key)) throw new ChatError('NOT_MEMBER', `not a member of ${room.name}`);
      if (!message?.rooms.includes(key)) throw new ChatError('BAD_REQUEST', `no message ${id} in ${room.name}`);
      conversation = room.name;
    } else {
      const peer = await this.messaging.resolveUser(withWhom);
      key = peer.key;
      if (!message || !between(message, session.key, key)) throw new ChatError('BAD_REQUEST', `no message ${id} between you and ${peer.name}`);
      conversation = peer.name;
    }
    const held = await this.ctx.store.setReadMarker(session.key, key, id);
    this.ctx.delivery.deliver({ kind: 'read', conversation, id: held }, [], [session.key], session);
    return { conversation, id: held };
  }

  /**
   * The read state of every room the session is in and of the account's `limit` most recent direct
   * conversations (those DIRECTS lists). Each count is one range of an index, at most UNREAD_CAP
   * messages long. A guest has no markers: nothing is listed.
   */
  async unreads(session: Session, limit: number): Promise<UnreadCount[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new ChatError('BAD_REQUEST', 'limit must be 1..100');
    if (session.guest) return [];
    const store = this.ctx.store;
    const markers = new Map((await store.readMarkers(session.key)).map((m) => [m.conversation, m.id]));
    const out: UnreadCount[] = [];
    for (const room of [...session.rooms].sort().slice(0, UNREAD_ROOMS)) {
      const record = await store.getRoom(room);
      if (!record) continue;
      const read = markers.get(room) ?? 0;
      out.push(this.count(session, record.name, read, await store.roomHistory(room, { after: read, limit: UNREAD_CAP + 1 })));
    }
    for (const peer of peersOf(session.key, await store.recentDirect(session.key, limit))) {
      const read = markers.get(peer.key) ?? 0;
      out.push(this.count(session, peer.name, read, await store.dmHistory(session.key, peer.key, { after: read, limit: UNREAD_CAP + 1 })));
    }
    return out;
  }

  private count(session: Session, conversation: string, read: MessageId, newer: readonly ChatMessage[]): UnreadCount {
    let unread = 0;
    let mentioned = 0;
    for (const m of newer) {
      if (m.fromKey === session.key || unread >= UNREAD_CAP) continue;
      unread++;
      if (mentions(m.text, session.name)) mentioned++;
    }
    return { conversation, read, unread, mentions: mentioned };
  }
}

/** Is `m` a direct message between `me` and `peer` (either way; a note to oneself when they are one)? */
function between(m: ChatMessage, me: NameKey, peer: NameKey): boolean {
  return (m.fromKey === me && m.users.includes(peer)) || (m.fromKey === peer && m.users.includes(me));
}

/** The other users of each recent direct message, once each, with their display names. */
function peersOf(me: NameKey, recent: readonly ChatMessage[]): { key: NameKey; name: string }[] {
  const seen = new Map<NameKey, string>();
  for (const m of [...recent].reverse()) {
    if (m.fromKey !== me) {
      if (!seen.has(m.fromKey)) seen.set(m.fromKey, m.from);
      continue;
    }
    // The sender's display list holds the rooms too; its users come in the order of m.users.
    const names = m.to.filter((t) => !isRoomTarget(t));
    m.users.forEach((u, i) => {
      if (u !== me && !seen.has(u)) seen.set(u, names[i] ?? u);
    });
  }
  return [...seen].map(([key, name]) => ({ key, name }));
}
