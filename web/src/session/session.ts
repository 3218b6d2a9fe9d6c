// The web client's controller: owns the SDK client, turns its events into chat actions, and
// offers the page what a user can do. React reads its state through subscribe/getSnapshot.
import { ChatClient, TYPING_EVERY_MS, wsTransport, type ClientState, type SessionInfo, type WebSocketConstructor, type WireFile, type WireRoom } from '../sdk';
import { chatReducer, EMPTY_CHAT, type ChatAction, type ChatState } from '../model/chat';
import { describeError, errorNameOf } from '../model/errors';
import { oldestId } from '../model/messages';
import { isPreviewable } from '../model/format';
import { keyOf } from '../model/names';
import { PageStore, type StoredSession } from './storage';

export type AuthState = 'signed-out' | 'signing-in' | 'signed-in';
export type LoginMode = 'login' | 'register' | 'guest';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface ConnectionView {
  state: ClientState;
  /** Why the last connection ended, while reconnecting. */
  detail: string;
}

export interface AppState {
  connection: ConnectionView;
  auth: AuthState;
  guest: boolean;
  chat: ChatState;
  notices: readonly Notice[];
  /** The server's rooms, as far as they have been asked for (a page at a time, by name). */
  directory?: readonly WireRoom[];
  /** Where the next page of the directory starts; '' when it is complete. */
  directoryNext?: string;
  policy: 'open' | 'consent';
  /** The session of this tab (before a reload) is being resumed. */
  restoring: boolean;
}

export interface SessionOptions {
  /** ws://host/ws or wss://host/ws. */
  url: string;
  WebSocket: WebSocketConstructor;
  storage?: Storage;
}

/** Messages per scroll-back page. */
export const PAGE_SIZE = 30;
/** Rooms per page of the room directory. */
export const DIRECTORY_PAGE = 50;
/** Direct conversations listed at login, the most recent ones. */
const DIRECTS_LISTED = 50;
const INFO_SHOWN_MS = 8000;
/** Attachments that are previewed without being asked for. */
const AUTO_PREVIEW_BYTES = 8 * 1024 * 1024;
const FIRST_ROOM = '#general';

interface Unsent {
  to: readonly string[];
  text: string;
  files: readonly WireFile[];
}

export class ChatSession {
  readonly client: ChatClient;
  private state: AppState = {
    connection: { state: 'disconnected', detail: '' },
    auth: 'signed-out',
    guest: false,
    chat: EMPTY_CHAT,
    notices: [],
    policy: 'open',
    restoring: false,
  };
  private readonly listeners = new Set<() => void>();
  private readonly store: PageStore;
  private readonly drafts: Record<string, string>;
  private readonly unsent = new Map<string, Unsent>();
  private readonly typingSent = new Map<string, number>();
  private readonly fileUrls = new Map<string, Promise<string>>();
  private noticeSeq = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay = 250;
  /** This tab had a session (the page was reloaded): resume it once connected. */
  private resumeOnConnect: boolean;

  constructor(options: SessionOptions) {
    this.store = new PageStore(options.storage);
    this.drafts = this.store.drafts();
    this.resumeOnConnect = this.store.session() !== undefined;
    if (this.resumeOnConnect) this.state = { ...this.state, auth: 'signing-in', restoring: true };
    this.client = new ChatClient(wsTransport({ url: options.url, WebSocket: options.WebSocket }), {
      agent: 'confab-web/0.1',
      // Sends queued across a reconnect wait this long for their ACK before they count as failed.
      requestTimeoutMs: 30_000,
      reconnect: { initialMs: 250, maxMs: 5_000 },
    });
    const c = this.client;
    c.on('state', ({ to, error }) => this.onState(to, error ? describeError(error) : ''));
    c.on('session', (s) => this.onSession(s));
    c.on('message', (m) => {
      this.dispatch({ type: 'message', message: m });
      this.rememberSession();
    });
    c.on('ack', (a) => this.dispatch({ type: 'ack', cid: a.cid, id: a.id, at: a.at }));
    c.on('presence', (p) => this.dispatch({ type: 'presence', ...p }));
    c.on('topic', (t) => this.dispatch({ type: 'topic', room: t.room, topic: t.topic }));
    c.on('typing', (t) => this.dispatch({ type: 'typing', room: t.room, user: t.user, now: Date.now() }));
    c.on('consent-ask', ({ user }) => this.dispatch({ type: 'consent-ask', user }));
    c.on('consent', ({ user, accept }) =>
      this.notify('info', accept ? `${user} accepted your direct messages.` : `${user} refused your direct messages.`),
    );
    c.on('gap', (g) => void this.fillGap(g.until));
    c.on('error', (err) => {
      // A refused resume is handled when the connection comes up without a session.
      if (errorNameOf(err) !== 'BAD_CREDENTIALS') this.notify('error', describeError(err));
    });
  }

