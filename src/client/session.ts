// The controller both chat UIs run: it owns the SDK client, keeps the connection up (the first
// connection retried, then the client's own reconnect and resume), logs in or resumes, joins the
// session's rooms, and turns the client's events into the shared model (conversations.ts). It
// offers what a user can do: open, send, retry, type, join, leave, scroll back, answer consent.
// What it has to tell the user is a SessionNotice, which each UI words and shows its own way;
// what a UI keeps between runs it keeps through `remember`. Nothing here draws or stores.
import { displayKey } from '../vocabulary/names.js';
import type { ChatClient } from './client.js';
import { EMPTY_CHAT, historyTarget, oldestId, type ChatAction } from './conversations.js';
import { randomId } from './random-id.js';
import { SessionStore } from './session-store.js';
import type { ClientState } from './state.js';
import { TYPING_EVERY_MS } from './typing.js';
import type { JoinedRoom, SearchPage, SessionInfo, WireFile, WireMember } from './types.js';
import type { Credentials, ResumePoint, SessionOptions, SessionView } from './session-types.js';

export type * from './session-types.js';

/** Where a newcomer (a new account, or a guest with no rooms) starts. */
export const FIRST_ROOM = '#general';
/** Direct conversations listed at login, the most recent ones. */
const DIRECTS_LISTED = 50;
/** Messages per page when scrolling back, and per page fetched to fill a gap. */
export const PAGE_SIZE = 30;
const GAP_PAGE = 100;
/** First-connection retries back off from this up to MAX_RETRY_MS (later ones are the client's reconnects). */
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;

interface PendingLogin {
  credentials: Credentials;
  done(error: string | undefined): void;
}

const BASE_VIEW: SessionView = {
  connection: { state: 'disconnected', detail: '' },
  auth: 'signed-out',
  loginError: '',
  restoring: false,
  chat: EMPTY_CHAT,
  policy: 'open',
  quitting: false,
};

export class ChatSession<V extends SessionView = SessionView> extends SessionStore<V> {
  private pending: PendingLogin | undefined;
  /** A session of an earlier run (a reloaded page) to resume once connected. */
  private resumePoint: ResumePoint | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay = FIRST_RETRY_MS;
  /** Set while a logged-in connection is lost: the highest message id seen before. */
  private lostAfterId: number | undefined;
  /** When a typing notice last went to each conversation, by key. */
  private readonly typingSent = new Map<string, number>();
  /** Read markers sent and not answered yet, by conversation key: the id sent. */
  private readonly readSending = new Map<string, number>();

  constructor(client: ChatClient, extra: Omit<V, keyof SessionView>, options: SessionOptions = {}) {
    super(client, { ...BASE_VIEW, ...extra } as V);
    if (options.credentials) this.pending = { credentials: options.credentials, done: () => undefined };
    this.resumePoint = options.resume;
    if (this.pending || this.resumePoint) this.state = { ...this.state, auth: 'signing-in', restoring: this.resumePoint !== undefined };
    const c = client;
    c.on('state', ({ to, error }) => this.onState(to, error ? this.describe(error) : ''));
    c.on('session', (s) => {
      this.dispatch({ type: 'session', me: s.name, guest: s.guest });
      this.rememberNow();
    });
    c.on('message', (m) => {
      this.seen([m]);
      this.dispatch({ type: 'message', message: m });
      this.rememberNow();
    });
    c.on('ack', (a) => this.dispatch({ type: 'ack', cid: a.cid, id: a.id, at: a.at }));
    c.on('presence', (p) => {
      this.dispatch({ type: 'presence', ...p });
      // Registering makes one a member of #general without a join event: ask for the list.
      const room = p.event === 'online' ? this.missingFromOpenRoom(p.user) : undefined;
      if (room !== undefined) void this.refreshMembers(room);
    });
    c.on('topic', (t) => {
      this.dispatch({ type: 'topic', room: t.room, topic: t.topic });
      this.notify({ kind: 'topic', room: t.room, topic: t.topic, by: t.by });
    });
    c.on('kick', (k) => {
      const me = displayKey(k.user) === displayKey(this.state.chat.me);
      // The removed user's view leaves the room; the others' sees one member fewer.
      this.dispatch(me ? { type: 'left', room: k.room } : { type: 'presence', room: k.room, user: k.user, event: 'leave' });
      if (me) this.rememberNow();
      this.notify({ kind: 'kick', ...k, me });
    });
    c.on('nick', (r) => {
      this.dispatch({ type: 'renamed', user: r.user, name: r.name });
      if (r.me) this.rememberNow();
      this.notify({ kind: 'nick', ...r });
    });
    c.on('edit', (e) => this.dispatch({ type: 'edited', id: e.id, text: e.text, at: e.at }));
    c.on('delete', (d) => this.dispatch({ type: 'deleted', id: d.id, by: d.by, at: d.at }));
    c.on('react', (r) => this.dispatch({ type: 'reacted', id: r.id, emoji: r.emoji, user: r.user, on: r.on }));
    c.on('role', (r) => {
      void this.refreshMembers(r.room);
      this.notify({ kind: 'role', ...r, me: displayKey(r.user) === displayKey(this.state.chat.me) });
    });
    c.on('settings', ({ room, by, settings: s }) => this.notify({ kind: 'settings', room, by, moderated: s.moderated, inviteOnly: s.inviteOnly, keyed: s.keyed }));
    c.on('invite', (i) => this.notify({ kind: 'invite', room: i.room, by: i.by }));
    c.on('mute', (m) => this.notify({ kind: 'mute', ...m, me: displayKey(m.user) === displayKey(this.state.chat.me) }));
    c.on('consent-ask', ({ user }) => {
      this.dispatch({ type: 'consent-ask', user, at: Date.now() });
      this.notify({ kind: 'consent-ask', user });
    });
    c.on('consent', ({ user, accept }) => this.notify({ kind: 'consent-answer', user, accept }));
    c.on('typing', (t) => {
      this.dispatch({ type: 'typing', room: t.room, user: t.user, now: Date.now() });
      this.redrawAtTypingExpiry();
    });
    c.on('gap', (g) => void this.fillGap(g.until));
    c.on('read', (r) => this.dispatch({ type: 'read', with: r.with, id: r.id }));
    c.on('error', (error) => this.notify({ kind: 'error', error }));
  }

