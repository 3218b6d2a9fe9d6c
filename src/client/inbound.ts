// What the client does with each frame the server sends on a ready connection: one handler per
// frame type, as the server has one per request (src/gateways/native/handlers.ts), and the
// bookkeeping of what came in (the highest message id, for resume; ids seen, so nothing is
// reported twice; the session).
import { ErrorCode } from '../vocabulary/errors.js';
import type { FrameOf, FrameTypeName } from '../protocol/frames.js';
import { ClientError } from './errors.js';
import { withStates, type IncomingMessage } from './files.js';
import { writeFrame, type Link } from './link.js';
import type { Outbox } from './outbox.js';
import { RecentIds } from './recent-ids.js';
import type { RequestTable } from './requests.js';
import type { Transfers } from './transfers.js';
import type { Ack, ClientEvents, RoomSettings, SessionInfo } from './types.js';

/** What the handlers need of the connection they serve. */
export interface InboundHost {
  readonly requests: RequestTable;
  readonly pings: RequestTable;
  readonly transfers: Transfers;
  readonly outbox: Outbox;
  emit<K extends keyof ClientEvents>(event: K, payload: ClientEvents[K]): void;
  /** This connection's resume succeeded (its SESSION). */
  resumed(link: Link, f: FrameOf<'SESSION'>): void;
  /** This connection's resume was refused (its ERROR). */
  resumeRefused(link: Link, f: FrameOf<'ERROR'>): void;
}

export function sessionOf(f: FrameOf<'SESSION'>): SessionInfo {
  return { name: f.name, guest: f.guest, token: f.token, resumed: f.resumed, rooms: [...f.rooms] };
}

/** A server's BYE: why the connection is about to close, reported when it does. */
export function byeError(f: FrameOf<'BYE'>): ClientError {
  if (f.code === 0) return ClientError.local('CONNECTION_LOST', `the server said goodbye${f.text ? `: ${f.text}` : ''}`);
  return ClientError.fromCode(f.code, f.text);
}

export class Inbound {
  /** Highest message id seen: the `since` of a resume. */
  highestId = 0;
  /** The current session (kept while a resume is pending). */
  session: SessionInfo | undefined;
  /** Whose messages highestId counts (a different login starts over). */
  private idsOwner: string | undefined;
  private readonly seen: RecentIds;

  constructor(readonly host: InboundHost, dedupeWindow: number) {
    this.seen = new RecentIds(dedupeWindow);
  }

  /** A frame of a ready connection; those without a handler are ignored (§12.1). */
  frame(link: Link, f: FrameOf<FrameTypeName>): void {
    const handle = handlers[f.type] as ((t: Inbound, link: Link, f: FrameOf<FrameTypeName>) => void) | undefined;
    handle?.(this, link, f);
  }

  noteId(id: number): void {
    if (id > this.highestId) this.highestId = id;
  }

  /**
   * The server's resume watermark on a live MSG (docs/protocol.md §7.6.1): every message up to it
   * has come already. 0 until a server sends one.
   */
  safeId = 0;

  /**
   * Where a resume starts: the watermark when the server sends one (a cluster's nodes publish out
   * of id order, so a message below the highest id seen may still be on its way), else the highest
   * id seen. What comes again between the two is dropped as seen.
   */
  get resumePoint(): number {
    return this.safeId > 0 ? Math.min(this.safeId, this.highestId) : this.highestId;
  }

  /** A new session: a login's answer, or a resume's. */
  applySession(f: FrameOf<'SESSION'>): void {
    if (this.idsOwner !== undefined && this.idsOwner !== f.name) {
      // Someone else logged in on this client: the old high-water mark is not theirs.
      this.highestId = 0;
      this.safeId = 0;
      this.seen.clear();
    }
    this.idsOwner = f.name;
    this.session = sessionOf(f);
    this.host.emit('session', sessionOf(f));
  }

  /** This session renamed itself (a guest, docs/protocol.md §7.1.1): a resume uses its new token. */
  renamed(name: string, token: string): void {
    if (!this.session) return;
    this.idsOwner = name;
    this.session = { ...this.session, name, token };
  }

  error(link: Link, f: FrameOf<'ERROR'>): void {
    if (link.phase === 'resume' && f.ref !== 0 && f.ref === link.resumeRef) {
      // A refusal is final, NAME_IN_USE included: a guest's own session still open on the server
      // is taken over by the resume, so that answer means another guest holds the nickname now.
      this.host.resumeRefused(link, f);
      return;
    }
    if (f.ref === 0 && f.code === ErrorCode.LOGIN_TIMEOUT) {
      // The server closes a connection that stays without a session (protocol.md §9.4): not a
      // fault to report but, like a BYE, the reason of the close that follows. The client then
      // reconnects as after any lost connection, ready for a login.
      link.peerBye = ClientError.fromFrame(f);
      return;
    }
    if (f.ref === 0) {
      this.host.emit('error', ClientError.fromFrame(f));
      return;
    }
    // An answer to a request that already timed out is dropped.
    if (!this.host.requests.fail(f.ref, ClientError.fromFrame(f))) this.host.outbox.failRef(f.ref, ClientError.fromFrame(f));
  }

  ack(f: FrameOf<'ACK'>): void {
    const ack: Ack = { id: f.id, at: f.at, cid: f.cid };
    this.noteId(f.id);
    const settled = this.host.outbox.ack(f.ref, ack);
    // Our own message seen earlier (e.g. replayed after a resume): already reported.
    const fresh = this.seen.add(f.id);
    if (settled || fresh) this.host.emit('ack', ack);
  }

