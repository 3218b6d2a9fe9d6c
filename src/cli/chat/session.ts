// The terminal client's session: owns the SDK client, keeps the connection up (first
// connection retried, then the SDK's reconnect and resume), logs in, and turns the client's
// events into the shared chat model (src/client/conversations.ts) and notices. The ink
// components read its state through subscribe/getSnapshot; nothing here draws.
import { displayKey } from '../../vocabulary/names.js';
import {
  ChatClient,
  EMPTY_CHAT,
  historyTarget,
  nextTypingExpiry,
  reduceChat,
  transportFor,
  type ChatAction,
  type ChatModel,
  type ClientState,
  type Conversation,
  type IncomingMessage,
  type SessionInfo,
  type TransportFactory,
  type WireMember,
} from '../../client/node.js';
import { describeError } from './errors.js';
import { FileNumbers } from './files.js';
import type { Credentials, Launch } from './launch.js';

export type AuthState = 'signed-out' | 'signing-in' | 'signed-in';

export interface Notice {
  kind: 'error' | 'info';
  text: string;
}

export interface Panel {
  title: string;
  lines: readonly string[];
}

export interface ChatScreen {
  /** `detail`: why the last connection attempt failed, until one succeeds. */
  connection: { state: ClientState; detail: string };
  auth: AuthState;
  /** Why the last login failed. */
  loginError: string;
  chat: ChatModel;
  notice?: Notice;
  panel?: Panel;
  quitting: boolean;
}

/** Where a newcomer (a new account or a guest with no rooms) starts. */
const FIRST_ROOM = '#general';
/** Direct conversations listed at login, the most recent ones. */
const DIRECTS_LISTED = 50;
/** First-connection retries back off up to this (later ones are the SDK's reconnects). */
const MAX_RETRY_MS = 5_000;

export interface SessionOptions {
  /** A transport of one's own (tests); default: the one for the launch URL. */
  transport?: TransportFactory;
  /** Called once the client has closed after /quit or Ctrl-C. */
  onQuit?: () => void;
}

export class ChatSession {
  readonly client: ChatClient;
  readonly files = new FileNumbers();
  protected state: ChatScreen = {
    connection: { state: 'disconnected', detail: '' },
    auth: 'signed-out',
    loginError: '',
    chat: EMPTY_CHAT,
    quitting: false,
  };
  private readonly listeners = new Set<() => void>();
  /** Credentials waiting for the connection to come up. */
  private pending: Credentials | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay = 250;
  /** Set while a logged-in connection is lost: the highest message id seen before. */
  private lostAfterId: number | undefined;
  /** Redraws when the next typing notice runs out (the screen shows only current ones). */
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private typingTimerAt = Infinity;

  constructor(readonly launch: Launch, private readonly options: SessionOptions = {}) {
    const transport = options.transport ?? transportFor(launch.url, launch.fingerprint ? { fingerprint: launch.fingerprint } : {});
    this.client = new ChatClient(transport, {
      agent: 'confab-terminal/0.1',
      // Messages queued across a reconnect wait this long for their ACK before they count as failed.
      requestTimeoutMs: 30_000,
      connectTimeoutMs: 5_000,
      reconnect: { initialMs: 250, maxMs: MAX_RETRY_MS },
    });
    const c = this.client;
    c.on('state', ({ to, error }) => this.onState(to, error ? describeError(error) : ''));
    c.on('session', (s) => this.dispatch({ type: 'session', me: s.name, guest: s.guest }));
    c.on('message', (m) => {
      this.files.note(m.files ?? []);
      this.dispatch({ type: 'message', message: m });
    });
    c.on('ack', (a) => this.dispatch({ type: 'ack', cid: a.cid, id: a.id, at: a.at }));
    c.on('presence', (p) => {
      this.dispatch({ type: 'presence', ...p });
      // Someone came online who is not in the open room's list: they may have become a member
      // without a join event (registering makes one a member of #general), so ask.
      const open = this.openConversation();
      if (p.event === 'online' && open?.kind === 'room' && !open.members.some((m) => displayKey(m.name) === displayKey(p.user))) {
        void this.refreshMembers(open.name);
      }
    });
    c.on('topic', (t) => {
      this.dispatch({ type: 'topic', room: t.room, topic: t.topic });
      this.info(`${t.by} set the topic of ${t.room}: ${t.topic}`);
    });
    c.on('consent-ask', ({ user }) => {
      this.dispatch({ type: 'consent-ask', user, at: Date.now() });
      this.info(`${user} asks to send you direct messages: /accept ${user} or /refuse ${user}`);
    });
    c.on('consent', ({ user, accept }) => this.info(accept ? `${user} accepted your direct messages` : `${user} refused your direct messages`));
    c.on('typing', (t) => {
      this.dispatch({ type: 'typing', room: t.room, user: t.user, now: Date.now() });
      this.redrawAtTypingExpiry();
    });
    c.on('gap', (g) => void this.fillGap(g.until));
    c.on('error', (err) => this.error(describeError(err)));
    if (launch.credentials) this.pending = launch.credentials;
  }