  // ---- connection and login ----

  /** Connects; logs in with the options' credentials or resumes the options' session. */
  start(): void {
    this.connectNow();
  }

  /**
   * Logs in (or registers, or enters as a guest) as soon as the connection is up. Resolves with
   * why it failed (also in the view's loginError), or undefined once signed in.
   */
  signIn(credentials: Credentials): Promise<string | undefined> {
    return new Promise((done) => {
      this.pending?.done('replaced by another login');
      this.pending = { credentials, done };
      this.update({ auth: 'signing-in', loginError: '' } as Partial<V>);
      if (this.client.state === 'connected') void this.signInNow();
      else if (this.client.state !== 'connecting') this.connectNow();
    });
  }

  /** Ends the session for good here and starts afresh, signed out. */
  async signOut(): Promise<void> {
    this.remember(undefined);
    this.pending = undefined;
    this.resumePoint = undefined;
    await this.client.close();
    this.update({ auth: 'signed-out', loginError: '', chat: EMPTY_CHAT, policy: 'open' } as Partial<V>);
    this.connectNow();
  }

  /** Says goodbye to the server; the session does nothing more. */
  async quit(): Promise<void> {
    if (this.state.quitting) return;
    this.update({ quitting: true } as Partial<V>);
    clearTimeout(this.retryTimer);
    this.stopTypingTimer();
    await this.client.close();
  }

  private connectNow(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.client.connect().then(
      () => {
        this.retryDelay = FIRST_RETRY_MS;
      },
      () => {
        // Until a first connection succeeds the client does not reconnect by itself.
        if (this.state.quitting) return;
        if (this.client.state === 'disconnected' || (this.client.state === 'error' && !this.client.reconnecting)) {
          this.retryTimer = setTimeout(() => this.connectNow(), this.retryDelay);
          this.retryDelay = Math.min(this.retryDelay * 2, MAX_RETRY_MS);
        }
      },
    );
  }

  private onState(to: ClientState, detail: string): void {
    const from = this.state.connection.state;
    // Why the last attempt failed stays known while the next one is under way.
    const kept = to === 'error' ? detail : to === 'connected' ? '' : this.state.connection.detail;
    this.update({ connection: { state: to, detail: kept } } as Partial<V>);
    if (to === 'error' && from === 'connected' && this.state.auth === 'signed-in' && !this.state.quitting) {
      this.lostAfterId = this.client.lastMessageId;
      this.notify({ kind: 'connection-lost', detail });
    }
    if (to !== 'connected') return;
    if (this.pending) {
      void this.signInNow();
    } else if (this.state.auth === 'signed-in') {
      if (this.client.session) {
        void this.rejoin().then(() => this.reportMissed());
        return;
      }
      // The server no longer knows the session (it expired, or its secret changed).
      this.remember(undefined);
      this.update({ auth: 'signed-out', chat: EMPTY_CHAT } as Partial<V>);
      this.notify({ kind: 'session-ended' });
    } else if (this.resumePoint) {
      void this.resumeEarlier(this.resumePoint);
      this.resumePoint = undefined;
    }
  }

