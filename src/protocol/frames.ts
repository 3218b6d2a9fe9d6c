// Native protocol v1: the frames, as typed values. The byte layout lives in codec.ts and
// docs/protocol.md. This file is shared by the server, the Node client and the browser: it
// must import nothing from Node.

export const PROTOCOL_VERSIONS = [1] as const;

/** Capabilities this implementation knows. Unknown capabilities offered by a peer are ignored. */
export const CAPABILITIES = [
  'dm-consent', 'resume', 'multi-target', 'presence', 'history', 'files', 'typing', 'directs', 'room-pages', 'moderation', 'message-edits', 'read-markers', 'search',
  'room-settings', 'nick-change',
] as const;

/** Frame type codes (one byte). 0x00 and 0xF0-0xFF are reserved for extensions. */
export const FrameType = {
  HELLO: 0x01,        // c->s: versions and capabilities offered
  WELCOME: 0x02,      // s->c: chosen version and capabilities
  ERROR: 0x03,        // s->c: coded error, tied to a request by ref (0 = not tied)
  PING: 0x04,         // either way
  PONG: 0x05,         // either way
  BYE: 0x06,          // either way: graceful close (seed 000 DISCONNECT)
  REGISTER: 0x10,     // c->s
  LOGIN: 0x11,        // c->s (guest flag: guest nickname; token present: resume)
  SESSION: 0x12,      // s->c: login succeeded
  OK: 0x13,           // s->c: generic success for a request
  SUSPEND: 0x14,      // c->s: a server admin suspends an account, or lifts it
  NICK: 0x15,         // c->s: a guest takes another nickname; s->c: the answer (its new token), or a guest was renamed (ref 0)
  CREATE: 0x20,       // c->s: create room
  JOIN: 0x21,         // c->s
  JOINED: 0x22,       // s->c: answer to JOIN/CREATE: room, topic, members, recent history
  LEAVE: 0x23,        // c->s
  ROOMS: 0x24,        // c->s: list rooms
  ROOM_LIST: 0x25,    // s->c
  MEMBERS: 0x26,      // c->s
  MEMBER_LIST: 0x27,  // s->c
  TOPIC: 0x28,        // c->s: set topic; s->c: topic changed (ref 0)
  KICK: 0x29,         // c->s: remove a member; s->c: a member was removed (ref 0)
  BAN: 0x2a,          // c->s: keep a user (or a guest nickname) out of a room
  UNBAN: 0x2b,        // c->s: lift a ban
  ROLE: 0x2c,         // c->s: grant or take operator or voice; s->c: a member's role changed (ref 0)
  SETTINGS: 0x2d,     // c->s: set a room's settings; s->c: its settings (answer to GET_SETTINGS, or changed: ref 0)
  INVITE: 0x2e,       // c->s: invite a user into a room; s->c: you were invited (ref 0)
  MUTE: 0x2f,         // c->s: mute a user for a while, or lift it; s->c: a user was muted (ref 0)
  SEND: 0x30,         // c->s: message to one or more targets
  ACK: 0x31,          // s->c: message is durable, with its server id
  MSG: 0x32,          // s->c: a delivered message
  HISTORY: 0x33,      // c->s: page of a conversation
  MESSAGES: 0x34,     // s->c: a page of messages
  PRESENCE: 0x35,     // s->c: join/leave of a room, online/quit of a user
  GAP: 0x36,          // s->c: resume could not replay everything; fetch history
  TYPING: 0x37,       // c->s: typing to a target; s->c: someone is typing (ephemeral)
  DIRECTS: 0x38,      // c->s: one's recent direct conversations; answered by MESSAGES
  READ: 0x3c,         // c->s: move one's read marker of a conversation; s->c: it moved (ref 0: by another session)
  UNREADS: 0x3d,      // c->s: the read state of one's conversations
  UNREAD_LIST: 0x3e,  // s->c: per conversation its marker, unread and mention counts
  SEARCH: 0x3f,       // c->s: search the text of what one may read; answered by MESSAGES, newest first
  EDIT: 0x39,         // c->s: edit own message; s->c: a message was edited (ref 0)
  DELETE: 0x3a,       // c->s: delete a message; s->c: a message was deleted (ref 0)
  REACT: 0x3b,        // c->s: react to a message, or take it back; s->c: someone did (ref 0)
  SET_POLICY: 0x40,   // c->s: own DM policy
  CONSENT_ASK: 0x41,  // c->s: ask to DM a user; s->c: someone asks you
  CONSENT: 0x42,      // c->s: answer a request; s->c: your request was answered
  BLOCK: 0x43,        // c->s: block a user (no DMs, requests or typing from it), or unblock
  FILE_OFFER: 0x50,   // c->s: announce an upload (name, size, type, SHA-256)
  FILE_TICKET: 0x51,  // s->c: the upload's ticket and the file id it will have
  FILE_PUT: 0x52,     // c->s: bytes of an upload, by ticket
  FILE_PROGRESS: 0x53, // s->c: bytes of an upload written so far (flow control)
  FILE_STORED: 0x54,  // s->c: the upload is complete, verified and durable
  FILE_GET: 0x55,     // c->s: download a file by id
  FILE_DATA: 0x56,    // s->c: bytes of a download
  BANS: 0x60,         // c->s: a room's bans, for its operators
  BAN_LIST: 0x61,     // s->c
  CLOSE: 0x62,        // c->s: a server admin closes a room, or opens it again
  AUDIT: 0x63,        // c->s: a page of the audit log, for server admins
  AUDIT_LOG: 0x64,    // s->c
  GET_SETTINGS: 0x65, // c->s: a room's settings; answered by SETTINGS
} as const;

