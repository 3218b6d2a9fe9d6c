import type { NodeContext } from './context.js';
import { ChatError } from './errors.js';
import { isGuestKey, parseRoomName, parseUserName } from './names.js';
import { isRoomTarget } from '../vocabulary/names.js';
import type { Session } from './session.js';
import type { ChatMessage, FileRef, HistoryQuery, MessageId, NameKey } from './types.js';
import type { Consents } from './consent.js';
import type { Files } from './files.js';

/**
 * `replyTo`: the id of a message of the same (one) conversation this one answers; 0 or absent: none.
 * `notice`: the message is a notice (ChatMessage.notice).
 */
export interface SendRequest {
  cid: string; to: readonly string[]; text: string; files?: readonly string[]; replyTo?: MessageId; notice?: boolean;
  /** ChatMessage.clientTags: live only. */
  clientTags?: Readonly<Record<string, string>>;
}

/** What checks a reply's target, and what adds reactions to history (set by the node: message-edits.ts). */
export interface MessageState {
  replyTarget(session: Session, id: MessageId, to: { room?: NameKey; user?: NameKey }): Promise<MessageId>;
  withReactions(messages: ChatMessage[]): Promise<ChatMessage[]>;
}
export interface Page { messages: ChatMessage[]; more: boolean }

/** The rules of a room a message to it must pass: membership, closing, mutes, moderation (room-admin.ts). */
export interface RoomSendPolicy {
  checkSend(session: Session, room: NameKey, name: string): Promise<void>;
}

/** `mailbox`: ids of the replay that waited in the mailbox, to clear once the replay has left. */
export interface Missed { messages: ChatMessage[]; gap: { since: number; until: number } | undefined; mailbox: MessageId[] }

/**
 * A gateway's word that a slice of the mailbox has left for the client (as far as it can tell),
 * so the messages may leave the mailbox; rejects (or throws) when they did not.
 */
export type HandedOver = (ids: MessageId[]) => Promise<void>;

/** Mailbox messages handed over at a time: a slice is written out before the next is read. */
export const MAILBOX_SLICE = 64;

const MAX_CID_BYTES = 64;
/** Room names remembered at most; past it the memory starts over (rooms are few next to messages). */
const ROOM_NAMES_KEPT = 100_000;
const encoder = new TextEncoder();

interface ResolvedTargets { rooms: NameKey[]; users: NameKey[]; display: string[]; accounts: NameKey[] }

