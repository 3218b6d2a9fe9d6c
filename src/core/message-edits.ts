import type { Audit } from './audit.js';
import type { NodeContext } from './context.js';
import { ChatError } from './errors.js';
import type { Moderation } from './moderation.js';
import { checkMessageText } from './messaging.js';
import { TokenBucket } from './rate-limit.js';
import type { Session } from './session.js';
import type { ChatMessage, MessageId, NameKey, ReactionGroup } from './types.js';

/** Bounds of edits and reactions (docs/protocol.md §7.14). */
export interface EditLimits {
  /** Edits per minute of one user (account or guest), with a burst. */
  editsPerMinute: number;
  editBurst: number;
  /** Distinct emoji on one message. */
  emojiPerMessage: number;
  /** Reactions of one user on one message. */
  reactionsPerUser: number;
}

export const defaultEditLimits: EditLimits = { editsPerMinute: 10, editBurst: 5, emojiPerMessage: 20, reactionsPerUser: 3 };

/** Bytes of UTF-8 in one emoji: room for the longest sequences joined by U+200D. */
export const MAX_EMOJI_BYTES = 32;
/** Names listed per emoji in history; the count says how many reacted in all. */
export const REACTORS_LISTED = 10;
/** Users whose edit buckets are kept at most; past it they start over (a bucket refills in a minute anyway). */
const BUCKETS_KEPT = 50_000;

// Control, separator, surrogate, private-use and unassigned characters; format characters other
// than the zero-width joiner that binds emoji sequences.
const NOT_IN_EMOJI = /[\p{Cc}\p{Z}\p{Cs}\p{Co}\p{Cn}]|(?!\u200d)\p{Cf}/u;
const encoder = new TextEncoder();

/**
 * Editing, deleting and reacting to stored messages. Rules live here: who may act on which
 * message, and how much. The store changes the message's row; everyone who can read the
 * conversation now hears of it.
 */
