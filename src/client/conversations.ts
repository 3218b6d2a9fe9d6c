// What a chat user interface shows, as a pure model: conversations (rooms and DMs) with their
// messages merged from live events, resume replays and history pages (each message once, in
// order, holes known), unread counts, one's own messages' delivery, members and presence, who is
// typing, and pending consent requests. Every change is an event applied by reduceChat, which
// returns a new model (or the same one when nothing changed), so UIs can render it directly.
import { displayKey } from '../vocabulary/names.js';
import { mentions } from '../vocabulary/words.js';
import type { PresenceEvent, WireFile, WireMember } from '../protocol/frames.js';
import { conversationsOf, dmRef, refForTargets, roomRef, type ConversationRef } from './conversation-keys.js';
import type { IncomingMessage } from './files.js';
import type { UnreadState } from './types.js';
import {
  acknowledge,
  addHole,
  changeMessage,
  coverRange,
  mergeMessages,
  newestId,
  oldestId,
  setDelivery,
  type Hole,
  type MessageChange,
  type ShownMessage,
} from './message-list.js';
import { TYPING_SHOWN_MS, type TypingUsers } from './typing.js';

export * from './typing.js';
export { conversationsOf, dmRef, historyTarget, parseTargets, refForTargets, roomRef, type ConversationKind, type ConversationRef } from './conversation-keys.js';
export { acknowledge, changeMessage, mergeMessages, newestId, oldestId, setDelivery, type Delivery, type Hole, type Merged, type MessageChange, type ShownMessage } from './message-list.js';

/** What is known about messages older than the oldest one loaded. */
export type OlderState = 'unknown' | 'more' | 'loading' | 'none';

export interface Conversation extends ConversationRef {
  topic: string;
  /** Rooms: their members. DMs: empty (see ChatModel.online for the participants). */
  members: readonly WireMember[];
  messages: readonly ShownMessage[];
  /** Holes between loaded messages, oldest first. */
  holes: readonly Hole[];
  older: OlderState;
  /** Messages up to this id have been seen. */
  readUpTo: number;
  /**
   * Others' messages not read yet: as the server counts them (docs/protocol.md §7.15), plus those
   * that arrived since while the conversation was not open and visible.
   */
  unread: number;
  /** Of those, the ones that mention this user's @name. */
  mentions: number;
  /** The read marker as the server holds it (0: none known). */
  serverRead: number;
  /** While open after unread messages: the "new messages" line goes after this id. */
  marker?: number;
  /** Who sent a typing notice here lately (see typingNow). */
  typing: TypingUsers;
}

export interface ConsentRequest {
  /** Who asks to send this user direct messages. */
  user: string;
  at: number;
}

export interface ChatModel {
  /** The logged-in user's display name ('' before login). */
  me: string;
  guest: boolean;
  conversations: Readonly<Record<string, Conversation>>;
  /** Key of the open conversation. */
  active?: string;
  consentRequests: readonly ConsentRequest[];
  /** Presence as far as known (from member lists and presence events), by user name key. */
  online: Readonly<Record<string, boolean>>;
  /** The UI is not seen (a background tab): the open conversation is not being read. */
  hidden?: boolean;
}

