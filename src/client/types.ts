// Public types of the client SDK.
import type { PresenceEvent, WireAudit, WireBan, WireFile, WireMember, WireMessage, WireRole, WireRoom } from '../protocol/frames.js';

export type { WireAudit, WireBan, WireRole };
import type { IncomingMessage } from './files.js';
import type { ReconnectOptions } from './backoff.js';
import type { ClientError } from './errors.js';
import type { ClientState } from './state.js';

export type { IncomingMessage, PresenceEvent, WireFile, WireMember, WireMessage, WireRoom };

/** What the server chose in WELCOME. */
export interface Welcome {
  version: number;
  caps: string[];
  server: string;
  /** Largest frame body the server accepts; the client refuses to send bigger ones. */
  maxFrame: number;
  heartbeatMs: number;
}

export interface SessionInfo {
  /** Display form of the user's name. */
  name: string;
  guest: boolean;
  /** For resuming this session on a new connection. */
  token: string;
  resumed: boolean;
  /** Rooms the user is a member of. */
  rooms: string[];
}

export interface Ack {
  id: number;
  at: number;
  cid: string;
}

export interface JoinedRoom {
  room: string;
  topic: string;
  members: WireMember[];
  /** The last messages of the room, oldest first. */
  history: IncomingMessage[];
}

export interface HistoryOptions {
  /** Only messages with a smaller id. */
  before?: number;
  /** Only messages with a larger id. */
  after?: number;
  /** 1..100, default 50. */
  limit?: number;
}

export interface HistoryPage {
  with: string;
  /** Oldest first. */
  messages: IncomingMessage[];
  /** More messages exist beyond this page. */
  more: boolean;
}

export interface RoomPageOptions {
  /** Where the page starts: the `next` of the page before; '' or absent for the first page. */
  after?: string;
  /** Most rooms wanted, 1..500; absent: the server's choice (100). The server may return fewer. */
  limit?: number;
}

/** One page of the server's rooms (docs/protocol.md §7.2.1). */
export interface RoomPage {
  rooms: WireRoom[];
  /** Pass it as `after` for the next page; '' when this page is the last. */
  next: string;
}

export interface SendOptions {
  /** Client message id; a resend with the same cid is stored only once. Default: random. */
  cid?: string;
  /** The id of a message of the same conversation this one answers (one target only). */
  replyTo?: number;
  /** Ids of files uploaded with upload(): the message carries them (the text may then be ''). */
  files?: string[];
}

/** A file to upload. */
export interface OutgoingFile {
  name: string;
  /** Media type; '' or absent: application/octet-stream. */
  type?: string;
  data: Uint8Array;
}

export interface TransferOptions {
  /** Give up after this long (default: 60 s plus 1 s per 100 kB). */
  timeoutMs?: number;
}

export interface StateChange {
  from: ClientState;
  to: ClientState;
  /** Why, when `to` is 'error'. */
  error?: ClientError;
}

export interface PresenceNotice {
  /** '' for 'online' and 'quit'. */
  room: string;
  user: string;
  event: PresenceEvent;
}

export interface TopicChange {
  room: string;
  topic: string;
  by: string;
}

/** A guest took another nickname (NICK, docs/protocol.md §7.1.1): `user` was its name, `name` is. `me`: this session's own. */
export interface Rename { user: string; name: string; me: boolean }

/** Someone was removed from a room (KICK, or a ban of a member; docs/protocol.md §7.12). */
export interface Removal {
  room: string;
  user: string;
  by: string;
  reason: string;
}

/** A message was edited by its author (EDIT, docs/protocol.md §7.14). */
export interface MessageEdit { id: number; text: string; by: string; at: number }
/** A message was deleted (DELETE): only its tombstone is left. */
export interface MessageDeletion { id: number; by: string; at: number }
/** Someone reacted to a message (on), or took the reaction back (REACT). */
export interface ReactionChange { id: number; emoji: string; on: boolean; user: string }
/** A member's role changed in a room (docs/protocol.md §7.17). */
export interface RoleChange {
  room: string;
  user: string;
  role: WireRole;
  by: string;
}

