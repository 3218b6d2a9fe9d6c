// The state half of the session controller (session.ts): the view a UI renders, its listeners,
// the model's updates, and the hooks through which each UI words, shows and keeps things.
import { displayKey } from '../vocabulary/names.js';
import type { ChatClient } from './client.js';
import { nextTypingExpiry, reduceChat, type ChatAction, type Conversation } from './conversations.js';
import type { IncomingMessage } from './files.js';
import type { ResumePoint, SessionNotice, SessionView } from './session-types.js';
import type { JoinedRoom } from './types.js';

export class SessionStore<V extends SessionView> {
  private readonly listeners = new Set<() => void>();
  /** Redraws when the next typing notice runs out (UIs show only current ones). */
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private typingTimerAt = Infinity;

  constructor(readonly client: ChatClient, protected state: V) {}

  // ---- for the UI's renderer (React's useSyncExternalStore) ----

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): V => this.state;

  openConversation(): Conversation | undefined {
    const key = this.state.chat.active;
    return key === undefined ? undefined : this.state.chat.conversations[key];
  }

  // ---- what a UI words, shows and keeps (overridden by each UI) ----

  /** Something to tell the user. */
  protected notify(_notice: SessionNotice): void {}

  /** Where to resume this session in a later run; undefined: forget it. */
  protected remember(_point: ResumePoint | undefined): void {}

  /** Messages that reached the model (live, joined, paged), e.g. to number their files. */
  protected seen(_messages: readonly IncomingMessage[]): void {}

  /** An error as one line for the user. */
  protected describe(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
  }

  // ---- changes ----

  protected dispatch(action: ChatAction): void {
    const chat = reduceChat(this.state.chat, action);
    if (chat !== this.state.chat) this.update({ chat } as Partial<V>);
  }

  protected update(patch: Partial<V>): void {
    this.state = { ...this.state, ...patch };
    for (const l of [...this.listeners]) l();
  }

  protected joined(r: JoinedRoom): void {
    this.seen(r.history);
    this.dispatch({ type: 'joined', room: r.room, topic: r.topic, members: r.members, history: r.history });
  }

  protected page(key: string, before: number, messages: readonly IncomingMessage[], more: boolean): void {
    this.seen(messages);
    this.dispatch({ type: 'page', key, before, messages, more });
  }

  /** Logged in, on a live connection: requests can go out. */
  protected ready(): boolean {
    return this.client.state === 'connected' && this.client.session !== undefined;
  }

  protected rememberNow(): void {
    const s = this.client.session;
    if (!s) return;
    const rooms = Object.values(this.state.chat.conversations).filter((c) => c.kind === 'room').map((c) => c.name);
    this.remember({ token: s.token, since: this.client.resumePoint, rooms });
  }

  protected redrawAtTypingExpiry(): void {
    const now = Date.now();
    let at = Infinity;
    for (const c of Object.values(this.state.chat.conversations)) at = Math.min(at, nextTypingExpiry(c, now));
    if (at === this.typingTimerAt) return;
    this.stopTypingTimer();
    this.typingTimerAt = at;
    if (at === Infinity || this.state.quitting) return;
    this.typingTimer = setTimeout(() => {
      this.typingTimer = undefined;
      this.typingTimerAt = Infinity;
      this.update({});
      this.redrawAtTypingExpiry();
    }, at - now + 1);
    (this.typingTimer as { unref?: () => void }).unref?.();
  }

  protected stopTypingTimer(): void {
    clearTimeout(this.typingTimer);
    this.typingTimer = undefined;
  }

  /** Someone came online who is not in the open room's list: they may have become a member without a join event. */
  protected missingFromOpenRoom(user: string): string | undefined {
    const open = this.openConversation();
    return open?.kind === 'room' && !open.members.some((m) => displayKey(m.name) === displayKey(user)) ? open.name : undefined;
  }
}