  private async signInNow(): Promise<void> {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    const { mode, name, password } = pending.credentials;
    try {
      const c = this.client;
      const s = mode === 'register' ? await c.register(name, password) : mode === 'guest' ? await c.guest(name) : await c.login(name, password);
      await this.enter(s, mode !== 'login', []);
      pending.done(undefined);
    } catch (err) {
      const loginError = this.describe(err);
      this.update({ auth: 'signed-out', loginError } as Partial<V>);
      pending.done(loginError);
    }
  }

  private async resumeEarlier(point: ResumePoint): Promise<void> {
    this.update({ auth: 'signing-in', restoring: true } as Partial<V>);
    try {
      const s = await this.client.resume(point.token, point.since);
      await this.enter(s, false, point.rooms);
    } catch {
      this.remember(undefined);
      this.update({ auth: 'signed-out' } as Partial<V>);
    } finally {
      this.update({ restoring: false } as Partial<V>);
    }
  }

  /** A session began: show its rooms (a newcomer starts in FIRST_ROOM), then its direct conversations. */
  private async enter(s: SessionInfo, newcomer: boolean, shown: readonly string[]): Promise<void> {
    this.update({ auth: 'signed-in', loginError: '' } as Partial<V>);
    const rooms = s.rooms.length === 0 && newcomer ? [FIRST_ROOM] : roomsToJoin(s, shown);
    await Promise.all([this.joinAll(rooms), this.listDirects()]);
    await this.listUnreads();
    this.rememberNow();
    if (this.state.chat.active === undefined) {
      const first = this.state.chat.conversations[displayKey(FIRST_ROOM)] ?? Object.values(this.state.chat.conversations)[0];
      if (first) this.dispatch({ type: 'open', key: first.key });
    }
  }

  /** Direct conversations from before this client started (protocol.md §7.5.1). */
  private async listDirects(): Promise<void> {
    try {
      const messages = await this.client.recentDirect(DIRECTS_LISTED);
      this.seen(messages);
      this.dispatch({ type: 'directs', messages });
    } catch (error) {
      this.notify({ kind: 'failed', doing: 'list direct conversations', error });
    }
  }

  /**
   * The server's unread and mention counts (protocol.md §7.15): they know what this account read
   * on its other devices, which counting here cannot.
   */
  private async listUnreads(): Promise<void> {
    try {
      this.dispatch({ type: 'unreads', states: await this.client.unreads(DIRECTS_LISTED) });
    } catch (error) {
      this.notify({ kind: 'failed', doing: 'count unread messages', error });
    }
  }

  /** After a resume: members and topics may have changed meanwhile, and a guest must rejoin. */
  private async rejoin(): Promise<void> {
    const s = this.client.session;
    if (!s) return;
    const shown = Object.values(this.state.chat.conversations).filter((c) => c.kind === 'room').map((c) => c.name);
    await this.joinAll(roomsToJoin(s, shown));
    await this.listUnreads();
  }

  // ---- read markers (protocol.md §7.15) ----

  /**
   * Whether the user can see the UI (a browser tab in front, say): the open conversation is read
   * only then. A UI that is always seen (the terminal) need not call it.
   */
  setVisible(visible: boolean): void {
    this.dispatch({ type: 'visibility', visible });
  }

  protected override dispatch(action: ChatAction): void {
    super.dispatch(action);
    this.sendReadMarker();
  }

  /**
   * What the open conversation shows while seen is read: the server's marker moves there, so the
   * account's other devices count it read too. Groups of several people have no marker of their own.
   */
  private sendReadMarker(): void {
    const chat = this.state.chat;
    const conv = chat.active === undefined || chat.hidden || this.state.chat.guest ? undefined : chat.conversations[chat.active];
    if (!conv || (conv.kind === 'dm' && conv.targets.length !== 1) || !this.ready()) return;
    const upTo = conv.readUpTo;
    if (upTo <= conv.serverRead || upTo <= (this.readSending.get(conv.key) ?? 0)) return;
    this.readSending.set(conv.key, upTo);
    const target = historyTarget(conv);
    void this.client.markRead(target, upTo).then(
      (held) => this.dispatch({ type: 'read', with: conv.kind === 'room' ? conv.name : target, id: held }),
      () => undefined, // the next change of the conversation tries again
    ).finally(() => {
      if (this.readSending.get(conv.key) === upTo) this.readSending.delete(conv.key);
    });
  }

