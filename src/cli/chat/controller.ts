// The terminal client's controller: the session (session.ts) plus what the keys and the slash
// commands ask for: moving between conversations, scrolling back into history, and the
// requests of the CommandContext.
import { displayKey } from '../../vocabulary/names.js';
import { conversationOrder, historyTarget, oldestId, TYPING_EVERY_MS, type WireFile, type WireMember, type WireRoom } from '../../client/node.js';
import type { CommandContext } from './commands/context.js';
import { describeError } from './errors.js';
import { downloadPath, readUpload, saveDownload } from './files.js';
import { ChatSession } from './session.js';

export { type AuthState, type ChatScreen, type Notice, type Panel } from './session.js';

/** Messages per page when scrolling back into history. */
export const PAGE_SIZE = 30;
/** Rooms per page of /rooms: about what a panel shows on a tall terminal. */
export const ROOMS_PER_PAGE = 50;

export class ChatController extends ChatSession implements CommandContext {
  /** When a typing notice last went to each conversation, by key. */
  private readonly typingSent = new Map<string, number>();
  /** Where the page after the last /rooms page starts; '' when there is none. */
  private roomsNext = '';

  // ---- conversations ----

  open(key: string | undefined): void {
    this.dispatch({ type: 'open', key });
    this.closePanel();
  }

  /** The next (+1) or previous (-1) conversation in sidebar order, wrapping around. */
  step(delta: number): void {
    const order = conversationOrder(this.state.chat);
    if (order.length === 0) return;
    const at = this.state.chat.active === undefined ? -1 : order.indexOf(this.state.chat.active);
    const next = at < 0 ? (delta > 0 ? 0 : order.length - 1) : (at + delta + order.length) % order.length;
    this.open(order[next]);
  }

  /** The conversation numbered `n` (from 1) in the sidebar. */
  openNumber(n: number): void {
    const key = conversationOrder(this.state.chat)[n - 1];
    if (key !== undefined) this.open(key);
  }

  /** Fetches the page of messages before the oldest one loaded. */
  async loadOlder(key: string): Promise<void> {
    const conv = this.state.chat.conversations[key];
    if (!conv || conv.older === 'loading' || conv.older === 'none' || this.client.state !== 'connected' || !this.client.session) return;
    this.dispatch({ type: 'older-loading', key });
    const before = oldestId(conv.messages);
    try {
      const page = await this.client.history(historyTarget(conv), { before, limit: PAGE_SIZE });
      this.notePage(key, before, page.messages, page.more);
    } catch (err) {
      this.dispatch({ type: 'older-failed', key });
      this.error(`could not load older messages: ${describeError(err)}`);
    }
  }

  /**
   * The input line changed to `text`: tells the open conversation this user is typing, at most
   * every TYPING_EVERY_MS. A command being typed is not a message being written.
   */
  noteTyping(text: string): void {
    if (text.trim() === '' || text.startsWith('/')) return;
    const conv = this.openConversation();
    if (!conv || this.client.state !== 'connected' || !this.client.session) return;
    const now = Date.now();
    if (now - (this.typingSent.get(conv.key) ?? -Infinity) < TYPING_EVERY_MS) return;
    this.typingSent.set(conv.key, now);
    for (const target of conv.targets) this.client.typing(target);
  }

  // ---- the rest of CommandContext ----


  send(targets: readonly string[], text: string, files: readonly WireFile[] = []): void {
    const cid = newCid();
    this.files.note(files);
    this.dispatch({ type: 'sending', cid, to: targets, text, files, at: Date.now() });
    this.transmit(cid, targets, text, files);
  }

  retry(): number {
    const failed = this.openConversation()?.messages.filter((m) => m.own && m.delivery === 'failed') ?? [];
    for (const m of failed) {
      this.dispatch({ type: 'resending', cid: m.cid });
      // The same client message id: should the first attempt have been stored after all, the
      // server answers with that message instead of storing it twice (protocol.md §7.3).
      this.transmit(m.cid, m.to, m.text, m.files);
    }
    return failed.length;
  }

  private transmit(cid: string, targets: readonly string[], text: string, files: readonly WireFile[]): void {
    this.client.send(targets, text, { cid, files: files.map((f) => f.id) }).then(
      (ack) => this.dispatch({ type: 'ack', cid, id: ack.id, at: ack.at }),
      (err: unknown) => this.dispatch({ type: 'send-failed', cid, error: describeError(err) }),
    );
  }

  openWith(targets: readonly string[]): void {
    this.dispatch({ type: 'open-with', targets });
    this.closePanel();
  }

  async join(room: string): Promise<void> {
    let r;
    try {
      r = await this.client.join(room);
    } catch (err) {
      // Joining a room that does not exist yet creates it, as IRC does.
      if ((err as { name?: string }).name !== 'NO_SUCH_ROOM') throw err;
      r = await this.client.create(room);
    }
    this.joined(r);
    this.open(displayKey(r.room));
  }

  async leave(room: string): Promise<void> {
    await this.client.leave(room);
    this.dispatch({ type: 'left', room });
    if (this.state.chat.active === undefined) this.step(1);
  }

  async roomPage(more: boolean): Promise<{ rooms: readonly WireRoom[]; more: boolean }> {
    if (more && this.roomsNext === '') return { rooms: [], more: false };
    const page = await this.client.roomPage({ after: more ? this.roomsNext : '', limit: ROOMS_PER_PAGE });
    this.roomsNext = page.next;
    return { rooms: page.rooms, more: page.next !== '' };
  }

  async members(room: string): Promise<readonly WireMember[]> {
    const list = await this.client.members(room);
    this.dispatch({ type: 'members', room, members: list });
    return list;
  }

  async setTopic(room: string, topic: string): Promise<void> {
    await this.client.setTopic(room, topic);
    this.dispatch({ type: 'topic', room, topic });
  }

  async answerConsent(user: string, accept: boolean): Promise<void> {
    await this.client.answerConsent(user, accept);
    this.dispatch({ type: 'consent-answered', user });
  }

  askConsent(user: string): Promise<void> {
    return this.client.askConsent(user);
  }

  setPolicy(policy: 'open' | 'consent'): Promise<void> {
    return this.client.setPolicy(policy);
  }

  async sendFile(path: string, targets: readonly string[]): Promise<WireFile> {
    const upload = await readUpload(path);
    this.info(`uploading ${upload.name}...`);
    const file = await this.client.upload(upload);
    this.send(targets, '', [file]);
    return file;
  }

  async download(ref: string, path: string | undefined): Promise<string> {
    const file = this.files.find(ref);
    if (file === undefined) throw new Error(`no file number ${ref} on screen`);
    const target = await downloadPath(typeof file === 'string' ? file : file.name, path);
    const data = await this.client.download(file);
    await saveDownload(target, data);
    return target;
  }
}

function newCid(): string {
  return crypto.randomUUID().replace(/-/g, '');
}
