// The web client's session: the SDK's session controller (src/client/session.ts) over the
// page's WebSocket, with what only the page has: the notices it shows (in its own words), the
// room directory, drafts and the resume point kept in sessionStorage, and files as blob: URLs.
// React reads its state through subscribe/getSnapshot.
import { ChatClient, ChatSession, wsTransport, type ResumePoint, type SessionNotice, type SessionView, type WebSocketConstructor, type WireFile, type WireRoom } from '../sdk';
import { describeError, errorNameOf } from '../model/errors';
import { isPreviewable } from '../model/format';
import { alertFor } from './alerts';
import { PageStore } from './storage';

export type { AuthState, Credentials, LoginMode } from '../sdk';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface AppState extends SessionView {
  notices: readonly Notice[];
  /** The server's rooms, as far as they have been asked for (a page at a time, by name). */
  directory?: readonly WireRoom[];
  /** Where the next page of the directory starts; '' when it is complete. */
  directoryNext?: string;
}

export interface WebSessionOptions {
  /** ws://host/ws or wss://host/ws. */
  url: string;
  WebSocket: WebSocketConstructor;
  storage?: Storage;
}

/** Rooms per page of the room directory. */
export const DIRECTORY_PAGE = 50;
const INFO_SHOWN_MS = 8000;
/** Notices shown at once; older ones make way. */
const NOTICES_SHOWN = 5;
/** Attachments that are previewed without being asked for. */
const AUTO_PREVIEW_BYTES = 8 * 1024 * 1024;

export class WebSession extends ChatSession<AppState> {
  private readonly store: PageStore;
  private readonly drafts: Record<string, string>;
  private readonly fileUrls = new Map<string, Promise<string>>();
  private noticeSeq = 0;

  constructor(options: WebSessionOptions) {
    const store = new PageStore(options.storage);
    const client = new ChatClient(wsTransport({ url: options.url, WebSocket: options.WebSocket }), {
      agent: 'confab-web/0.1',
      // Sends queued across a reconnect wait this long for their ACK before they count as failed.
      requestTimeoutMs: 30_000,
      reconnect: { initialMs: 250, maxMs: 5_000 },
    });
    const stored = store.session();
    super(client, { notices: [] }, stored ? { resume: { token: stored.token, since: stored.since, rooms: stored.rooms ?? [] } } : {});
    this.store = store;
    this.drafts = store.drafts();
    client.on('message', (m) => alertFor(m, this.state.chat.me, (key) => this.open(key)));
  }

  override async signOut(): Promise<void> {
    this.store.clearDrafts();
    for (const k of Object.keys(this.drafts)) delete this.drafts[k];
    this.revokeFiles();
    this.update({ directory: undefined, directoryNext: undefined, notices: [] });
    await super.signOut();
  }

  /** Runs a request the user made; resolves with what went wrong (also shown as a notice), if anything. */
  async attempt(f: () => Promise<unknown>): Promise<string | undefined> {
    try {
      await f();
      return undefined;
    } catch (err) {
      const text = describeError(err);
      this.notice('error', text);
      return text;
    }
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

  dismiss(id: number): void {
    this.update({ notices: this.state.notices.filter((n) => n.id !== id) });
  }

  // ---- the controller's hooks ----

  protected override describe(err: unknown): string {
    return describeError(err);
  }

  protected override remember(point: ResumePoint | undefined): void {
    if (point) this.store.saveSession({ token: point.token, since: point.since, rooms: [...point.rooms] });
    else this.store.clearSession();
  }

  protected override notify(n: SessionNotice): void {
    switch (n.kind) {
      case 'error':
        // A refused resume shows as the login form; it is no error of the user's.
        if (errorNameOf(n.error) !== 'BAD_CREDENTIALS') this.notice('error', describeError(n.error));
        return;
      case 'failed':
        if (n.doing === 'load older messages') this.notice('error', `Could not load older messages: ${describeError(n.error)}`);
        return;
      case 'session-ended':
        return this.notice('error', 'Your session has ended: please log in again.');
      case 'consent-answer':
        return this.notice('info', n.accept ? `${n.user} accepted your direct messages.` : `${n.user} refused your direct messages.`);
      case 'nick':
        return this.notice('info', n.me ? `You are now known as ${n.name}.` : `${n.user} is now known as ${n.name}.`);
      case 'kick': {
        const why = n.reason === '' ? '' : `: ${n.reason}`;
        return n.me ? this.notice('error', `${n.by} removed you from ${n.room}${why}.`) : this.notice('info', `${n.by} removed ${n.user} from ${n.room}${why}.`);
      }
      case 'role':
        return this.notice('info', `${n.by} made ${n.me ? 'you' : n.user} ${n.role === 'member' ? 'a plain member' : n.role === 'voiced' ? 'voiced' : 'an operator'} in ${n.room}.`);
      case 'mute': {
        const who = n.me ? 'you' : n.user;
        if (n.seconds === 0) return this.notice('info', `${n.by} lifted the mute of ${who} in ${n.room}.`);
        return this.notice(n.me ? 'error' : 'info', `${n.by} muted ${who} in ${n.room} for ${n.seconds} s${n.reason === '' ? '' : `: ${n.reason}`}.`);
      }
      case 'invite':
        return this.notice('info', `${n.by} invited you to ${n.room}.`);
      case 'settings':
        return this.notice('info', `${n.by} changed the settings of ${n.room}.`);
      // The page shows these as they are: the connection in the top bar, topics in the header,
      // consent requests in their own panel.
      case 'connection-lost':
      case 'resumed':
      case 'topic':
      case 'consent-ask':
        return;
    }
  }

  private notice(kind: Notice['kind'], text: string): void {
    const id = ++this.noticeSeq;
    this.update({ notices: [...this.state.notices.slice(-(NOTICES_SHOWN - 1)), { id, kind, text }] });
    if (kind === 'info') setTimeout(() => this.dismiss(id), INFO_SHOWN_MS);
  }

  private revokeFiles(): void {
    for (const url of this.fileUrls.values()) url.then((u) => URL.revokeObjectURL(u), () => undefined);
    this.fileUrls.clear();
  }
}