  // ---- for React ----

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ChatScreen => this.state;

  // ---- connection and login ----

  start(): void {
    if (this.pending) this.update({ auth: 'signing-in' });
    this.connectNow();
  }

  /** Logs in (or registers, or enters as a guest) as soon as the connection is up. */
  signIn(credentials: Credentials): void {
    this.pending = credentials;
    this.update({ auth: 'signing-in', loginError: '' });
    if (this.client.state === 'connected') void this.signInNow();
    else if (this.client.state !== 'connecting') this.connectNow();
  }

  /** /quit and Ctrl-C: says goodbye to the server, then the program ends. */
  quit(): void {
    if (this.state.quitting) return;
    this.update({ quitting: true });
    clearTimeout(this.retryTimer);
    clearTimeout(this.typingTimer);
    void this.client.close().finally(() => this.options.onQuit?.());
  }

  private connectNow(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.client.connect().then(
      () => {
        this.retryDelay = 250;
      },
      () => {
        // Until a first connection succeeds the SDK does not reconnect by itself.
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
    this.update({ connection: { state: to, detail: kept } });
    if (to === 'error' && from === 'connected' && this.state.auth === 'signed-in' && !this.state.quitting) {
      this.lostAfterId = this.client.lastMessageId;
      this.error(`connection lost (${detail}): reconnecting`);
    }
    if (to !== 'connected') return;
    if (this.pending) {
      void this.signInNow();
      return;
    }
    if (this.state.auth !== 'signed-in') return;
    if (!this.client.session) {
      // The server no longer knows the session (it expired, or its secret changed).
      this.update({ auth: 'signed-out', chat: EMPTY_CHAT, loginError: 'your session has ended: log in again' });
      return;
    }
    void this.refreshRooms().then(() => this.reportMissed());
  }

  private async signInNow(): Promise<void> {
    const creds = this.pending;
    if (!creds) return;
    this.pending = undefined;
    try {
      const c = this.client;
      const s =
        creds.mode === 'register' ? await c.register(creds.name, creds.password)
        : creds.mode === 'guest' ? await c.guest(creds.name)
        : await c.login(creds.name, creds.password);
      await this.enter(s, creds.mode !== 'login');
    } catch (err) {
      this.update({ auth: 'signed-out', loginError: describeError(err) });
    }
  }

  /** A session began: show its rooms (a newcomer starts in #general). */
  private async enter(s: SessionInfo, newcomer: boolean): Promise<void> {
    this.update({ auth: 'signed-in', loginError: '' });
    const rooms = s.rooms.length === 0 && newcomer ? [FIRST_ROOM] : s.rooms;
    await Promise.all([this.joinAll(rooms), this.listDirects()]);
    if (this.state.chat.active === undefined) {
      const first = this.state.chat.conversations[displayKey(FIRST_ROOM)] ?? Object.values(this.state.chat.conversations)[0];
      if (first) this.dispatch({ type: 'open', key: first.key });
    }
  }

  /** Direct conversations from before this client started (protocol.md §7.5.1). */
  private async listDirects(): Promise<void> {
    try {
      const messages = await this.client.recentDirect(DIRECTS_LISTED);
      for (const m of messages) this.files.note(m.files ?? []);
      this.dispatch({ type: 'directs', messages });
    } catch (err) {
      this.error(`could not list direct conversations: ${describeError(err)}`);
    }
  }

  /** After a resume: members and topics may have changed meanwhile, and a guest must rejoin. */
  private async refreshRooms(): Promise<void> {
    const s = this.client.session;
    if (!s) return;
    const rooms = new Map(s.rooms.map((r) => [displayKey(r), r]));
    // A guest whose connection ended was taken out of its rooms by the server.
    if (s.guest) for (const c of Object.values(this.state.chat.conversations)) if (c.kind === 'room' && !rooms.has(c.key)) rooms.set(c.key, c.name);
    await this.joinAll([...rooms.values()]);
  }

  private async joinAll(rooms: readonly string[]): Promise<void> {
    const joined = await Promise.allSettled(rooms.map((r) => this.client.join(r)));
    for (const j of joined) {
      if (j.status === 'fulfilled') this.joined(j.value);
      else this.error(describeError(j.reason));
    }
  }

  protected joined(r: { room: string; topic: string; members: readonly WireMember[]; history: readonly IncomingMessage[] }): void {
    for (const m of r.history) this.files.note(m.files ?? []);
    this.dispatch({ type: 'joined', room: r.room, topic: r.topic, members: r.members, history: r.history });
  }

  /** Back after a lost connection: say so, and how much came in meanwhile. */
  private reportMissed(): void {
    const since = this.lostAfterId;
    if (since === undefined) return;
    this.lostAfterId = undefined;
    const ids = new Set<number>();
    for (const c of Object.values(this.state.chat.conversations)) for (const m of c.messages) if (m.id > since && !m.own) ids.add(m.id);
    const n = ids.size;
    this.info(`reconnected, session resumed: ${n === 0 ? 'nothing new' : `${n} new message${n === 1 ? '' : 's'}`} while away`);
  }

  /** More was missed than the server replays: fetch the rest of each conversation shown. */
  private async fillGap(until: number): Promise<void> {
    for (const conv of Object.values(this.state.chat.conversations)) {
      try {
        const page = await this.client.history(historyTarget(conv), { before: until, limit: 100 });
        this.notePage(conv.key, until, page.messages, page.more);
      } catch {
        // The conversation stays as it is; scrolling back fetches again.
      }
    }
  }

  // ---- shared with the commands ----

  openConversation(): Conversation | undefined {
    const key = this.state.chat.active;
    return key === undefined ? undefined : this.state.chat.conversations[key];
  }

  protected notePage(key: string, before: number, messages: readonly IncomingMessage[], more: boolean): void {
    for (const m of messages) this.files.note(m.files ?? []);
    this.dispatch({ type: 'page', key, before, messages, more });
  }

  /** Fetches a room's member list afresh (when it comes into view); a failure leaves the old one. */
  async refreshMembers(room: string): Promise<void> {
    if (this.client.state !== 'connected' || !this.client.session) return;
    try {
      this.dispatch({ type: 'members', room, members: await this.client.members(room) });
    } catch {
      // not a member any more, or the connection went: the list stays as it was
    }
  }

  closePanel(): void {
    if (this.state.panel) this.update({ panel: undefined });
  }

  show(title: string, lines: readonly string[]): void {
    this.update({ panel: { title, lines } });
  }

  info(text: string): void {
    this.update({ notice: { kind: 'info', text } });
  }

  error(text: string): void {
    this.update({ notice: { kind: 'error', text } });
  }

  dismissNotice(): void {
    if (this.state.notice) this.update({ notice: undefined });
  }

  // ---- internals ----

  private redrawAtTypingExpiry(): void {
    const now = Date.now();
    let at = Infinity;
    for (const c of Object.values(this.state.chat.conversations)) at = Math.min(at, nextTypingExpiry(c, now));
    if (at === this.typingTimerAt) return;
    clearTimeout(this.typingTimer);
    this.typingTimer = undefined;
    this.typingTimerAt = at;
    if (at === Infinity || this.state.quitting) return;
    this.typingTimer = setTimeout(() => {
      this.typingTimer = undefined;
      this.typingTimerAt = Infinity;
      this.update({});
      this.redrawAtTypingExpiry();
    }, at - now + 1);
    this.typingTimer.unref?.();
  }

  protected dispatch(event: ChatAction): void {
    const chat = reduceChat(this.state.chat, event);
    if (chat !== this.state.chat) this.update({ chat });
  }

  protected update(patch: Partial<ChatScreen>): void {
    this.state = { ...this.state, ...patch };
    for (const l of [...this.listeners]) l();
  }
}