export type ChatAction =
  | { type: 'session'; me: string; guest: boolean }
  | { type: 'joined'; room: string; topic: string; members: readonly WireMember[]; history: readonly IncomingMessage[] }
  | { type: 'left'; room: string }
  /** A message as it happened: live, or replayed after a resume. */
  | { type: 'message'; message: IncomingMessage }
  /** A HISTORY page fetched for conversation `key`, with `before` (0: the newest page). */
  | { type: 'page'; key: string; before: number; messages: readonly IncomingMessage[]; more: boolean }
  /** The server did not replay the messages with since < id < until (GAP). */
  | { type: 'gap'; since: number; until: number }
  | { type: 'older-loading'; key: string }
  | { type: 'older-failed'; key: string }
  | { type: 'sending'; cid: string; to: readonly string[]; text: string; files: readonly WireFile[]; at: number; replyTo?: number }
  | { type: 'ack'; cid: string; id: number; at: number }
  | { type: 'send-failed'; cid: string; error: string }
  | { type: 'resending'; cid: string }
  | { type: 'topic'; room: string; topic: string }
  | { type: 'members'; room: string; members: readonly WireMember[] }
  | { type: 'presence'; room: string; user: string; event: PresenceEvent }
  /** A guest (or this user) took another nickname: it is the same member under its new name (protocol.md §7.1.1). */
  | { type: 'renamed'; user: string; name: string }
  /**
   * The newest message of each recent direct conversation (DIRECTS, protocol.md §7.5.1): lists
   * the conversations not shown yet, as history (read), so PageUp fetches the rest.
   */
  | { type: 'directs'; messages: readonly IncomingMessage[] }
  /** A typing notice: in `room`, or (room '') to this user directly; `now` is when it came. */
  | { type: 'typing'; room: string; user: string; now: number }
  | { type: 'open'; key: string | undefined }
  /** Opens the conversation for these targets ('#room', or users), creating it if need be. */
  | { type: 'open-with'; targets: readonly string[] }
  /** A stored message was edited, deleted or reacted to (docs/protocol.md §7.14). */
  | MessageChange
  | { type: 'consent-ask'; user: string; at: number }
  | { type: 'consent-answered'; user: string }
  /** The server's read state of conversations (UNREAD_LIST, protocol.md §7.15). */
  | { type: 'unreads'; states: readonly UnreadState[] }
  /** The read marker of conversation `with` ('#room' or a user) is `id` on the server. */
  | { type: 'read'; with: string; id: number }
  /** The UI is seen, or not: only a seen open conversation is read. */
  | { type: 'visibility'; visible: boolean };

export const EMPTY_CHAT: ChatModel = { me: '', guest: false, conversations: {}, consentRequests: [], online: {} };

/** Messages kept per conversation; older ones are dropped (and can be fetched again). */
export const MAX_KEPT = 5000;

export function newConversation(ref: ConversationRef): Conversation {
  return { ...ref, topic: '', members: [], messages: [], holes: [], older: 'unknown', readUpTo: 0, unread: 0, mentions: 0, serverRead: 0, typing: {} };
}

