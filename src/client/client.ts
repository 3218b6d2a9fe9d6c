// The confab client: the requests of the native protocol (docs/protocol.md §7) on a connection
// that keeps itself up (connection.ts): log in, rooms, messages, history, consent, files.
import { Limits, type WireAudit, type WireBan, type WireFile, type WireMember, type WireRole, type WireRoom, type FrameOf } from '../protocol/frames.js';
import { ClientConnection } from './connection.js';
import { sessionOf, settingsOf } from './inbound.js';
import { ClientError } from './errors.js';
import { withFiles, withStates, type IncomingMessage } from './files.js';
import { writeFrame } from './link.js';
import type { OutgoingMessage } from './outbox.js';
import { randomId } from './random-id.js';
import type {
  Ack,
  HistoryOptions,
  HistoryPage,
  JoinedRoom,
  OutgoingFile,
  RoomPage,
  RoomPageOptions,
  RoomSettings,
  RoomSettingsInput,
  SearchPage,
  SendOptions,
  SessionInfo,
  TransferOptions,
  UnreadState,
} from './types.js';

const DEFAULT_HISTORY_LIMIT = 50;

export class ChatClient extends ClientConnection {
  register(name: string, password: string): Promise<SessionInfo> {
    return this.request('REGISTER', ['SESSION'], (ref) => ({ type: 'REGISTER', ref, name, password })).then(sessionOf);
  }

  login(name: string, password: string): Promise<SessionInfo> {
    return this.request('LOGIN', ['SESSION'], (ref) => ({ type: 'LOGIN', ref, name, password, guest: false, token: '', since: 0 })).then(
      sessionOf,
    );
  }

  guest(nick: string): Promise<SessionInfo> {
    return this.request('LOGIN', ['SESSION'], (ref) => ({ type: 'LOGIN', ref, name: nick, password: '', guest: true, token: '', since: 0 })).then(
      sessionOf,
    );
  }

  /**
   * Resumes a session from an earlier connection (e.g. after a page reload): the server replays
   * the messages after `since` as 'message' events (or reports a 'gap').
   */
  resume(token: string, since: number = this.inbound.resumePoint): Promise<SessionInfo> {
    return this.request('LOGIN', ['SESSION'], (ref) => ({ type: 'LOGIN', ref, name: '', password: '', guest: false, token, since })).then(
      sessionOf,
    );
  }

  /**
   * A guest takes another nickname (docs/protocol.md §7.1.1; needs `nick-change`); resolves with
   * it. The session's resume token becomes the one naming it. An account's name never changes.
   */
  async nick(name: string): Promise<string> {
    const f = await this.request('NICK', ['NICK'], (ref) => ({ type: 'NICK', ref, user: '', name, token: '' }));
    return f.name;
  }

  /** `key`: the room's join key, when it has one (docs/protocol.md §7.17). */
  join(room: string, key = ''): Promise<JoinedRoom> {
    return this.request('JOIN', ['JOINED'], (ref) => ({ type: 'JOIN', ref, room, ...(key === '' ? {} : { key }) })).then(joinedOf);
  }

  create(room: string, topic = ''): Promise<JoinedRoom> {
    return this.request('CREATE', ['JOINED'], (ref) => ({ type: 'CREATE', ref, room, topic })).then(joinedOf);
  }

  async leave(room: string): Promise<void> {
    await this.request('LEAVE', ['OK'], (ref) => ({ type: 'LEAVE', ref, room }));
  }

  /**
   * One page of the server's rooms, in the order of their names (docs/protocol.md §7.2.1). A
   * server without pages ('room-pages') answers with its first page and no `next`.
   */
  async roomPage(options: RoomPageOptions = {}): Promise<RoomPage> {
    const f = await this.request('ROOMS', ['ROOM_LIST'], (ref) => ({ type: 'ROOMS', ref, after: options.after ?? '', limit: options.limit ?? 0 }));
    return { rooms: f.rooms, next: f.next ?? '' };
  }