  message(m: IncomingMessage): void {
    if (!this.seen.add(m.id)) return; // delivered twice (live, then in a resume replay)
    this.noteId(m.id);
    if (m.cid !== '' && this.session && m.from === this.session.name && this.host.outbox.has(m.cid)) {
      // Our own unacknowledged message, replayed after a resume: it is stored, which is its ACK.
      const ack: Ack = { id: m.id, at: m.at, cid: m.cid };
      this.host.outbox.ack(0, ack);
      this.host.emit('ack', ack);
      return;
    }
    this.host.emit('message', m);
  }
}

type Handler<T extends FrameTypeName> = (t: Inbound, link: Link, f: FrameOf<T>) => void;
type Table = { [T in FrameTypeName]?: Handler<T> };

const settle = (t: Inbound, _link: Link, f: { ref: number } & FrameOf<FrameTypeName>): void => {
  t.host.requests.settle(f.ref, f);
};

/**
 * The frames of a ready connection. Those absent (WELCOME after the handshake, frames only a
 * client sends) are ignored.
 */
const handlers: Table = {
  PING: (_t, link, f) => void writeFrame(link, { type: 'PONG', n: f.n }),
  PONG: (t, _link, f) => void t.host.pings.settle(f.n, f),
  BYE(_t, link, f) {
    link.peerBye = byeError(f);
    link.transport?.close();
  },
  ERROR: (t, link, f) => t.error(link, f),
  SESSION(t, link, f) {
    if (link.phase === 'resume' && f.ref === link.resumeRef) return t.host.resumed(link, f);
    t.applySession(f);
    t.host.requests.settle(f.ref, f);
  },
  ACK: (t, _link, f) => t.ack(f),
  MSG: (t, _link, f) => {
    const [m] = withStates([f.files && f.files.length > 0 ? { ...f.msg, files: f.files } : f.msg], f.states);
    t.message(m);
    if (f.safe !== undefined && f.safe > t.safeId) t.safeId = f.safe;
  },
  FILE_TICKET: settle,
  FILE_STORED: settle,
  FILE_PROGRESS: (t, _link, f) => t.host.transfers.progress(f),
  FILE_DATA: (t, _link, f) => t.host.transfers.data(f),
  JOINED(t, _link, f) {
    for (const m of f.history) t.noteId(m.id);
    t.host.requests.settle(f.ref, f);
  },
  MESSAGES(t, _link, f) {
    for (const m of f.messages) t.noteId(m.id);
    t.host.requests.settle(f.ref, f);
  },
  OK: settle,
  ROOM_LIST: settle,
  MEMBER_LIST: settle,
  TOPIC(t, _link, f) {
    if (f.ref !== 0 && t.host.requests.settle(f.ref, f)) return;
    t.host.emit('topic', { room: f.room, topic: f.topic, by: f.by });
  },
  NICK(t, _link, f) {
    // The answer to this session's own rename: its name and resume token are the new ones.
    const me = f.ref !== 0;
    if (me) t.renamed(f.name, f.token);
    t.host.emit('nick', { user: f.user, name: f.name, me });
    if (me) t.host.requests.settle(f.ref, f);
  },
  KICK(t, _link, f) {
    if (f.ref !== 0 && t.host.requests.settle(f.ref, f)) return;
    t.host.emit('kick', { room: f.room, user: f.user, by: f.by, reason: f.reason });
  },
  EDIT: (t, _link, f) => t.host.emit('edit', { id: f.id, text: f.text, by: f.by, at: f.at }),
  DELETE: (t, _link, f) => t.host.emit('delete', { id: f.id, by: f.by, at: f.at }),
  REACT: (t, _link, f) => t.host.emit('react', { id: f.id, emoji: f.emoji, on: f.on, user: f.user }),
  ROLE: (t, _link, f) => t.host.emit('role', { room: f.room, user: f.user, role: f.role, by: f.by }),
  SETTINGS(t, _link, f) {
    if (f.ref !== 0 && t.host.requests.settle(f.ref, f)) return;
    t.host.emit('settings', { room: f.room, settings: settingsOf(f), by: f.by });
  },
  INVITE: (t, _link, f) => t.host.emit('invite', { room: f.room, by: f.by }),
  MUTE: (t, _link, f) => t.host.emit('mute', { room: f.room, user: f.user, seconds: f.seconds, reason: f.reason, by: f.by }),
  BAN_LIST: settle,
  AUDIT_LOG: settle,
  PRESENCE: (t, _link, f) => t.host.emit('presence', { room: f.room, user: f.user, event: f.event }),
  CONSENT_ASK: (t, _link, f) => t.host.emit('consent-ask', { user: f.user }),
  CONSENT: (t, _link, f) => t.host.emit('consent', { user: f.user, accept: f.accept }),
  GAP: (t, _link, f) => t.host.emit('gap', { since: f.since, until: f.until }),
  TYPING: (t, _link, f) => t.host.emit('typing', { room: f.to, user: f.user }),
  READ(t, _link, f) {
    if (f.ref !== 0 && t.host.requests.settle(f.ref, f)) return;
    t.host.emit('read', { with: f.with, id: f.id });
  },
  UNREAD_LIST: settle,
};

/** A SETTINGS frame's settings, as the SDK gives them. */
export function settingsOf(f: FrameOf<'SETTINGS'>): RoomSettings {
  const { inviteOnly, keyed, key, limit, moderated, secret, topicLocked, membersOnly, closed } = f;
  return { inviteOnly, keyed, key, limit, moderated, secret, topicLocked, membersOnly, closed };
}