export function reduceChat(model: ChatModel, event: ChatAction): ChatModel {
  switch (event.type) {
    case 'session':
      // Another user starts from nothing; the same user (a resume, a new login) keeps it all.
      if (displayKey(event.me) === displayKey(model.me)) return { ...model, me: event.me, guest: event.guest };
      return { ...EMPTY_CHAT, me: event.me, guest: event.guest };
    case 'joined':
      return joined(model, event);
    case 'left': {
      const key = displayKey(event.room);
      if (!model.conversations[key]) return model;
      const conversations = { ...model.conversations };
      delete conversations[key];
      return { ...model, conversations, ...(model.active === key ? { active: undefined } : {}) };
    }
    case 'message': {
      const m = event.message;
      let next = model;
      for (const ref of conversationsOf(m.from, m.to, model.me)) {
        const conv = withoutTyping(next.conversations[ref.key] ?? newConversation(ref), m.from);
        next = put(next, addAsLive(conv, [shownOf(m, model.me)], next));
      }
      return next;
    }
    case 'directs': {
      let next = model;
      for (const m of event.messages) {
        for (const ref of conversationsOf(m.from, m.to, model.me)) {
          // A conversation already shown has what it needs: live messages are newer than these.
          if (ref.kind !== 'dm' || next.conversations[ref.key]) continue;
          const conv = newConversation(ref);
          next = put(next, { ...conv, messages: [shownOf(m, model.me)], readUpTo: m.id });
        }
      }
      return next;
    }
    case 'typing': {
      if (displayKey(event.user) === displayKey(model.me)) return model;
      const key = event.room === '' ? dmRef([event.user], model.me).key : displayKey(event.room);
      const conv = model.conversations[key];
      if (!conv) return model;
      return put(model, { ...conv, typing: { ...conv.typing, [displayKey(event.user)]: { name: event.user, until: event.now + TYPING_SHOWN_MS } } });
    }
    case 'page':
      return page(model, event);
    case 'gap':
      return mapConversations(model, (c) => {
        if (c.messages.some((m) => m.id > 0 && m.id <= event.since)) return { ...c, holes: addHole(c.holes, { after: event.since, before: event.until }) };
        // Nothing loaded below the hole: it is simply older history.
        return c.older === 'none' ? { ...c, older: 'more' } : c;
      });
    case 'older-loading':
    case 'older-failed': {
      const conv = model.conversations[event.key];
      if (!conv) return model;
      if (event.type === 'older-loading') return put(model, { ...conv, older: 'loading' });
      return conv.older === 'loading' ? put(model, { ...conv, older: 'unknown' }) : model;
    }
    case 'sending': {
      const item: ShownMessage = {
        id: 0, cid: event.cid, at: event.at, from: model.me, to: event.to, text: event.text, files: event.files, own: true, delivery: 'sending',
        ...(event.replyTo ? { replyTo: event.replyTo } : {}),
      };
      let next = model;
      for (const ref of conversationsOf(model.me, event.to, model.me)) {
        const conv = next.conversations[ref.key] ?? newConversation(ref);
        next = put(next, { ...conv, messages: mergeMessages(conv.messages, [item]).messages });
      }
      return next;
    }
    case 'ack':
      return mapConversations(model, (c) => {
        const messages = acknowledge(c.messages, event.cid, event.id, event.at);
        if (messages === c.messages) return c;
        return isRead(model, c.key) ? { ...c, messages, readUpTo: Math.max(c.readUpTo, event.id) } : { ...c, messages };
      });
    case 'send-failed':
    case 'resending':
      return mapConversations(model, (c) => {
        const messages =
          event.type === 'send-failed' ? setDelivery(c.messages, event.cid, 'failed', event.error) : setDelivery(c.messages, event.cid, 'sending');
        return messages === c.messages ? c : { ...c, messages };
      });
    case 'topic': {
      const conv = model.conversations[displayKey(event.room)];
      return conv && conv.topic !== event.topic ? put(model, { ...conv, topic: event.topic }) : model;
    }
    case 'members': {
      const conv = model.conversations[displayKey(event.room)];
      return conv ? withPresenceOf(put(model, { ...conv, members: event.members }), event.members) : model;
    }
    case 'presence':
      return presence(model, event.room, event.user, event.event);
    case 'renamed':
      return renamed(model, event.user, event.name);
    case 'open':
      return open(model, event.key);
    case 'open-with': {
      const ref = refForTargets(event.targets, model.me);
      return open(model.conversations[ref.key] ? model : put(model, newConversation(ref)), ref.key);
    }
    case 'edited':
    case 'deleted':
    case 'reacted':
      // Ids are unique on the server: the message is in whichever conversations show it.
      return mapConversations(model, (c) => {
        const messages = changeMessage(c.messages, event);
        return messages === c.messages ? c : { ...c, messages };
      });
    case 'consent-ask':
      if (model.consentRequests.some((r) => displayKey(r.user) === displayKey(event.user))) return model;
      return { ...model, consentRequests: [...model.consentRequests, { user: event.user, at: event.at }] };
    case 'unreads':
      return event.states.reduce(unreadState, model);
    case 'read':
      return readElsewhere(model, event.with, event.id);
    case 'visibility': {
      if (model.hidden === !event.visible) return model;
      const shown = { ...model, hidden: !event.visible };
      if (!event.visible || shown.active === undefined) return shown;
      const conv = shown.conversations[shown.active];
      return conv ? put(shown, readNow(conv)) : shown;
    }
    case 'consent-answered': {
      const left = model.consentRequests.filter((r) => displayKey(r.user) !== displayKey(event.user));
      return left.length === model.consentRequests.length ? model : { ...model, consentRequests: left };
    }
  }
}

// ---- events ----

function joined(model: ChatModel, event: Extract<ChatAction, { type: 'joined' }>): ChatModel {
  const ref = roomRef(event.room);
  const existing = model.conversations[ref.key];
  const history = event.history.map((m) => shownOf(m, model.me));
  let conv: Conversation;
  if (!existing) {
    // A room joined now: its past is shown as read.
    const messages = mergeMessages([], history).messages;
    conv = { ...newConversation(ref), topic: event.topic, members: event.members, messages, readUpTo: newestId(messages), older: history.length === 0 ? 'none' : 'unknown' };
  } else {
    // Joined again (after a reconnect): what was missed counts as unread, and if the room's
    // latest messages do not reach back to what was loaded, the messages between are a hole.
    const loadedUpTo = newestId(existing.messages);
    const firstNew = history.reduce((min, m) => (m.id > loadedUpTo && m.id < min ? m.id : min), Infinity);
    const holes = loadedUpTo > 0 && firstNew !== Infinity ? addHole(existing.holes, { after: loadedUpTo, before: firstNew }) : existing.holes;
    conv = addAsLive({ ...existing, name: event.room, targets: ref.targets, topic: event.topic, members: event.members, holes }, history, model);
  }
  return withPresenceOf(put(model, conv), event.members);
}