/** A room's settings (§7.17): `key` is '' unless this user is an operator; `keyed` says whether there is one. */
export interface RoomSettings {
  inviteOnly: boolean;
  keyed: boolean;
  key: string;
  limit: number;
  moderated: boolean;
  secret: boolean;
  topicLocked: boolean;
  membersOnly: boolean;
  closed: boolean;
}

/** What setRoomSettings sets: `key` undefined keeps the room's key, '' removes it. */
export interface RoomSettingsInput {
  inviteOnly: boolean;
  key?: string;
  limit: number;
  moderated: boolean;
  secret: boolean;
  topicLocked: boolean;
  membersOnly: boolean;
}

export interface SettingsChange { room: string; settings: RoomSettings; by: string }
export interface Invitation { room: string; by: string }
/** `seconds` 0: the mute was lifted. */
export interface MuteNotice { room: string; user: string; seconds: number; reason: string; by: string }

export interface ConsentAsk {
  /** Who asks to send you direct messages. */
  user: string;
}

export interface ConsentAnswer {
  /** Who answered your request. */
  user: string;
  accept: boolean;
}

export interface Gap {
  /** Messages after this id and before `until` were not replayed: fetch them with history(). */
  since: number;
  until: number;
}

/** The read state of one conversation, as the server keeps it (docs/protocol.md §7.15). */
export interface UnreadState {
  /** '#room' or the other user's name. */
  with: string;
  /** The newest message read (0: none). */
  read: number;
  /** Others' messages after it, at most 999. */
  unread: number;
  /** Of those, the ones that mention this user's @name. */
  mentions: number;
}

/** One page of search results (docs/protocol.md §7.16), newest first. */
export interface SearchPage {
  messages: IncomingMessage[];
  /** Older results exist: search again with `before` the last id. */
  more: boolean;
}

export interface ClientEvents {
  state: StateChange;
  message: IncomingMessage;
  presence: PresenceNotice;
  topic: TopicChange;
  kick: Removal;
  nick: Rename;
  edit: MessageEdit;
  delete: MessageDeletion;
  react: ReactionChange;
  role: RoleChange;
  settings: SettingsChange;
  invite: Invitation;
  mute: MuteNotice;
  'consent-ask': ConsentAsk;
  consent: ConsentAnswer;
  gap: Gap;
  /** Someone is typing in `room`, or (room '') to this user directly. */
  typing: { room: string; user: string };
  /** Another session of this account read conversation `with` up to message `id` (docs/protocol.md §7.15). */
  read: { with: string; id: number };
  /** An ERROR not tied to a request (ref 0), a bad frame from the server, or a failed resume. */
  error: ClientError;
  session: SessionInfo;
  ack: Ack;
}

export interface HeartbeatOptions {
  /** Ping the server after this much silence. */
  intervalMs: number;
  /** Drop the connection (and reconnect) after this much silence. */
  timeoutMs: number;
}

export interface ClientOptions {
  /** Protocol versions offered in HELLO; default [1]. */
  versions?: readonly number[];
  /** Capabilities offered in HELLO; default: all this SDK knows. */
  caps?: readonly string[];
  agent?: string;
  /** Per request; default 10 s. */
  requestTimeoutMs?: number;
  /** Transport open plus handshake (and resume); default 10 s. */
  connectTimeoutMs?: number;
  /** How long close() waits for the server to hang up after BYE; default 2 s. */
  closeTimeoutMs?: number;
  /** Reconnect after a lost connection; default { initialMs: 250, maxMs: 30000 }. */
  reconnect?: ReconnectOptions | false;
  /** Client-side liveness check; default off (the server pings, and the client answers). */
  heartbeat?: HeartbeatOptions | false;
  /** Requests awaiting an answer; default 1024. */
  maxPending?: number;
  /** Messages awaiting their ACK (including those queued while reconnecting); default 1024. */
  maxUnacked?: number;
  /** Largest frame body accepted from the server; default 16 MiB - 1 (the format's limit). */
  maxFrame?: number;
  /** How many recent message ids are remembered to drop duplicates; default 4096. */
  dedupeWindow?: number;
}