  /** Messages this user may read holding every word of `query`, newest first (protocol.md §7.16). */
  search(query: string, before = 0): Promise<SearchPage> {
    return this.client.search(query, { before, limit: PAGE_SIZE });
  }

  private async joinAll(rooms: readonly string[]): Promise<void> {
    const joined = await Promise.allSettled(rooms.map((r) => this.client.join(r)));
    for (const j of joined) {
      if (j.status === 'fulfilled') this.joined(j.value);
      else this.notify({ kind: 'failed', doing: 'join', error: j.reason });
    }
  }

  /** Back after a lost connection: say so, and how much came in meanwhile. */
  private reportMissed(): void {
    const since = this.lostAfterId;
    if (since === undefined) return;
    this.lostAfterId = undefined;
    const ids = new Set<number>();
    for (const c of Object.values(this.state.chat.conversations)) for (const m of c.messages) if (m.id > since && !m.own) ids.add(m.id);
    this.notify({ kind: 'resumed', missed: ids.size });
  }

  /** More was missed than the server replays: fetch the rest of each conversation shown. */
  private async fillGap(until: number): Promise<void> {
    for (const conv of Object.values(this.state.chat.conversations)) {
      try {
        const page = await this.client.history(historyTarget(conv), { before: until, limit: GAP_PAGE });
        this.page(conv.key, until, page.messages, page.more);
      } catch {
        // The conversation stays as it is; scrolling back fetches again.
      }
    }
  }

  // ---- conversations ----

  open(key: string | undefined): void {
    this.dispatch({ type: 'open', key });
  }

  /** Opens the conversation for these targets ('#room', or users), creating it if need be. */
  openWith(targets: readonly string[]): void {
    this.dispatch({ type: 'open-with', targets });
  }

  /** Fetches the page of messages before the oldest one loaded. */
  async loadOlder(key: string): Promise<void> {
    const conv = this.state.chat.conversations[key];
    if (!conv || conv.older === 'loading' || conv.older === 'none' || !this.ready()) return;
    this.dispatch({ type: 'older-loading', key });
    const before = oldestId(conv.messages);
    try {
      const page = await this.client.history(historyTarget(conv), { before, limit: PAGE_SIZE });
      this.page(key, before, page.messages, page.more);
    } catch (error) {
      this.dispatch({ type: 'older-failed', key });
      this.notify({ kind: 'failed', doing: 'load older messages', error });
    }
  }

  /** `key`: the room's join key, when it has one (docs/protocol.md §7.17). */
  async join(room: string, key = ''): Promise<void> {
    this.entered(await this.client.join(room, key));
  }

  async create(room: string, topic = ''): Promise<void> {
    this.entered(await this.client.create(room, topic));
  }

  async leave(room: string): Promise<void> {
    await this.client.leave(room);
    this.dispatch({ type: 'left', room });
    this.rememberNow();
  }

  async kick(room: string, user: string, reason = ''): Promise<void> {
    await this.client.kick(room, user, reason);
  }

  async ban(room: string, user: string, reason = ''): Promise<void> {
    await this.client.ban(room, user, reason);
  }

  /** Room roles, settings and mutes (docs/protocol.md §7.17): the client's, for the views. */
  roomAdmin(): Pick<ChatClient, 'setRole' | 'roomSettings' | 'setRoomSettings' | 'invite' | 'mute' | 'bans' | 'closeRoom' | 'audit'> {
    return this.client;
  }

  async unban(room: string, user: string): Promise<void> {
    await this.client.unban(room, user);
  }

  async block(user: string, blocked = true): Promise<void> {
    await this.client.block(user, blocked);
  }

  /**
   * A guest takes another nickname (docs/protocol.md §7.1.1); the 'nick' event that answers it
   * renames it in the model and remembers its new resume token.
   */
  async rename(name: string): Promise<void> {
    await this.client.nick(name);
  }

  async setTopic(room: string, topic: string): Promise<void> {
    await this.client.setTopic(room, topic);
    this.dispatch({ type: 'topic', room, topic });
  }

  async members(room: string): Promise<readonly WireMember[]> {
    const list = await this.client.members(room);
    this.dispatch({ type: 'members', room, members: list });
    return list;
  }

  /** Fetches a room's member list afresh (when it comes into view); a failure leaves the old one. */
  async refreshMembers(room: string): Promise<void> {
    if (!this.ready()) return;
    try {
      await this.members(room);
    } catch {
      // not a member any more, or the connection went: the list stays as it was
    }
  }

  // ---- messages ----