function page(model: ChatModel, event: Extract<ChatAction, { type: 'page' }>): ChatModel {
  const conv = model.conversations[event.key];
  if (!conv) return model;
  // A page of a DM with one participant also holds that user's group messages: keep ours.
  const mine = event.messages.filter((m) => conversationsOf(m.from, m.to, model.me).some((r) => r.key === conv.key));
  const oldestBefore = oldestId(conv.messages);
  const { messages, added } = mergeMessages(conv.messages, mine.map((m) => shownOf(m, model.me)));
  // The page holds every message of [its first id, before); with no more, every one below `before`.
  const from = event.more ? (event.messages[0]?.id ?? event.before) : 0;
  const holes = coverRange(conv.holes, from, event.before === 0 ? Infinity : event.before);
  const reachedBack = event.before === 0 || oldestBefore === 0 || event.before <= oldestBefore;
  const older: OlderState = reachedBack ? (event.more ? 'more' : 'none') : conv.older;
  let { readUpTo, unread } = conv;
  if (conv.messages.length === 0) {
    readUpTo = Math.max(readUpTo, newestId(messages));
  } else {
    // Messages filling a hole were missed; older ones were never news.
    for (const m of added) if (m.id > oldestBefore && m.id > readUpTo && !m.own && !isRead(model, conv.key)) unread++;
    if (isRead(model, conv.key)) readUpTo = Math.max(readUpTo, newestId(messages));
  }
  return put(model, { ...conv, messages, holes, older, readUpTo, unread });
}

/** Messages as they happened: read at once in the open conversation while seen, unread elsewhere. */
function addAsLive(conv: Conversation, items: readonly ShownMessage[], model: ChatModel): Conversation {
  const { messages, added } = mergeMessages(conv.messages, items);
  if (messages === conv.messages) return conv;
  const isOpen = isRead(model, conv.key);
  let { readUpTo, unread, mentions: mentioned } = conv;
  for (const m of added) {
    if (m.id === 0 || m.id <= readUpTo) continue;
    if (isOpen) readUpTo = m.id;
    else if (!m.own) {
      unread++;
      if (mentions(m.text, model.me)) mentioned++;
    }
  }
  return trimmed({ ...conv, messages, readUpTo, unread, mentions: mentioned });
}

/** Is conversation `key` being read: open, and the UI seen? */
function isRead(model: ChatModel, key: string): boolean {
  return model.active === key && !model.hidden;
}

/** The conversation a read marker's `with` names, as this user sees it. */
function refOfMarker(withWhom: string, me: string): ConversationRef {
  return withWhom.startsWith('#') ? roomRef(withWhom) : dmRef([withWhom], me);
}

/** The server's count replaces the one made here: it knows what was read on other devices. */
function unreadState(model: ChatModel, s: UnreadState): ChatModel {
  const ref = refOfMarker(s.with, model.me);
  const conv = model.conversations[ref.key] ?? newConversation(ref);
  const serverRead = Math.max(conv.serverRead, s.read);
  if (isRead(model, conv.key)) return put(model, { ...readNow(conv), serverRead });
  const readUpTo = s.unread > 0 ? s.read : Math.max(conv.readUpTo, s.read, newestId(conv.messages));
  return put(model, { ...conv, serverRead, readUpTo, unread: s.unread, mentions: s.mentions });
}

/** Read up to `id` on some device: what is loaded after it is all that can still be unread. */
function readElsewhere(model: ChatModel, withWhom: string, id: number): ChatModel {
  const conv = model.conversations[refOfMarker(withWhom, model.me).key];
  if (!conv) return model;
  const serverRead = Math.max(conv.serverRead, id);
  if (id <= conv.readUpTo) return serverRead === conv.serverRead ? model : put(model, { ...conv, serverRead });
  const after = conv.messages.filter((m) => m.id > id && !m.own);
  const stillMentions = after.filter((m) => mentions(m.text, model.me)).length;
  return put(model, {
    ...conv,
    serverRead,
    readUpTo: id,
    unread: Math.min(conv.unread, after.length),
    mentions: Math.min(conv.mentions, stillMentions),
  });
}