export type FrameTypeName = keyof typeof FrameType;

export interface WireMessage {
  id: number;        // server message id (u53)
  at: number;        // server time, ms since epoch
  from: string;      // sender display name
  to: string[];      // targets: '#room' or user names
  text: string;
  cid: string;       // the sender's client message id ('' if none)
}

/** A file attached to a message (§7.10). `message` is the id of the message that carries it. */
export interface WireFile {
  message: number;
  id: string;        // the file id: 128 random bits, hex; whoever holds it may download the file
  name: string;
  size: number;      // bytes
  type: string;      // media type, e.g. 'image/png'
  sha256: string;    // lower-case hex
}

/** The read state of one conversation (§7.15). */
export interface WireUnread {
  with: string;      // '#room' or a user name
  read: number;      // the marker: the newest message read (0: none)
  unread: number;    // messages after it not sent by the account, at most 999
  mentions: number;  // of those, the ones that mention the account's @name
}

/**
 * What is known of a message beyond WireMessage (§7.14), in a trailing list parallel to the
 * messages of MSG, JOINED and MESSAGES: only messages with something to say are listed.
 */
export interface WireState {
  message: number;   // the message's id
  replyTo: number;   // the message it answers; 0: none
  edited: number;    // when its text was last edited, ms since epoch; 0: never
  deleted: number;   // when it was deleted (its text and files are gone); 0: not deleted
  deletedBy: string; // who deleted it; '' when not deleted
  reactions: WireReaction[];
}

/** One emoji's reactions to a message: how many in all, and the first who reacted (at most 10). */
export interface WireReaction { emoji: string; count: number; users: string[] }

export interface WireMember { name: string; online: boolean; operator: boolean }
export interface WireRoom { name: string; topic: string; members: number }
/** A ban (§7.17): an account's or nickname's key, a nickname pattern, or '@' and an address block. */
export interface WireBan { target: string; by: string; reason: string; at: number }
export interface WireAudit { id: number; at: number; actor: string; action: string; room: string; target: string; detail: string }
export type WireRole = 'member' | 'voiced' | 'operator';

/** join/leave: room-scoped. online/quit: a user's first session began / last session ended (room ''). */
export type PresenceEvent = 'join' | 'leave' | 'online' | 'quit';