export class MessageEdits {
  private readonly editBuckets = new Map<NameKey, TokenBucket>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly moderation: Moderation,
    private readonly limits: EditLimits = defaultEditLimits,
    private readonly audit?: Audit,
  ) {}

  /** Its author replaces a message's text. */
  async edit(session: Session, id: MessageId, text: string): Promise<void> {
    checkMessageText(this.ctx.settings.maxTextBytes, text, false);
    const m = await this.readable(session, id);
    if (m.fromKey !== session.key) throw new ChatError('NOT_AUTHOR', 'only its author edits a message');
    if (m.deleted) throw new ChatError('MESSAGE_DELETED', 'the message is deleted');
    this.chargeEdit(session.key);
    const at = this.ctx.now();
    if (!(await this.ctx.store.editMessage(id, text, at))) throw new ChatError('MESSAGE_DELETED', 'the message is deleted');
    this.tell(m, { kind: 'edit', id, text, by: session.name, at }, session);
  }

  /** Its author, an operator of its room ranking above the author, or a server admin deletes a message. */
  async delete(session: Session, id: MessageId): Promise<void> {
    const m = await this.ctx.store.getMessage(id);
    const admin = !session.guest && (await this.ctx.store.getAccount(session.key))?.admin === true;
    if (!m || (!admin && !canRead(session, m))) throw new ChatError('NO_SUCH_MESSAGE', `no message ${id}`);
    if (!admin && m.fromKey !== session.key) await this.checkModerator(session, m);
    if (m.deleted) throw new ChatError('MESSAGE_DELETED', 'the message is deleted already');
    const at = this.ctx.now();
    if (!(await this.ctx.store.deleteMessage(id, session.name, at))) throw new ChatError('MESSAGE_DELETED', 'the message is deleted already');
    // Someone else's message taken away is a moderation action (§7.18); one's own is not.
    if (m.fromKey !== session.key) await this.audit?.record(session, 'delete', m.rooms[0] ?? '', m.from, `message ${id}`);
    this.tell(m, { kind: 'delete', id, by: session.name, at }, session);
  }

  /** Adds (on) or takes back the session's user's reaction to a message it can read. */
  async react(session: Session, id: MessageId, emoji: string, on: boolean): Promise<void> {
    checkEmoji(emoji);
    const m = await this.readable(session, id);
    if (m.deleted) throw new ChatError('MESSAGE_DELETED', 'the message is deleted');
    if (on) {
      // Two reactions at once may both pass this count: the bounds hold to within a reaction or two.
      const present = await this.ctx.store.reactions([id]);
      if (present.some((r) => r.emoji === emoji && r.user === session.key)) return;
      if (present.filter((r) => r.user === session.key).length >= this.limits.reactionsPerUser) {
        throw new ChatError('TOO_MANY_REACTIONS', `at most ${this.limits.reactionsPerUser} reactions of yours on one message`);
      }
      const emojis = new Set(present.map((r) => r.emoji));
      if (!emojis.has(emoji) && emojis.size >= this.limits.emojiPerMessage) {
        throw new ChatError('TOO_MANY_REACTIONS', `at most ${this.limits.emojiPerMessage} different reactions on one message`);
      }
    }
    const changed = await this.ctx.store.setReaction({ message: id, emoji, user: session.key, name: session.name, at: this.ctx.now() }, on);
    if (changed) this.tell(m, { kind: 'react', id, emoji, user: session.name, on }, session);
  }

  /**
   * The message a SEND answers, checked: one the sender can read, not deleted, in the one
   * conversation the SEND goes to (`room`, or the direct conversation with `user`).
   */
  async replyTarget(session: Session, id: MessageId, to: { room?: NameKey; user?: NameKey }): Promise<MessageId> {
    const m = await this.readable(session, id);
    const me = session.key;
    const same = to.room !== undefined
      ? m.rooms.includes(to.room)
      : to.user !== undefined && ((m.fromKey === me && m.users.includes(to.user)) || (m.fromKey === to.user && m.users.includes(me)));
    if (!same) throw new ChatError('NO_SUCH_MESSAGE', `no message ${id} in this conversation`);
    if (m.deleted) throw new ChatError('MESSAGE_DELETED', 'the message is deleted');
    return id;
  }

  /** The messages with their reactions, as history shows them. */
  async withReactions(messages: ChatMessage[]): Promise<ChatMessage[]> {
    if (messages.length === 0) return messages;
    const groups = new Map<MessageId, ReactionGroup[]>();
    for (const r of await this.ctx.store.reactions(messages.map((m) => m.id))) {
      let list = groups.get(r.message);
      if (!list) groups.set(r.message, (list = []));
      let group = list.find((g) => g.emoji === r.emoji);
      if (!group) list.push((group = { emoji: r.emoji, count: 0, users: [] }));
      group.count++;
      if (group.users.length < REACTORS_LISTED) group.users.push(r.name);
    }
    for (const m of messages) {
      const list = groups.get(m.id);
      if (list) m.reactions = list;
    }
    return messages;
  }

  /** A message the session can read, or NO_SUCH_MESSAGE (which says nothing of one it cannot). */
  private async readable(session: Session, id: MessageId): Promise<ChatMessage> {
    const m = await this.ctx.store.getMessage(id);
    if (!m || !canRead(session, m)) throw new ChatError('NO_SUCH_MESSAGE', `no message ${id}`);
    return m;
  }

  private async checkModerator(session: Session, m: ChatMessage): Promise<void> {
    const mine = m.rooms.filter((r) => session.rooms.has(r));
    if (mine.length === 0) throw new ChatError('NOT_AUTHOR', 'only its author deletes a direct message');
    for (const key of mine) {
      const room = await this.ctx.store.getRoom(key);
      if (room && (await this.moderation.mayRemoveMessageOf(session, room, m.fromKey))) return;
    }
    throw new ChatError('NOT_OPERATOR', 'only its author, or an operator ranking above the author, deletes a message');
  }

  private chargeEdit(key: NameKey): void {
    const now = this.ctx.now();
    let bucket = this.editBuckets.get(key);
    if (!bucket) {
      if (this.editBuckets.size >= BUCKETS_KEPT) this.editBuckets.clear();
      bucket = new TokenBucket(this.limits.editsPerMinute / 60, this.limits.editBurst, now);
      this.editBuckets.set(key, bucket);
    }
    if (!bucket.take(now)) throw new ChatError('RATE_LIMITED', `at most ${this.limits.editsPerMinute} edits a minute`);
  }

  /** To everyone who can read the message's conversation now: its rooms, its direct parties, its author. */
  private tell(m: ChatMessage, event: Parameters<NodeContext['delivery']['deliver']>[0], actor: Session): void {
    const users = m.users.length === 0 || m.users.includes(m.fromKey) ? m.users : [...m.users, m.fromKey];
    this.ctx.delivery.deliver(event, m.rooms, users, actor);
  }
}

/** Its author, a party of a direct message, or a member now of one of its rooms. */
function canRead(session: Session, m: ChatMessage): boolean {
  return m.fromKey === session.key || m.users.includes(session.key) || m.rooms.some((r) => session.rooms.has(r));
}

function checkEmoji(emoji: string): void {
  const bytes = encoder.encode(emoji).length;
  if (bytes === 0 || bytes > MAX_EMOJI_BYTES || NOT_IN_EMOJI.test(emoji)) {
    throw new ChatError('BAD_EMOJI', `a reaction is one emoji of at most ${MAX_EMOJI_BYTES} bytes, without spaces or control characters`);
  }
}
