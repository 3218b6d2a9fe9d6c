// The chat as the web client shows it: conversations (rooms and DMs) with their messages,
// members, unread counts and typing users. Pure: every change is an action applied by chatReducer.
import { TYPING_SHOWN_MS, type IncomingMessage, type PresenceEvent, type TypingEntry, type WireFile, type WireMember } from '../sdk';
import { acknowledge, itemOf, mergeMessages, newestId, setDelivery, type MessageItem } from './messages';
import { isRoom, keyOf } from './names';
import { conversationsOf, type ConversationRef } from './routing';

/** What is known about messages older than those loaded. */
export type OlderState = 'unknown' | 'more' | 'loading' | 'none';

export interface Conversation {
  key: string;
  name: string;
  kind: 'room' | 'dm';
  topic: string;
  /** Rooms only. */
  members: readonly WireMember[];
  messages: readonly MessageItem[];
  /** Messages up to this id have been seen. */
  lastReadId: number;
  /** Messages from others that arrived while the conversation was not open. */
  unread: number;
  /** While open: the "new messages" marker goes before the first message after this id. */
  marker?: number;
  older: OlderState;
  /** By user key. */
  typing: Readonly<Record<string, TypingEntry>>;
}

export interface ChatState {
  /** The logged-in user's display name ('' before login). */
  me: string;
  conversations: Readonly<Record<string, Conversation>>;
  /** Key of the open conversation. */
  active?: string;
  /** Users asking for consent to send this user direct messages. */
  consentAsks: readonly string[];
}

export type ChatAction =
  | { type: 'session'; me: string }
  | { type: 'joined'; room: string; topic: string; members: readonly WireMember[]; history: readonly IncomingMessage[] }
  | { type: 'left'; room: string }
  | { type: 'message'; message: IncomingMessage }
  | { type: 'history'; with: string; messages: readonly IncomingMessage[]; more: boolean; direction: 'older' | 'newer' }
  /** The newest message of each recent direct conversation (protocol.md §7.5.1), as read. */
  | { type: 'directs'; messages: readonly IncomingMessage[] }
  | { type: 'older-loading'; key: string }
  | { type: 'older-failed'; key: string }
  | { type: 'sending'; cid: string; to: readonly string[]; text: string; files: readonly WireFile[]; at: number }
  | { type: 'ack'; cid: string; id: number; at: number }
  | { type: 'send-failed'; cid: string; error: string }
  | { type: 'resending'; cid: string }
  | { type: 'topic'; room: string; topic: string }
  | { type: 'members'; room: string; members: readonly WireMember[] }
  | { type: 'presence'; room: string; user: string; event: PresenceEvent }
  | { type: 'typing'; room: string; user: string; now: number }
  | { type: 'open'; key: string | undefined }
  | { type: 'open-dm'; user: string }
  | { type: 'consent-ask'; user: string }
  | { type: 'consent-answered'; user: string };

// Typing notices are the SDK's (src/client/typing.ts).
export { TYPING_SHOWN_MS, typingNow, type TypingEntry } from '../sdk';

export const EMPTY_CHAT: ChatState = { me: '', conversations: {}, consentAsks: [] };