  /** Sends to one or several targets; the message shows at once, with its delivery state. Returns its cid. */
  send(to: readonly string[], text: string, files: readonly WireFile[] = []): string {
    const cid = randomId();
    this.dispatch({ type: 'sending', cid, to, text, files, at: Date.now() });
    this.transmit(cid, to, text, files);
    return cid;
  }

  /**
   * Sends a failed message again, with the same cid: should the first attempt have been stored
   * after all, the server answers with that message instead of storing it twice (protocol.md §7.3).
   */
  retry(cid: string): boolean {
    for (const conv of Object.values(this.state.chat.conversations)) {
      const m = conv.messages.find((x) => x.cid === cid && x.own && x.delivery === 'failed');
      if (!m) continue;
      this.dispatch({ type: 'resending', cid });
      this.transmit(cid, m.to, m.text, m.files, m.replyTo);
      return true;
    }
    return false;
  }

  /** Answers message `replyTo` in the one conversation of `to` (protocol.md §7.14). Returns the cid. */
  reply(to: readonly string[], text: string, replyTo: number): string {
    const cid = randomId();
    this.dispatch({ type: 'sending', cid, to, text, files: [], at: Date.now(), replyTo });
    this.transmit(cid, to, text, [], replyTo);
    return cid;
  }

  /** Replaces the text of one's own message; this view shows it once the server agreed. */
  async edit(id: number, text: string): Promise<void> {
    await this.client.edit(id, text);
    this.dispatch({ type: 'edited', id, text, at: Date.now() });
  }

  /** Deletes a message (one's own, or as a moderator); a tombstone stays. */
  async deleteMessage(id: number): Promise<void> {
    await this.client.deleteMessage(id);
    this.dispatch({ type: 'deleted', id, by: this.state.chat.me, at: Date.now() });
  }

  /** Adds this user's reaction with `emoji`, or takes it back when it is there (a toggle). */
  async toggleReaction(id: number, emoji: string): Promise<void> {
    const me = this.state.chat.me;
    const m = Object.values(this.state.chat.conversations).flatMap((c) => c.messages).find((x) => x.id === id);
    const on = !(m?.reactions?.find((r) => r.emoji === emoji)?.users.includes(me) ?? false);
    await this.client.react(id, emoji, on);
    this.dispatch({ type: 'reacted', id, emoji, user: me, on });
  }

  /** Every failed message of a conversation again; how many. */
  retryFailed(key: string): number {
    const failed = this.state.chat.conversations[key]?.messages.filter((m) => m.own && m.delivery === 'failed') ?? [];
    for (const m of failed) this.retry(m.cid);
    return failed.length;
  }

  /** The user is writing in conversation `key`: tells its people, at most every TYPING_EVERY_MS. */
  typing(key: string): void {
    const conv = this.state.chat.conversations[key];
    if (!conv || !this.ready()) return;
    const now = Date.now();
    if (now - (this.typingSent.get(key) ?? -Infinity) < TYPING_EVERY_MS) return;
    this.typingSent.set(key, now);
    for (const target of conv.targets) this.client.typing(target);
  }

  // ---- consent ----

  async answerConsent(user: string, accept: boolean): Promise<void> {
    await this.client.answerConsent(user, accept);
    this.dispatch({ type: 'consent-answered', user });
  }

  askConsent(user: string): Promise<void> {
    return this.client.askConsent(user);
  }

  async setPolicy(policy: 'open' | 'consent'): Promise<void> {
    await this.client.setPolicy(policy);
    this.update({ policy } as Partial<V>);
  }

  // ---- internals ----

  private entered(r: JoinedRoom): void {
    this.joined(r);
    this.open(displayKey(r.room));
    this.rememberNow();
  }

  private transmit(cid: string, to: readonly string[], text: string, files: readonly WireFile[], replyTo?: number): void {
    this.client.send(to, text, { cid, files: files.map((f) => f.id), ...(replyTo ? { replyTo } : {}) }).then(
      (ack) => {
        this.dispatch({ type: 'ack', cid, id: ack.id, at: ack.at });
        this.rememberNow();
      },
      (err: unknown) => this.dispatch({ type: 'send-failed', cid, error: this.describe(err) }),
    );
  }
}

/**
 * The session's rooms; for a guest also the rooms shown before, since a guest whose connection
 * ended (a reload, a lost network) was taken out of its rooms by the server.
 */
function roomsToJoin(s: SessionInfo, shown: readonly string[]): string[] {
  const rooms = new Map(s.rooms.map((r) => [displayKey(r), r]));
  if (s.guest) for (const r of shown) if (!rooms.has(displayKey(r))) rooms.set(displayKey(r), r);
  return [...rooms.values()];
}