/** The conversation as it is once read: nothing unread, the "new messages" line where reading began. */
function readNow(conv: Conversation): Conversation {
  const opened: Conversation = { ...conv, unread: 0, mentions: 0, readUpTo: Math.max(conv.readUpTo, newestId(conv.messages)) };
  if (conv.unread > 0) opened.marker = conv.readUpTo;
  return opened;
}

/** Keeps at most MAX_KEPT stored messages, dropping the oldest (they can be fetched again). */
function trimmed(conv: Conversation): Conversation {
  const stored = conv.messages.filter((m) => m.id > 0).length;
  if (stored <= MAX_KEPT) return conv;
  const messages = conv.messages.slice(stored - MAX_KEPT);
  const oldest = oldestId(messages);
  return { ...conv, messages, older: 'more', holes: conv.holes.filter((g) => g.after >= oldest) };
}

function open(model: ChatModel, key: string | undefined): ChatModel {
  let next = model;
  const previous = model.active !== undefined ? model.conversations[model.active] : undefined;
  if (previous && previous.key !== key && previous.marker !== undefined) {
    const { marker: _marker, ...rest } = previous;
    next = put(next, rest);
  }
  const conv = key !== undefined ? next.conversations[key] : undefined;
  if (!conv) return next.active === undefined ? next : { ...next, active: undefined };
  if (previous?.key === key) return next;
  // Opened in a UI not seen: read once it is (the 'visibility' event).
  if (model.hidden) return { ...next, active: key };
  const opened = readNow(conv);
  if (conv.unread === 0) delete opened.marker;
  return { ...put(next, opened), active: key };
}

function presence(model: ChatModel, room: string, user: string, event: PresenceEvent): ChatModel {
  const userKey = displayKey(user);
  if (event === 'online' || event === 'quit') {
    const online = event === 'online';
    const next = model.online[userKey] === online ? model : { ...model, online: { ...model.online, [userKey]: online } };
    return mapConversations(next, (c) => {
      if (!c.members.some((m) => displayKey(m.name) === userKey && m.online !== online)) return c;
      return { ...c, members: c.members.map((m) => (displayKey(m.name) === userKey ? { ...m, online } : m)) };
    });
  }
  const conv = model.conversations[displayKey(room)];
  if (!conv) return model;
  const has = conv.members.some((m) => displayKey(m.name) === userKey);
  if (event === 'join') {
    const members = has
      ? conv.members.map((m) => (displayKey(m.name) === userKey ? { ...m, online: true } : m))
      : [...conv.members, { name: user, online: true, operator: false }];
    return { ...put(model, { ...conv, members }), online: { ...model.online, [userKey]: true } };
  }
  return has ? put(model, { ...conv, members: conv.members.filter((m) => displayKey(m.name) !== userKey) }) : model;
}

/**
 * Member lists, presence, (for this user) `me`, and direct conversations follow a rename;
 * messages keep the name they were sent with.
 */
function renamed(model: ChatModel, user: string, name: string): ChatModel {
  const oldKey = displayKey(user);
  const online = { ...model.online };
  const was = online[oldKey];
  delete online[oldKey];
  if (was !== undefined) online[displayKey(name)] = was;
  const next = { ...model, online, me: displayKey(model.me) === oldKey ? name : model.me };
  const withMembers = mapConversations(next, (c) => {
    if (!c.members.some((m) => displayKey(m.name) === oldKey)) return c;
    return { ...c, members: c.members.map((m) => (displayKey(m.name) === oldKey ? { ...m, name } : m)) };
  });
  return moveDirect(withMembers, oldKey, name);
}

/**
 * The direct conversations with a renamed user are filed under its new name: what is typed there
 * goes to that user, not to whoever takes the old nickname next. A conversation already under the
 * new name was with an earlier holder of that nickname, who is gone (a live one would have kept
 * it, §7.1.1): the renamed user's replaces it, as the name now means the renamed user.
 */