  /**
   * Every room of the server, page after page: for a program that wants them all. An interface
   * showing rooms to a person should ask for pages as they are looked at (roomPage).
   */
  async rooms(): Promise<WireRoom[]> {
    const all: WireRoom[] = [];
    for (let after = ''; ;) {
      const page = await this.roomPage({ after, limit: Limits.ROOM_PAGE });
      all.push(...page.rooms);
      // A page without rooms ends the walk even if a faulty server says more follow.
      if (page.next === '' || page.rooms.length === 0) return all;
      after = page.next;
    }
  }

  async members(room: string): Promise<WireMember[]> {
    return (await this.request('MEMBERS', ['MEMBER_LIST'], (ref) => ({ type: 'MEMBERS', ref, room }))).members;
  }

  async setTopic(room: string, topic: string): Promise<void> {
    await this.request('TOPIC', ['OK'], (ref) => ({ type: 'TOPIC', ref, room, topic, by: '' }));
  }

  /** Removes `user` from `room` (operators; docs/protocol.md §7.12). */
  async kick(room: string, user: string, reason = ''): Promise<void> {
    await this.request('KICK', ['OK'], (ref) => ({ type: 'KICK', ref, room, user, reason, by: '' }));
  }

  /** Keeps `user` (an account, or a guest nickname) out of `room`, removing it if there. */
  async ban(room: string, user: string, reason = ''): Promise<void> {
    await this.request('BAN', ['OK'], (ref) => ({ type: 'BAN', ref, room, user, reason }));
  }

  /** Blocks `user`, or unblocks (docs/protocol.md §7.4.1): no DMs, requests or typing from it. */
  async block(user: string, blocked = true): Promise<void> {
    await this.request('BLOCK', ['OK'], (ref) => ({ type: 'BLOCK', ref, user, blocked }));
  }

  /** Replaces the text of one's own message (docs/protocol.md §7.14). */
  async edit(id: number, text: string): Promise<void> {
    await this.request('EDIT', ['OK'], (ref) => ({ type: 'EDIT', ref, id, text, by: '', at: 0 }));
  }

  /** Deletes a message: one's own, or as an operator or server admin (§7.14). */
  async deleteMessage(id: number): Promise<void> {
    await this.request('DELETE', ['OK'], (ref) => ({ type: 'DELETE', ref, id, by: '', at: 0 }));
  }

  /** Reacts to a message with an emoji (on), or takes the reaction back (§7.14). */
  async react(id: number, emoji: string, on = true): Promise<void> {
    await this.request('REACT', ['OK'], (ref) => ({ type: 'REACT', ref, id, emoji, on, user: '' }));
  }

  async unban(room: string, user: string): Promise<void> {
    await this.request('UNBAN', ['OK'], (ref) => ({ type: 'UNBAN', ref, room, user }));
  }

  // ---- room roles and settings (docs/protocol.md §7.17), the audit log (§7.18) ----

  /** Grants or takes a role below one's own: 'voiced' (operators), 'operator' (owner, admins), 'member'. */
  async setRole(room: string, user: string, role: WireRole): Promise<void> {
    await this.request('ROLE', ['OK'], (ref) => ({ type: 'ROLE', ref, room, user, role, by: '' }));
  }

  async roomSettings(room: string): Promise<RoomSettings> {
    return settingsOf(await this.request('GET_SETTINGS', ['SETTINGS'], (ref) => ({ type: 'GET_SETTINGS', ref, room })));
  }

  async setRoomSettings(room: string, s: RoomSettingsInput): Promise<void> {
    const { inviteOnly, limit, moderated, secret, topicLocked, membersOnly } = s;
    const keyed = s.key !== '';
    await this.request('SETTINGS', ['OK'], (ref) => ({
      type: 'SETTINGS', ref, room, inviteOnly, keyed, key: s.key ?? '', limit, moderated, secret, topicLocked, membersOnly, closed: false, by: '',
    }));
  }