export function newConversation(ref: ConversationRef): Conversation {
  return { key: ref.key, name: ref.name, kind: ref.kind, topic: '', members: [], messages: [], lastReadId: 0, unread: 0, older: 'unknown', typing: {} };
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'session':
      // Another user on this page starts from nothing; the same user (a resume) keeps it all.
      return keyOf(action.me) === keyOf(state.me) ? { ...state, me: action.me } : { ...EMPTY_CHAT, me: action.me };
    case 'joined': {
      const ref: ConversationRef = { key: keyOf(action.room), name: action.room, kind: 'room' };
      const existing = state.conversations[ref.key];
      const history = action.history.map((m) => itemOf(m, state.me));
      if (!existing) {
        // A room joined now: what it shows is its past, already read.
        const conv: Conversation = {
          ...newConversation(ref),
          topic: action.topic,
          members: action.members,
          messages: mergeMessages([], history).messages,
          lastReadId: newestId(history),
          older: history.length === 0 ? 'none' : 'unknown',
        };
        return withConversation(state, conv);
      }
      // Joined again (after a reconnect): fresh topic and members; messages missed count as unread.
      const updated = { ...existing, name: action.room, topic: action.topic, members: action.members };
      return withConversation(state, addLive(updated, history, state));
    }
    case 'left': {
      const key = keyOf(action.room);
      if (!state.conversations[key]) return state;
      const conversations = { ...state.conversations };
      delete conversations[key];
      return { ...state, conversations, ...(state.active === key ? { active: undefined } : {}) };
    }
    case 'message': {
      const m = action.message;
      const item = itemOf(m, state.me);
      let next = state;
      for (const ref of conversationsOf(m.from, m.to, state.me)) {
        const conv = next.conversations[ref.key] ?? newConversation(ref);
        const typing = { ...conv.typing };
        delete typing[keyOf(m.from)];
        next = withConversation(next, addLive({ ...conv, typing }, [item], next));
      }
      return next;
    }
    case 'history': {
      const ref = refOf(action.with);
      const conv = state.conversations[ref.key] ?? newConversation(ref);
      const items = action.messages.map((m) => itemOf(m, state.me));
      if (action.direction === 'newer') return withConversation(state, addLive(conv, items, state));
      const merged = mergeMessages(conv.messages, items).messages;
      const lastReadId = conv.messages.length === 0 && conv.lastReadId === 0 ? newestId(merged) : conv.lastReadId;
      return withConversation(state, { ...conv, messages: merged, lastReadId, older: action.more ? 'more' : 'none' });
    }
    case 'directs': {
      let next = state;
      for (const m of action.messages) {
        for (const ref of conversationsOf(m.from, m.to, state.me)) {
          // A conversation already shown has what it needs: live messages are newer than these.
          if (ref.kind !== 'dm' || next.conversations[ref.key]) continue;
          next = withConversation(next, { ...newConversation(ref), messages: [itemOf(m, state.me)], lastReadId: m.id });
        }
      }
      return next;
    }
    case 'older-loading':
    case 'older-failed': {
      const conv = state.conversations[action.key];
      if (!conv) return state;
      if (action.type === 'older-loading') return withConversation(state, { ...conv, older: 'loading' });
      return withConversation(state, { ...conv, older: conv.older === 'loading' ? 'unknown' : conv.older });
    }
    case 'sending': {
      const item: MessageItem = {
        id: 0, cid: action.cid, at: action.at, from: state.me, to: action.to, text: action.text, files: action.files, own: true, delivery: 'sending',
      };
      let next = state;
      for (const ref of conversationsOf(state.me, action.to, state.me)) {
        const conv = next.conversations[ref.key] ?? newConversation(ref);
        next = withConversation(next, { ...conv, messages: mergeMessages(conv.messages, [item]).messages });
      }
      return next;
    }
    case 'ack':
      return mapConversations(state, (c) => {
        const messages = acknowledge(c.messages, action.cid, action.id, action.at);
        if (messages === c.messages) return c;
        return state.active === c.key ? { ...c, messages, lastReadId: Math.max(c.lastReadId, action.id) } : { ...c, messages };
      });
    case 'send-failed':
    case 'resending':
      return mapConversations(state, (c) => {
        const messages =
          action.type === 'send-failed' ? setDelivery(c.messages, action.cid, 'failed', action.error) : setDelivery(c.messages, action.cid, 'sending');
        return messages === c.messages ? c : { ...c, messages };
      });
    case 'topic': {
      const conv = state.conversations[keyOf(action.room)];
      return conv ? withConversation(state, { ...conv, topic: action.topic }) : state;
    }
    case 'members': {
      const conv = state.conversations[keyOf(action.room)];
      return conv ? withConversation(state, { ...conv, members: action.members }) : state;
    }
    case 'presence':
      return presence(state, action.room, action.user, action.event);
    case 'typing': {
      if (keyOf(action.user) === keyOf(state.me)) return state;
      const key = action.room === '' ? keyOf(action.user) : keyOf(action.room);
      const conv = state.conversations[key];
      if (!conv) return state;
      const typing = { ...conv.typing, [keyOf(action.user)]: { name: action.user, until: action.now + TYPING_SHOWN_MS } };
      return withConversation(state, { ...conv, typing });
    }
    case 'open':
      return open(state, action.key);
    case 'open-dm': {
      const ref: ConversationRef = { key: keyOf(action.user), name: action.user, kind: 'dm' };
      const existing = state.conversations[ref.key];
      return open(existing ? state : withConversation(state, newConversation(ref)), ref.key);
    }
    case 'consent-ask':
      if (state.consentAsks.some((u) => keyOf(u) === keyOf(action.user))) return state;
      return { ...state, consentAsks: [...state.consentAsks, action.user] };
    case 'consent-answered':
      return { ...state, consentAsks: state.consentAsks.filter((u) => keyOf(u) !== keyOf(action.user)) };
  }
}