export type Frame =
  | { type: 'HELLO'; versions: number[]; caps: string[]; agent: string }
  | { type: 'WELCOME'; version: number; caps: string[]; server: string; maxFrame: number; heartbeatMs: number }
  /** retryMs (§12.3 trailing): milliseconds until the request may succeed; absent or 0: not given. */
  | { type: 'ERROR'; ref: number; code: number; text: string; versions: number[]; retryMs?: number }
  | { type: 'PING'; n: number }
  | { type: 'PONG'; n: number }
  | { type: 'BYE'; code: number; text: string }
  | { type: 'REGISTER'; ref: number; name: string; password: string }
  | { type: 'LOGIN'; ref: number; name: string; password: string; guest: boolean; token: string; since: number }
  | { type: 'SESSION'; ref: number; name: string; guest: boolean; token: string; resumed: boolean; rooms: string[] }
  | { type: 'OK'; ref: number }
  | { type: 'SUSPEND'; ref: number; user: string; reason: string; suspended: boolean }
  /** A guest's new nickname (docs/protocol.md §7.1.1): `user` the old name, `name` the new; `token` only in the answer. */
  | { type: 'NICK'; ref: number; user: string; name: string; token: string }
  | { type: 'CREATE'; ref: number; room: string; topic: string }
  /** `key` (§12.3 trailing): the room's join key, when it has one (§7.17). */
  | { type: 'JOIN'; ref: number; room: string; key?: string }
  | { type: 'JOINED'; ref: number; room: string; topic: string; members: WireMember[]; history: WireMessage[]; files?: WireFile[]; states?: WireState[] }
  | { type: 'LEAVE'; ref: number; room: string }
  | { type: 'ROOMS'; ref: number; after?: string; limit?: number }
  | { type: 'ROOM_LIST'; ref: number; rooms: WireRoom[]; next?: string }
  | { type: 'MEMBERS'; ref: number; room: string }
  /** `voiced` (§12.3 trailing): the members who may speak in a moderated room (§7.17). */
  | { type: 'MEMBER_LIST'; ref: number; room: string; members: WireMember[]; voiced?: string[] }
  | { type: 'TOPIC'; ref: number; room: string; topic: string; by: string }
  | { type: 'KICK'; ref: number; room: string; user: string; reason: string; by: string }
  | { type: 'BAN'; ref: number; room: string; user: string; reason: string }
  | { type: 'UNBAN'; ref: number; room: string; user: string }
  | { type: 'ROLE'; ref: number; room: string; user: string; role: WireRole; by: string }
  | {
    type: 'SETTINGS'; ref: number; room: string; inviteOnly: boolean; keyed: boolean; key: string; limit: number;
    moderated: boolean; secret: boolean; topicLocked: boolean; membersOnly: boolean; closed: boolean; by: string;
  }
  | { type: 'INVITE'; ref: number; room: string; user: string; by: string }
  | { type: 'MUTE'; ref: number; room: string; user: string; seconds: number; reason: string; by: string }
  /** `replyTo` (§12.3 trailing): the id of the message this one answers (§7.14); 0 or absent: none. */
  | { type: 'SEND'; ref: number; cid: string; to: string[]; text: string; files?: string[]; replyTo?: number }
  | { type: 'ACK'; ref: number; cid: string; id: number; at: number }
  /** `safe`: every message up to this id has been sent on this connection already (§7.6.1). */
  | { type: 'MSG'; msg: WireMessage; files?: WireFile[]; safe?: number; states?: WireState[] }
  | { type: 'HISTORY'; ref: number; with: string; before: number; after: number; limit: number }
  | { type: 'MESSAGES'; ref: number; with: string; messages: WireMessage[]; more: boolean; files?: WireFile[]; states?: WireState[] }
  | { type: 'PRESENCE'; room: string; user: string; event: PresenceEvent }
  | { type: 'GAP'; since: number; until: number }
  | { type: 'TYPING'; to: string; user: string }
  | { type: 'DIRECTS'; ref: number; limit: number }
  | { type: 'READ'; ref: number; with: string; id: number }
  | { type: 'UNREADS'; ref: number; limit: number }
  | { type: 'UNREAD_LIST'; ref: number; unreads: WireUnread[] }
  | { type: 'SEARCH'; ref: number; query: string; before: number; limit: number }
  | { type: 'EDIT'; ref: number; id: number; text: string; by: string; at: number }
  | { type: 'DELETE'; ref: number; id: number; by: string; at: number }
  | { type: 'REACT'; ref: number; id: number; emoji: string; on: boolean; user: string }
  | { type: 'SET_POLICY'; ref: number; policy: 'open' | 'consent' }
  | { type: 'CONSENT_ASK'; ref: number; user: string }
  | { type: 'CONSENT'; ref: number; user: string; accept: boolean }
  | { type: 'BLOCK'; ref: number; user: string; blocked: boolean }
  | { type: 'FILE_OFFER'; ref: number; name: string; size: number; mediaType: string; sha256: string }
  | { type: 'FILE_TICKET'; ref: number; ticket: string; file: string; chunk: number; window: number }
  | { type: 'FILE_PUT'; ticket: string; offset: number; last: boolean; data: Uint8Array }
  | { type: 'FILE_PROGRESS'; ref: number; received: number }
  | { type: 'FILE_STORED'; ref: number; file: WireFile }
  | { type: 'FILE_GET'; ref: number; file: string; offset: number }
  | { type: 'FILE_DATA'; ref: number; offset: number; last: boolean; data: Uint8Array }
  | { type: 'BANS'; ref: number; room: string }
  | { type: 'BAN_LIST'; ref: number; room: string; bans: WireBan[] }
  | { type: 'CLOSE'; ref: number; room: string; closed: boolean; reason: string }
  | { type: 'AUDIT'; ref: number; room: string; before: number; limit: number }
  | { type: 'AUDIT_LOG'; ref: number; records: WireAudit[] }
  | { type: 'GET_SETTINGS'; ref: number; room: string };

export type FrameOf<T extends FrameTypeName> = Extract<Frame, { type: T }>;

/** Default and hard limits (bytes / counts); see docs/protocol.md "Limits". */
export const Limits = {
  MAX_FRAME: 65_536,         // largest frame body a peer must accept
  MAX_TEXT: 4_000,           // bytes of UTF-8 in a message text
  MAX_TARGETS: 32,
  MAX_NAME: 32,              // characters of a user name
  MAX_ROOM_NAME: 50,         // characters of a room name including '#'
  MAX_TOPIC: 300,
  MAX_PASSWORD: 128,         // bytes
  MIN_PASSWORD: 8,           // characters of a new password
  MAX_CID: 64,               // bytes of a client message id
  HISTORY_PAGE: 100,
  ROOM_PAGE: 500,            // largest ROOMS.limit
  ROOM_PAGE_DEFAULT: 100,    // rooms in a page when ROOMS.limit is 0 or absent
  JOIN_HISTORY: 10,
  MAX_FILE_NAME: 255,        // bytes of a file name
  MAX_MEDIA_TYPE: 127,       // bytes of a media type
  MAX_FILES: 10,             // files attached to one message
  FILE_CHUNK: 32_768,        // bytes of data in one FILE_PUT or FILE_DATA
  MAX_EMOJI: 32,             // bytes of UTF-8 in one reaction
} as const;