  async invite(room: string, user: string): Promise<void> {
    await this.request('INVITE', ['OK'], (ref) => ({ type: 'INVITE', ref, room, user, by: '' }));
  }

  /** Mutes `user` in `room` for `seconds`; 0 lifts the mute. */
  async mute(room: string, user: string, seconds: number, reason = ''): Promise<void> {
    await this.request('MUTE', ['OK'], (ref) => ({ type: 'MUTE', ref, room, user, seconds, reason, by: '' }));
  }

  async bans(room: string): Promise<WireBan[]> {
    return (await this.request('BANS', ['BAN_LIST'], (ref) => ({ type: 'BANS', ref, room }))).bans;
  }

  /** A server admin closes `room` (or opens it again with `closed` false). */
  async closeRoom(room: string, closed = true, reason = ''): Promise<void> {
    await this.request('CLOSE', ['OK'], (ref) => ({ type: 'CLOSE', ref, room, closed, reason }));
  }

  /** A page of the audit log, newest first (server admins): `room` '' for all, `before` 0 from the newest. */
  async audit(options: { room?: string; before?: number; limit?: number } = {}): Promise<WireAudit[]> {
    const f = await this.request('AUDIT', ['AUDIT_LOG'], (ref) => ({ type: 'AUDIT', ref, room: options.room ?? '', before: options.before ?? 0, limit: options.limit ?? 50 }));
    return f.records;
  }

  /**
   * Sends a message to rooms ('#name') and/or users; resolves once the server has stored it.
   * While a lost session is being resumed the message waits and goes out after the resume.
   */
  send(to: string | readonly string[], text: string, options: SendOptions = {}): Promise<Ack> {
    const message: OutgoingMessage = {
      cid: options.cid ?? randomId(),
      to: typeof to === 'string' ? [to] : [...to],
      text,
      ...(options.files && options.files.length > 0 ? { files: [...options.files] } : {}),
      ...(options.replyTo ? { replyTo: options.replyTo } : {}),
    };
    const link = this.readyLink();
    if (!link && !this.willResume()) return Promise.reject(ClientError.local('NOT_CONNECTED', 'SEND: not connected'));
    if (this.outbox.has(message.cid)) {
      return Promise.reject(ClientError.protocol('BAD_REQUEST', `a message with cid ${message.cid} is already in flight`));
    }
    if (this.outbox.size >= this.o.maxUnacked) {
      return Promise.reject(ClientError.local('QUEUE_FULL', `${this.outbox.size} messages are awaiting their ACK`));
    }
    const acked = this.outbox.add(message, this.o.requestTimeoutMs);
    if (link) this.transmit(link, message);
    return acked;
  }

  async history(withWhom: string, options: HistoryOptions = {}): Promise<HistoryPage> {
    const f = await this.request('HISTORY', ['MESSAGES'], (ref) => ({
      type: 'HISTORY',
      ref,
      with: withWhom,
      before: options.before ?? 0,
      after: options.after ?? 0,
      limit: options.limit ?? DEFAULT_HISTORY_LIMIT,
    }));
    return { with: f.with, messages: withStates(withFiles(f.messages, f.files), f.states), more: f.more };
  }

  /**
   * The newest message of each of this user's recent direct conversations, oldest first
   * (docs/protocol.md §7.5.1); at most `limit` people (1 to 100). Empty from a server that does
   * not offer the `directs` capability.
   */
  async recentDirect(limit = DEFAULT_HISTORY_LIMIT): Promise<IncomingMessage[]> {
    if (!this.welcomeInfo?.caps.includes('directs')) return [];
    const f = await this.request('DIRECTS', ['MESSAGES'], (ref) => ({ type: 'DIRECTS', ref, limit }));
    return withStates(withFiles(f.messages, f.files), f.states);
  }