  // ---- for React ----

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): AppState => this.state;

  // ---- connection and login ----

  /** Connects, and resumes the session this tab had (after a reload), if any. */
  start(): void {
    this.connectNow();
  }

  async signIn(mode: LoginMode, name: string, password: string): Promise<string | undefined> {
    this.update({ auth: 'signing-in' });
    try {
      await this.client.connect();
      const s =
        mode === 'register' ? await this.client.register(name, password)
        : mode === 'guest' ? await this.client.guest(name)
        : await this.client.login(name, password);
      await this.enter(s, mode !== 'login');
      return undefined;
    } catch (err) {
      this.update({ auth: 'signed-out' });
      return describeError(err);
    }
  }

  async signOut(): Promise<void> {
    this.store.clearSession();
    this.store.clearDrafts();
    for (const k of Object.keys(this.drafts)) delete this.drafts[k];
    this.unsent.clear();
    await this.client.close();
    this.revokeFiles();
    this.update({ auth: 'signed-out', guest: false, chat: EMPTY_CHAT, directory: undefined, directoryNext: undefined, policy: 'open', notices: [] });
    this.connectNow();
  }

  // ---- conversations ----

  open(key: string | undefined): void {
    this.dispatch({ type: 'open', key });
  }

  openDm(user: string): void {
    this.dispatch({ type: 'open-dm', user });
  }

  async joinRoom(room: string): Promise<string | undefined> {
    return this.attempt(async () => {
      const r = await this.client.join(room);
      this.dispatch({ type: 'joined', room: r.room, topic: r.topic, members: r.members, history: r.history });
      this.dispatch({ type: 'open', key: keyOf(r.room) });
      this.rememberSession();
    });
  }

  async createRoom(room: string, topic = ''): Promise<string | undefined> {
    return this.attempt(async () => {
      const r = await this.client.create(room, topic);
      this.dispatch({ type: 'joined', room: r.room, topic: r.topic, members: r.members, history: r.history });
      this.dispatch({ type: 'open', key: keyOf(r.room) });
      this.rememberSession();
    });
  }

  async leaveRoom(room: string): Promise<string | undefined> {
    return this.attempt(async () => {
      await this.client.leave(room);
      this.dispatch({ type: 'left', room });
      this.rememberSession();
    });
  }

  async setTopic(room: string, topic: string): Promise<string | undefined> {
    return this.attempt(async () => {
      await this.client.setTopic(room, topic);
      this.dispatch({ type: 'topic', room, topic });
    });
  }

  /**
   * The first page of the server's rooms (protocol.md §7.2.1): a server may have thousands, so the
   * directory grows a page at a time, as the user asks for more (moreRooms).
   */
  async listRooms(): Promise<string | undefined> {
    return this.attempt(async () => {
      const page = await this.client.roomPage({ limit: DIRECTORY_PAGE });
      this.update({ directory: page.rooms, directoryNext: page.next });
    });
  }

  /** The next page of the directory, after the rooms shown. */
  async moreRooms(): Promise<string | undefined> {
    const after = this.state.directoryNext;
    if (!after) return undefined;
    return this.attempt(async () => {
      const page = await this.client.roomPage({ after, limit: DIRECTORY_PAGE });
      // A page that came back after the directory was asked for afresh belongs to nothing shown.
      if (this.state.directoryNext !== after) return;
      this.update({ directory: [...(this.state.directory ?? []), ...page.rooms], directoryNext: page.next });
    });
  }

  /** Loads the page of messages before the oldest one shown. */
  async loadOlder(key: string): Promise<void> {
    const conv = this.state.chat.conversations[key];
    if (!conv || conv.older === 'loading' || conv.older === 'none' || this.client.state !== 'connected' || !this.client.session) return;
    this.dispatch({ type: 'older-loading', key });
    try {
      const page = await this.client.history(conv.name, { before: oldestId(conv.messages), limit: PAGE_SIZE });
      this.dispatch({ type: 'history', with: conv.name, messages: page.messages, more: page.more, direction: 'older' });
    } catch (err) {
      this.dispatch({ type: 'older-failed', key });
      this.notify('error', `Could not load older messages: ${describeError(err)}`);
    }
  }

  // ---- messages ----

  /** Sends to one or several targets; the message shows at once, with its delivery state. */
  send(to: readonly string[], text: string, files: readonly WireFile[] = []): void {
    const cid = newCid();
    this.dispatch({ type: 'sending', cid, to, text, files, at: Date.now() });
    this.unsent.set(cid, { to, text, files });
    this.transmit(cid);
  }

  /** Sends a failed message again (same cid: the server stores it once whatever happened). */
  retry = (cid: string): void => {
    if (!this.unsent.has(cid)) return;
    this.dispatch({ type: 'resending', cid });
    this.transmit(cid);
  };

  typing(target: string): void {
    const key = keyOf(target);
    const now = Date.now();
    if (now - (this.typingSent.get(key) ?? 0) < TYPING_EVERY_MS) return;
    this.typingSent.set(key, now);
    this.client.typing(target);
  }

  draft(key: string): string {
    return this.drafts[key] ?? '';
  }

  setDraft(key: string, text: string): void {
    if (text === '') delete this.drafts[key];
    else this.drafts[key] = text;
    this.store.saveDrafts(this.drafts);
  }

  // ---- files ----

  async upload(file: File): Promise<WireFile> {
    const data = new Uint8Array(await file.arrayBuffer());
    return this.client.upload({ name: file.name, type: file.type, data });
  }

  /** A blob: URL of the file's bytes (downloaded once per page). Only images keep their type. */
  fileUrl(file: WireFile): Promise<string> {
    let url = this.fileUrls.get(file.id);
    if (!url) {
      url = this.client.download(file).then((bytes) => {
        const type = isPreviewable(file.type) ? file.type : 'application/octet-stream';
        return URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
      });
      url.catch(() => this.fileUrls.delete(file.id));
      this.fileUrls.set(file.id, url);
    }
    return url;
  }

  autoPreview(file: WireFile): boolean {
    return isPreviewable(file.type) && file.size <= AUTO_PREVIEW_BYTES;
  }

  // ---- consent ----

  async answerConsent(user: string, accept: boolean): Promise<void> {
    const failed = await this.attempt(() => this.client.answerConsent(user, accept));
    if (!failed) this.dispatch({ type: 'consent-answered', user });
  }

  async setPolicy(policy: 'open' | 'consent'): Promise<void> {
    const failed = await this.attempt(() => this.client.setPolicy(policy));
    if (!failed) this.update({ policy });
  }

  dismiss(id: number): void {
    this.update({ notices: this.state.notices.filter((n) => n.id !== id) });
  }

  // ---- internals ----

  private connectNow(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.client.connect().then(
      () => {
        this.retryDelay = 250;
      },
      () => {
        // Until the first connection succeeds the SDK does not reconnect by itself.
        if (this.client.state === 'disconnected' || (this.client.state === 'error' && !this.client.reconnecting)) {
          this.retryTimer = setTimeout(() => this.connectNow(), this.retryDelay);
          this.retryDelay = Math.min(this.retryDelay * 2, 5_000);
        }
      },
    );
  }

  private onState(to: ClientState, detail: string): void {
    this.update({ connection: { state: to, detail: to === 'error' ? detail : '' } });
    if (to !== 'connected') return;
    if (this.state.auth === 'signed-in') {
      if (!this.client.session) {
        // The server no longer knows the session (e.g. it expired): log in again; drafts stay.
        this.update({ auth: 'signed-out', chat: EMPTY_CHAT });
        this.store.clearSession();
        this.notify('error', 'Your session has ended: please log in again.');
        return;
      }
      void this.refreshRooms();
      return;
    }
    const stored = this.store.session();
    if (this.resumeOnConnect && stored) void this.resumeStored(stored);
    this.resumeOnConnect = false;
  }

  private onSession(s: SessionInfo): void {
    this.dispatch({ type: 'session', me: s.name });
    this.rememberSession();
  }

  private async resumeStored(stored: StoredSession): Promise<void> {
    this.update({ auth: 'signing-in', restoring: true });
    try {
      const s = await this.client.resume(stored.token, stored.since);
      await this.enter(s, false, stored.rooms ?? []);
    } catch {
      this.store.clearSession();
      this.update({ auth: 'signed-out' });
    } finally {
      this.update({ restoring: false });
    }
  }

  /** A session began: show its rooms (a newcomer starts in #general). */
  private async enter(s: SessionInfo, newcomer: boolean, shown: readonly string[] = []): Promise<void> {
    this.update({ auth: 'signed-in', guest: s.guest });
    const rooms = s.rooms.length === 0 && newcomer ? [FIRST_ROOM] : this.roomsToJoin(s, shown);
    const [joined, directs] = await Promise.all([
      Promise.allSettled(rooms.map((r) => this.client.join(r))),
      // Direct conversations from before this page (protocol.md §7.5.1); without them the page still works.
      this.client.recentDirect(DIRECTS_LISTED).catch(() => []),
    ]);
    for (const j of joined) {
      if (j.status === 'fulfilled') this.dispatch({ type: 'joined', room: j.value.room, topic: j.value.topic, members: j.value.members, history: j.value.history });
    }
    this.dispatch({ type: 'directs', messages: directs });
    this.rememberSession();
    if (this.state.chat.active === undefined) {
      const first = this.state.chat.conversations[keyOf(FIRST_ROOM)] ?? Object.values(this.state.chat.conversations)[0];
      if (first) this.dispatch({ type: 'open', key: first.key });
    }
  }

  /** After a resume: rooms' members and topics may have changed while we were away. */
  private async refreshRooms(): Promise<void> {
    const s = this.client.session;
    if (!s) return;
    const shown = Object.values(this.state.chat.conversations).filter((c) => c.kind === 'room').map((c) => c.name);
    const rooms = this.roomsToJoin(s, shown);
    await Promise.allSettled(
      rooms.map(async (room) => {
        const r = await this.client.join(room);
        this.dispatch({ type: 'joined', room: r.room, topic: r.topic, members: r.members, history: r.history });
      }),
    );
  }

  /**
   * The session's rooms; for a guest also the rooms this page showed, since a guest whose
   * connection ended (a reload, a lost network) was taken out of its rooms by the server.
   */
  private roomsToJoin(s: SessionInfo, shown: readonly string[]): string[] {
    const rooms = new Map(s.rooms.map((r) => [keyOf(r), r]));
    if (s.guest) for (const r of shown) if (!rooms.has(keyOf(r))) rooms.set(keyOf(r), r);
    return [...rooms.values()];
  }

  /** More was missed than the server replays: fetch the rest of each conversation shown. */
  private async fillGap(until: number): Promise<void> {
    for (const conv of Object.values(this.state.chat.conversations)) {
      try {
        const page = await this.client.history(conv.name, { before: until, limit: 100 });
        this.dispatch({ type: 'history', with: conv.name, messages: page.messages, more: page.more, direction: 'newer' });
      } catch {
        // The conversation stays as it is; scrolling back fetches again.
      }
    }
  }

  private transmit(cid: string): void {
    const m = this.unsent.get(cid);
    if (!m) return;
    this.client.send(m.to, m.text, { cid, files: m.files.map((f) => f.id) }).then(
      (ack) => {
        this.unsent.delete(cid);
        this.dispatch({ type: 'ack', cid, id: ack.id, at: ack.at });
        this.rememberSession();
      },
      (err: unknown) => {
        this.dispatch({ type: 'send-failed', cid, error: describeError(err) });
      },
    );
  }

  private async attempt(f: () => Promise<unknown>): Promise<string | undefined> {
    try {
      await f();
      return undefined;
    } catch (err) {
      const text = describeError(err);
      this.notify('error', text);
      return text;
    }
  }

  private rememberSession(): void {
    const s = this.client.session;
    if (!s) return;
    const rooms = Object.values(this.state.chat.conversations).filter((c) => c.kind === 'room').map((c) => c.name);
    this.store.saveSession({ token: s.token, since: this.client.lastMessageId, rooms });
  }

  private notify(kind: Notice['kind'], text: string): void {
    const id = ++this.noticeSeq;
    this.update({ notices: [...this.state.notices.slice(-4), { id, kind, text }] });
    if (kind === 'info') setTimeout(() => this.dismiss(id), INFO_SHOWN_MS);
  }

  private revokeFiles(): void {
    for (const url of this.fileUrls.values()) url.then((u) => URL.revokeObjectURL(u), () => undefined);
    this.fileUrls.clear();
  }

  private dispatch(action: ChatAction): void {
    const chat = chatReducer(this.state.chat, action);
    if (chat !== this.state.chat) this.update({ chat });
  }

  private update(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of [...this.listeners]) l();
  }
}

/** 128 random bits, hex (getRandomValues works on plain-http pages too, unlike randomUUID). */
function newCid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}