/** Sending, storing and delivering messages; history; the offline mailbox; resume. */
export class Messaging {
  /** Sends in flight by (sender key, cid): a resend while the first is being stored waits for it. */
  private readonly inFlight = new Map<string, Promise<ChatMessage>>();
  private readonly roomNames = new Map<NameKey, string>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly consents: Consents,
    private readonly rooms: RoomSendPolicy,
    private readonly files?: Files,
  ) {}

  /** Set by the node; without it a reply is refused and history carries no reactions. */
  state: MessageState | undefined;

  /** Resolves once the message is durable (with the stored message: the earlier one for a resend). */
  async send(session: Session, req: SendRequest): Promise<ChatMessage> {
    return (await this.submit(session, req)).durable;
  }

  /**
   * Validates and queues the message for storage. The outer promise resolves when the message has
   * its place in the store's queue, so a gateway can read the client's next frame at once while
   * `durable` waits for the commit: acks then still go out in order, one commit for many sends.
   */
  async submit(session: Session, req: SendRequest): Promise<{ durable: Promise<ChatMessage> }> {
    const now = this.ctx.now();
    if (!session.bucket.take(now)) throw new ChatError('RATE_LIMITED', 'too many messages; slow down');
    checkMessageText(this.ctx.settings.maxTextBytes, req.text, (req.files?.length ?? 0) > 0);
    if (req.replyTo !== undefined && req.replyTo !== 0 && req.to.length !== 1) throw new ChatError('BAD_REQUEST', 'a reply goes to one conversation');
    if (encoder.encode(req.cid).length > MAX_CID_BYTES) throw new ChatError('BAD_REQUEST', 'client message id too long');
    if (req.to.length === 0) throw new ChatError('NO_TARGETS', 'a message needs at least one target');
    if (req.to.length > this.ctx.settings.maxTargets) {
      throw new ChatError('TOO_MANY_TARGETS', `at most ${this.ctx.settings.maxTargets} targets`);
    }
    if (req.cid === '') return this.queueForStorage(session, req, now);
    const flightKey = `${session.key}\u0000${req.cid}`;
    const pending = this.inFlight.get(flightKey);
    if (pending) return { durable: pending };
    let queued: { durable: Promise<ChatMessage> };
    try {
      // A resend of a stored message is found by the append itself (the store keeps one message
      // per sender and client id), so the usual send costs no read for it.
      queued = await this.queueForStorage(session, req, now);
    } catch (err) {
      // ...but a resend the targets now refuse (the sender left the room since) is still the
      // stored message, not an error.
      const earlier = await this.ctx.store.findByClientId(session.key, req.cid);
      if (earlier) return { durable: Promise.resolve(earlier) };
      throw err;
    }
    const { durable } = queued;
    this.inFlight.set(flightKey, durable);
    const forget = (): void => { this.inFlight.delete(flightKey); };
    durable.then(forget, forget);
    return { durable };
  }

  /** Resolves targets, then queues the append; the returned promise settles at commit. */
  private async queueForStorage(session: Session, req: SendRequest, now: number): Promise<{ durable: Promise<ChatMessage> }> {
    const t = await this.resolve(session, req.to);
    const files = req.files && req.files.length > 0 ? await this.attachments(req.files) : undefined;
    const replyTo = req.replyTo ? await this.replyTarget(session, req.replyTo, t) : undefined;
    const id = this.ctx.ids.next(now);
    // Until its message is published (or failed), the resume watermark stays below this id.
    this.ctx.delivery.assigned(id);
    try {
      const { durable } = await this.append(session, t, id, now, req, files, replyTo);
      return { durable: durable.finally(() => this.ctx.delivery.settled(id)) };
    } catch (err) {
      this.ctx.delivery.settled(id);
      throw err;
    }
  }

  /** Queues the append (resolves once queued); the inner promise settles at commit, after delivery. */
  private async append(
    session: Session, t: ResolvedTargets, id: MessageId, now: number, req: SendRequest, files: ChatMessage['files'], replyTo: MessageId | undefined,
  ): Promise<{ durable: Promise<ChatMessage> }> {
    const message: ChatMessage = {
      id,
      at: now,
      from: session.name,
      fromKey: session.key,
      guest: session.guest,
      text: req.text,
      rooms: t.rooms,
      users: t.users,
      to: t.display,
      clientId: req.cid,
      ...(files ? { files } : {}),
      ...(replyTo !== undefined ? { replyTo } : {}),
      ...(req.notice === true ? { notice: true as const } : {}),
      ...(req.clientTags && Object.keys(req.clientTags).length > 0 ? { clientTags: { ...req.clientTags } } : {}),
    };
    const mailboxFor: NameKey[] = [];
    for (const key of t.accounts) if (key !== session.key && !(await this.ctx.delivery.receivesLive(key))) mailboxFor.push(key);
    // The sender's other devices receive it too: they are sessions of the sender's key. (In a
    // room they are members already: a room message needs no extra channel for them.)
    const users = t.users.length === 0 || t.users.includes(session.key) ? t.users : [...t.users, session.key];
    const durable = this.ctx.store.append(message, mailboxFor).then((stored) => {
      if (stored.id !== message.id) return stored; // a duplicate that raced into the same batch
      this.ctx.observer.messageStored?.();
      this.ctx.delivery.deliver({ kind: 'message', message }, t.rooms, users, session);
      return message;
    });
    return { durable };
  }

  /** The checked target of a reply: a message of the one conversation the SEND goes to. */
  private replyTarget(session: Session, id: MessageId, t: ResolvedTargets): Promise<MessageId> {
    if (!this.state) throw new ChatError('BAD_REQUEST', 'this server takes no replies');
    return this.state.replyTarget(session, id, t.rooms.length === 1 ? { room: t.rooms[0] } : { user: t.users[0] });
  }

  /**
   * A room's display name, or undefined when there is no such room. Rooms are never deleted or
   * renamed, so a room once found is remembered: a message to a room then costs no store read.
   */
  private async roomName(key: NameKey): Promise<string | undefined> {
    const known = this.roomNames.get(key);
    if (known !== undefined) return known;
    const room = await this.ctx.store.getRoom(key);
    if (!room) return undefined;
    if (this.roomNames.size >= ROOM_NAMES_KEPT) this.roomNames.clear();
    this.roomNames.set(key, room.name);
    return room.name;
  }

  private async resolve(session: Session, targets: readonly string[]): Promise<ResolvedTargets> {
    const rooms: NameKey[] = [];
    const users: NameKey[] = [];
    const display: string[] = [];
    const accounts: NameKey[] = [];
    for (const raw of targets) {
      if (isRoomTarget(raw)) {
        const { key } = parseRoomName(raw);
        if (rooms.includes(key)) continue;
        const name = await this.roomName(key);
        if (name === undefined) throw new ChatError('NO_SUCH_ROOM', `no such room: ${raw}`);
        await this.rooms.checkSend(session, key, name);
        rooms.push(key);
        display.push(name);
      } else {
        const who = await this.resolveUser(raw);
        if (users.includes(who.key)) continue;
        if (who.key !== session.key) await this.consents.checkDm(session, who.key, who.name, who.consent);
        users.push(who.key);
        display.push(who.name);
        if (who.account) accounts.push(who.key);
      }
    }
    return { rooms, users, display, accounts };
  }

  /** A user target: a registered account, else a live guest of that nickname. */
  async resolveUser(raw: string): Promise<{ key: NameKey; name: string; account: boolean; consent: boolean }> {
    let parsed;
    try {
      parsed = parseUserName(raw);
    } catch {
      throw new ChatError('NO_SUCH_USER', `no such user: ${raw.slice(0, 40)}`);
    }
    const account = await this.ctx.store.getAccount(parsed.key);
    if (account) return { key: account.key, name: account.name, account: true, consent: account.dmPolicy === 'consent' };
    const guest = this.ctx.delivery.guestHolding(parsed.key);
    if (guest) return { key: guest.key, name: guest.name, account: false, consent: guest.guestDmPolicy === 'consent' };
    // A guest on another node of the cluster.
    const remote = await this.ctx.presence.nickHolder(parsed.key);
    if (remote && isGuestKey(remote.key)) return { key: remote.key, name: remote.name, account: false, consent: remote.consent };
    throw new ChatError('NO_SUCH_USER', `no such user: ${raw}`);
  }

  async history(session: Session, withWhom: string, q: HistoryQuery): Promise<Page> {
    if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > 100) throw new ChatError('BAD_REQUEST', 'limit must be 1..100');
    const probe = { ...q, limit: q.limit + 1 };
    let rows: ChatMessage[];
    if (isRoomTarget(withWhom)) {
      const { key } = parseRoomName(withWhom);
      const room = await this.ctx.store.getRoom(key);
      if (!room) throw new ChatError('NO_SUCH_ROOM', `no such room: ${withWhom}`);
      // A room's history is for its members, as writing to it is (docs/protocol.md §13.11).
      if (!session.rooms.has(key)) throw new ChatError('NOT_MEMBER', `not a member of ${room.name}`);
      rows = await this.ctx.store.roomHistory(key, probe);
    } else {
      const peer = await this.peerKey(withWhom);
      // A guest key is one guest's own (names.ts guestKey): its conversations hold nobody else's.
      rows = peer === undefined ? [] : await this.ctx.store.dmHistory(session.key, peer, probe);
    }
    const more = rows.length > q.limit;
    // Pages going back drop the oldest extra row; pages going forward drop the newest.
    const messages = !more ? rows : q.after !== undefined && q.before === undefined ? rows.slice(0, q.limit) : rows.slice(1);
    return { messages: this.state ? await this.state.withReactions(messages) : messages, more };
  }

  /** The newest message of each of the user's most recent direct conversations (Store.recentDirect). */
  async recentDirect(session: Session, limit: number): Promise<ChatMessage[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new ChatError('BAD_REQUEST', 'limit must be 1..100');
    return this.ctx.store.recentDirect(session.key, limit);
  }

  /**
   * Whom a user name means in HISTORY: the account, else the guest that holds the nickname now.
   * Undefined for a nickname nobody holds: it names no one, not whoever used it last (§7.5).
   */
  private async peerKey(raw: string): Promise<NameKey | undefined> {
    const { key } = parseUserName(raw);
    const account = await this.ctx.store.getAccount(key);
    if (account) return account.key;
    const local = this.ctx.delivery.guestHolding(key)?.key;
    if (local) return local;
    const remote = await this.ctx.presence.nickHolder(key);
    return remote && isGuestKey(remote.key) ? remote.key : undefined;
  }

  /**
   * Hands the DMs that waited while the user had no live session to `deliver`, oldest first, a
   * slice at a time; after each slice it waits for `handedOver`, which decides when they leave the
   * mailbox (docs/protocol.md §7.4: at least once). Nothing is cleared here: a slice whose
   * delivery throws, or whose handover fails, stays for next time, and so does the rest. Resolves
   * with the number of messages handed over.
   */
  async takeMailbox(session: Session, deliver: (m: ChatMessage) => void, handedOver: HandedOver): Promise<number> {
    if (session.guest) return 0;
    let total = 0;
    let after = 0;
    for (;;) {
      const slice = await this.ctx.store.mailbox(session.key, MAILBOX_SLICE, after);
      if (slice.length === 0) return total;
      for (const m of slice) deliver(m);
      const ids = slice.map((m) => m.id);
      await handedOver(ids);
      total += slice.length;
      after = ids[ids.length - 1];
    }
  }

  /** The user's client has these mailbox messages: they leave the mailbox. */
  async clearMailbox(session: Session, ids: MessageId[]): Promise<void> {
    if (session.guest || ids.length === 0) return;
    await this.ctx.store.clearMailbox(session.key, ids);
  }

  /**
   * What a resuming session missed since `asked`, bounded by resumeLimit. A guest missed nothing
   * from before it began, whatever its client says.
   */
  async missed(session: Session, asked: number): Promise<Missed> {
    const limit = this.ctx.settings.resumeLimit;
    const since = Math.max(asked, session.startId - 1);
    const rows = await this.ctx.store.missedSince(session.key, [...session.rooms], since, limit + 1);
    const waiting = session.guest ? [] : await this.ctx.store.mailbox(session.key, limit + 1);
    const byId = new Map<number, ChatMessage>();
    for (const m of rows) byId.set(m.id, m);
    for (const m of waiting) byId.set(m.id, m);
    const all = [...byId.values()].sort((a, b) => a.id - b.id);
    // The caller clears these once the replay has left (clearMailbox): those beyond the replay too,
    // as the gap tells the client to page back for them.
    const mailbox = waiting.map((m) => m.id);
    if (all.length <= limit) return { messages: all, gap: undefined, mailbox };
    // Too much to replay: hand over the newest `limit` and tell the client to page back for the rest.
    const kept = all.slice(all.length - limit);
    return { messages: kept, gap: { since, until: kept[0].id }, mailbox };
  }

  private attachments(ids: readonly string[]): Promise<FileRef[]> {
    if (!this.files) throw new ChatError('NO_SUCH_FILE', 'this server does not keep files');
    return this.files.refs(ids);
  }

}

/** A message's text, sent or edited; one that carries files may have none. */
export function checkMessageText(maxBytes: number, text: string, hasFiles: boolean): void {
  if (!hasFiles && text.trim().length === 0) throw new ChatError('EMPTY_MESSAGE', 'empty message');
  if (encoder.encode(text).length > maxBytes) throw new ChatError('MESSAGE_TOO_LONG', `message longer than ${maxBytes} bytes`);
}