  /**
   * Moves this account's read marker of `withWhom` ('#room' or a user) to message `id`
   * (docs/protocol.md §7.15); resolves with the marker the server holds, which may be newer. The
   * account's other sessions are told. Resolves with `id` from a server without `read-markers`.
   */
  async markRead(withWhom: string, id: number): Promise<number> {
    if (!this.welcomeInfo?.caps.includes('read-markers')) return id;
    const f = await this.request('READ', ['READ'], (ref) => ({ type: 'READ', ref, with: withWhom, id }));
    return f.id;
  }

  /**
   * The read state of every room of the session and of the `limit` most recent direct
   * conversations (docs/protocol.md §7.15). Empty from a server without `read-markers`.
   */
  async unreads(limit = DEFAULT_HISTORY_LIMIT): Promise<UnreadState[]> {
    if (!this.welcomeInfo?.caps.includes('read-markers')) return [];
    const f = await this.request('UNREADS', ['UNREAD_LIST'], (ref) => ({ type: 'UNREADS', ref, limit }));
    return f.unreads;
  }

  /**
   * Messages this user may read that hold every word of `query`, newest first, `limit` (1 to 50)
   * at a time; the next page with `before` the last id given (docs/protocol.md §7.16).
   */
  async search(query: string, options: { before?: number; limit?: number } = {}): Promise<SearchPage> {
    if (!this.welcomeInfo?.caps.includes('search')) throw ClientError.protocol('BAD_REQUEST', 'this server does not search');
    const f = await this.request('SEARCH', ['MESSAGES'], (ref) => ({ type: 'SEARCH', ref, query, before: options.before ?? 0, limit: options.limit ?? 20 }));
    return { messages: withStates(withFiles(f.messages, f.files), f.states), more: f.more };
  }

  async setPolicy(policy: 'open' | 'consent'): Promise<void> {
    await this.request('SET_POLICY', ['OK'], (ref) => ({ type: 'SET_POLICY', ref, policy }));
  }

  async askConsent(user: string): Promise<void> {
    await this.request('CONSENT_ASK', ['OK'], (ref) => ({ type: 'CONSENT_ASK', ref, user }));
  }

  async answerConsent(user: string, accept: boolean): Promise<void> {
    await this.request('CONSENT', ['OK'], (ref) => ({ type: 'CONSENT', ref, user, accept }));
  }

  /**
   * Uploads a file (docs/protocol.md §7.10) and resolves with it once the server has verified and
   * stored it; send it with send(to, text, {files: [file.id]}).
   */
  upload(file: OutgoingFile, options: TransferOptions = {}): Promise<WireFile> {
    return this.transfers.upload(file, options);
  }

  /** Downloads a file by id; with a WireFile, its size and SHA-256 are checked. */
  download(file: string | WireFile, options: TransferOptions = {}): Promise<Uint8Array> {
    return this.transfers.download(file, options);
  }

  /**
   * Tells a room ('#name') or a user that this user is typing. Fire and forget: the server never
   * answers, and drops notices closer than a second to the same target; call it as keys are
   * pressed, no more than every second or two.
   */
  typing(to: string): void {
    const link = this.readyLink();
    if (link) writeFrame(link, { type: 'TYPING', to, user: '' });
  }

  /** Round trip to the server in milliseconds. */
  async ping(): Promise<number> {
    const link = this.readyLink();
    if (!link) throw ClientError.local('NOT_CONNECTED', 'PING: not connected');
    if (this.pendingRequests >= this.o.maxPending) throw ClientError.local('QUEUE_FULL', `${this.pendingRequests} requests are in flight`);
    const n = this.nextPing();
    const started = performance.now();
    const answered = this.pings.add(n, ['PONG'], this.o.requestTimeoutMs, 'PING');
    writeFrame(link, { type: 'PING', n });
    await answered;
    return performance.now() - started;
  }

}

function joinedOf(f: FrameOf<'JOINED'>): JoinedRoom {
  return { room: f.room, topic: f.topic, members: f.members, history: withStates(withFiles(f.history, f.files), f.states) };
}