function moveDirect(model: ChatModel, oldKey: string, name: string): ChatModel {
  let conversations: Record<string, Conversation> | undefined;
  let active = model.active;
  for (const c of Object.values(model.conversations)) {
    if (c.kind !== 'dm' || !c.targets.some((t) => displayKey(t) === oldKey)) continue;
    const ref = dmRef(c.targets.map((t) => (displayKey(t) === oldKey ? name : t)), model.me);
    conversations ??= { ...model.conversations };
    if (ref.key !== c.key) {
      delete conversations[c.key];
      if (active === c.key) active = ref.key;
    }
    conversations[ref.key] = { ...c, ...ref };
  }
  if (!conversations) return model;
  return { ...model, conversations, ...(active !== model.active ? { active } : {}) };
}

// ---- helpers ----

export function shownOf(m: IncomingMessage, me: string): ShownMessage {
  const own = me !== '' && displayKey(m.from) === displayKey(me);
  return {
    id: m.id,
    cid: m.cid,
    at: m.at,
    from: m.from,
    to: m.to,
    text: m.text,
    files: m.files ?? [],
    own,
    ...(own ? { delivery: 'acknowledged' as const } : {}),
    ...(m.replyTo !== undefined ? { replyTo: m.replyTo } : {}),
    ...(m.editedAt !== undefined ? { editedAt: m.editedAt } : {}),
    ...(m.deleted ? { deleted: m.deleted } : {}),
    ...(m.reactions ? { reactions: m.reactions } : {}),
  };
}

/** A message from `user` ends their typing notice in that conversation. */
function withoutTyping(conv: Conversation, user: string): Conversation {
  const key = displayKey(user);
  if (!(key in conv.typing)) return conv;
  const typing = { ...conv.typing };
  delete typing[key];
  return { ...conv, typing };
}

function put(model: ChatModel, conv: Conversation): ChatModel {
  if (model.conversations[conv.key] === conv) return model;
  return { ...model, conversations: { ...model.conversations, [conv.key]: conv } };
}

function mapConversations(model: ChatModel, f: (c: Conversation) => Conversation): ChatModel {
  let changed = false;
  const conversations: Record<string, Conversation> = {};
  for (const [key, c] of Object.entries(model.conversations)) {
    const next = f(c);
    if (next !== c) changed = true;
    conversations[key] = next;
  }
  return changed ? { ...model, conversations } : model;
}

function withPresenceOf(model: ChatModel, members: readonly WireMember[]): ChatModel {
  if (members.every((m) => model.online[displayKey(m.name)] === m.online)) return model;
  const online = { ...model.online };
  for (const m of members) online[displayKey(m.name)] = m.online;
  return { ...model, online };
}

// ---- views ----

/** Rooms by name, then DM conversations with the latest activity first. */
export function sidebarOf(model: ChatModel): { rooms: Conversation[]; dms: Conversation[] } {
  const all = Object.values(model.conversations);
  const rooms = all.filter((c) => c.kind === 'room').sort((a, b) => a.key.localeCompare(b.key));
  const lastAt = (c: Conversation): number => c.messages.at(-1)?.at ?? 0;
  const dms = all.filter((c) => c.kind === 'dm').sort((a, b) => lastAt(b) - lastAt(a) || a.key.localeCompare(b.key));
  return { rooms, dms };
}

/** Conversations in sidebar order (for moving to the next or previous one). */
export function conversationOrder(model: ChatModel): string[] {
  const { rooms, dms } = sidebarOf(model);
  return [...rooms, ...dms].map((c) => c.key);
}

export function totalUnread(model: ChatModel): number {
  let n = 0;
  for (const c of Object.values(model.conversations)) n += c.unread;
  return n;
}

/** Index of the first message after the "new messages" line, or -1. */
export function markerIndex(conv: Conversation): number {
  const marker = conv.marker;
  if (marker === undefined) return -1;
  return conv.messages.findIndex((m) => m.id > marker && !m.own);
}

/** The conversation that writing to `targets` goes to, if it exists. */
export function conversationFor(model: ChatModel, targets: readonly string[]): Conversation | undefined {
  return model.conversations[refForTargets(targets, model.me).key];
}

/** Presence of `user` as far as known. */
export function isOnline(model: ChatModel, user: string): boolean | undefined {
  return model.online[displayKey(user)];
}

/** The DM conversation with exactly these people (oneself excluded). */
export function dmKey(people: readonly string[], me: string): string {
  return dmRef(people, me).key;
}
