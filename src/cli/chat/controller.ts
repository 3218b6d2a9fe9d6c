// The terminal client's controller: the session (session.ts) plus what the keys and the slash
// commands ask for: moving between conversations, scrolling back into history, and the
// requests of the CommandContext that only the terminal has.
import { conversationOrder, type IncomingMessage, type WireFile, type WireRoom } from '../../client/node.js';
import type { CommandContext } from './commands/context.js';
import { downloadPath, readUpload, saveDownload } from './files.js';
import { TerminalSession } from './session.js';

export { type AuthState, type ChatScreen, type Notice, type Panel } from './session.js';

/** Rooms per page of /rooms: about what a panel shows on a tall terminal. */
export const ROOMS_PER_PAGE = 50;

export class ChatController extends TerminalSession implements CommandContext {
  /** Where the page after the last /rooms page starts; '' when there is none. */
  private roomsNext = '';
  /** The last /search and where its next page starts (0: no next page). */
  private searched = { query: '', before: 0 };

  // ---- conversations ----

  override open(key: string | undefined): void {
    super.open(key);
    this.closePanel();
  }

  override openWith(targets: readonly string[]): void {
    super.openWith(targets);
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

  /**
   * The input line changed to `text`: tells the open conversation this user is typing. A
   * command being typed is not a message being written.
   */
  noteTyping(text: string): void {
    if (text.trim() === '' || text.startsWith('/')) return;
    const key = this.state.chat.active;
    if (key !== undefined) this.typing(key);
  }

  // ---- the rest of CommandContext ----

  override send(targets: readonly string[], text: string, files: readonly WireFile[] = []): string {
    this.files.note(files);
    return super.send(targets, text, files);
  }

  /** Joining a room that does not exist yet creates it, as IRC does. */
  override async join(room: string, key = ''): Promise<void> {
    try {
      await super.join(room, key);
    } catch (err) {
      if ((err as { name?: string }).name !== 'NO_SUCH_ROOM') throw err;
      await this.create(room);
    }
  }

  override async leave(room: string): Promise<void> {
    await super.leave(room);
    if (this.state.chat.active === undefined) this.step(1);
  }

  async roomPage(more: boolean): Promise<{ rooms: readonly WireRoom[]; more: boolean }> {
    if (more && this.roomsNext === '') return { rooms: [], more: false };
    const page = await this.client.roomPage({ after: more ? this.roomsNext : '', limit: ROOMS_PER_PAGE });
    this.roomsNext = page.next;
    return { rooms: page.rooms, more: page.next !== '' };
  }

  async searchPage(query: string, more: boolean): Promise<{ messages: readonly IncomingMessage[]; more: boolean }> {
    if (more && this.searched.before === 0) return { messages: [], more: false };
    const q = more ? this.searched.query : query;
    const page = await this.search(q, more ? this.searched.before : 0);
    this.searched = { query: q, before: page.more ? (page.messages.at(-1)?.id ?? 0) : 0 };
    return page;
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