function refOf(target: string): ConversationRef {
  return { key: keyOf(target), name: target, kind: isRoom(target) ? 'room' : 'dm' };
}

function withConversation(state: ChatState, conv: Conversation): ChatState {
  return { ...state, conversations: { ...state.conversations, [conv.key]: conv } };
}

function mapConversations(state: ChatState, f: (c: Conversation) => Conversation): ChatState {
  let changed = false;
  const conversations: Record<string, Conversation> = {};
  for (const [key, c] of Object.entries(state.conversations)) {
    const next = f(c);
    if (next !== c) changed = true;
    conversations[key] = next;
  }
  return changed ? { ...state, conversations } : state;
}

/**
 * Adds messages that arrived as they happened (live, replayed after a resume, or fetched to fill
 * a gap): in the open conversation they are read at once, elsewhere others' messages are unread.
 */
function addLive(conv: Conversation, items: readonly MessageItem[], state: ChatState): Conversation {
  const { messages, added } = mergeMessages(conv.messages, items);
  if (added.length === 0) return messages.length === conv.messages.length ? conv : { ...conv, messages };
  const isOpen = state.active === conv.key;
  let { lastReadId, unread } = conv;
  for (const m of added) {
    if (m.id === 0 || m.id <= lastReadId) continue;
    if (isOpen) lastReadId = m.id;
    else if (!m.own) unread++;
  }
  return { ...conv, messages, lastReadId, unread };
}

function open(state: ChatState, key: string | undefined): ChatState {
  let next = state;
  const previous = state.active !== undefined ? state.conversations[state.active] : undefined;
  if (previous && previous.key !== key && previous.marker !== undefined) {
    const { marker: _marker, ...rest } = previous;
    next = withConversation(next, rest);
  }
  const conv = key !== undefined ? next.conversations[key] : undefined;
  if (!conv) return { ...next, active: undefined };
  if (previous?.key === key) return next;
  const opened: Conversation = { ...conv, unread: 0, lastReadId: Math.max(conv.lastReadId, newestId(conv.messages)) };
  if (conv.unread > 0) opened.marker = conv.lastReadId;
  else delete opened.marker;
  return { ...withConversation(next, opened), active: key };
}

function presence(state: ChatState, room: string, user: string, event: PresenceEvent): ChatState {
  const userKey = keyOf(user);
  if (event === 'online' || event === 'quit') {
    const online = event === 'online';
    return mapConversations(state, (c) => {
      if (!c.members.some((m) => keyOf(m.name) === userKey && m.online !== online)) return c;
      return { ...c, members: c.members.map((m) => (keyOf(m.name) === userKey ? { ...m, online } : m)) };
    });
  }
  const conv = state.conversations[keyOf(room)];
  if (!conv) return state;
  const has = conv.members.some((m) => keyOf(m.name) === userKey);
  if (event === 'join') {
    if (has) return withConversation(state, { ...conv, members: conv.members.map((m) => (keyOf(m.name) === userKey ? { ...m, online: true } : m)) });
    return withConversation(state, { ...conv, members: [...conv.members, { name: user, online: true, operator: false }] });
  }
  return has ? withConversation(state, { ...conv, members: conv.members.filter((m) => keyOf(m.name) !== userKey) }) : state;
}

// ---- views of the state ----

/** Rooms by name, then DMs with the most recent activity first. */
export function sidebarOf(state: ChatState): { rooms: Conversation[]; dms: Conversation[] } {
  const all = Object.values(state.conversations);
  const rooms = all.filter((c) => c.kind === 'room').sort((a, b) => a.key.localeCompare(b.key));
  const lastAt = (c: Conversation): number => c.messages.at(-1)?.at ?? 0;
  const dms = all.filter((c) => c.kind === 'dm').sort((a, b) => lastAt(b) - lastAt(a) || a.key.localeCompare(b.key));
  return { rooms, dms };
}

export function totalUnread(state: ChatState): number {
  let n = 0;
  for (const c of Object.values(state.conversations)) n += c.unread;
  return n;
}

/** Index of the first message after the "new messages" marker, or -1. */
export function markerIndex(conv: Conversation): number {
  const marker = conv.marker;
  if (marker === undefined) return -1;
  return conv.messages.findIndex((m) => m.id > marker && !m.own);
}
