// Domain types shared by the core, the ports and the engines. No I/O here.

/** Canonical key of a user or room name: NFC-normalised and lower-cased. */
export type NameKey = string;

/** A message id: (ms since 2025-01-01) × 4096 + sequence × 16 + node slot (core/ids.ts).
 *  Unique and sortable; a safe integer until the year 2094. */
export type MessageId = number;

export type DmPolicy = 'open' | 'consent';

export interface Account {
  key: NameKey;          // canonical (lower-case) name
  name: string;          // display form, case preserved
  passwordHash: string;  // encoded scrypt hash, see core/password.ts; never the password
  dmPolicy: DmPolicy;
  createdAt: number;     // ms since epoch
  /**
   * Resume tokens carry the generation they were issued in and are valid only while it is the
   * account's: a password change moves it on, which revokes them all (docs/protocol.md §13.5).
   */
  tokenGeneration: number;
  /** A server admin (`confab user admin NAME on`); accounts are made without it. */
  admin: boolean;
  /** Suspended by a server admin: it cannot log in, through any protocol (docs/protocol.md §7.13). */
  suspended: boolean;
}

/** An account as it is created: its token generation starts at 0; no admin, not suspended. */
export type NewAccount = Omit<Account, 'tokenGeneration' | 'admin' | 'suspended'>;

export type RoomRole = 'operator' | 'member';

/**
 * A ban from a room (docs/protocol.md §7.12): `target` is an account's key, or for guests a
 * nickname's key (every guest of that nickname).
 */
export interface RoomBan {
  room: NameKey;
  target: NameKey;
  /** Display name of who banned. */
  by: string;
  reason: string;
  at: number;
}

/**
 * A room's settings (docs/protocol.md §7.17), each enforced by the core. The defaults are how
 * every room behaved before rooms had settings: open to all, topic for operators, members only.
 */
export interface RoomSettings {
  /** Only invited users (and operators and above) may join. */
  inviteOnly: boolean;
  /** A shared secret a JOIN must carry; '' for none. Never shown to anyone below operator. */
  key: string;
  /** The most members the room takes; 0 for no limit. */
  limit: number;
  /** Only voiced members and operators and above may send. */
  moderated: boolean;
  /** Left out of the room list for those who are not members. */
  secret: boolean;
  /** Only operators and above set the topic. */
  topicLocked: boolean;
  /** Only members may send to the room. */
  membersOnly: boolean;
  /** Closed by a server admin: nobody joins or sends. */
  closed: boolean;
}

export const DEFAULT_ROOM_SETTINGS: Readonly<RoomSettings> = Object.freeze({
  inviteOnly: false, key: '', limit: 0, moderated: false, secret: false, topicLocked: true, membersOnly: true, closed: false,
});

/** A timed mute in a room: `target` is an account's key or a guest nickname's key. */
export interface RoomMute {
  room: NameKey;
  target: NameKey;
  /** ms since epoch; the mute is over from then on. */
  until: number;
  by: string;
  reason: string;
}

/** One moderation action, as the audit log keeps it (docs/protocol.md §7.18). */
export interface AuditRecord {
  /** Increasing; pages of the log go by it. */
  id: number;
  at: number;
  /** Display name of who acted. */
  actor: string;
  action: AuditAction;
  /** The room's key; '' for a server-wide action (suspend). */
  room: NameKey;
  /** Whom or what the action was on: a user, a ban pattern, an address, or ''. */
  target: string;
  /** The reason, the new role, the duration or the settings changed. */
  detail: string;
}

export type AuditAction =
  | 'kick' | 'ban' | 'unban' | 'suspend' | 'unsuspend' | 'role' | 'settings' | 'invite' | 'mute' | 'unmute' | 'close' | 'reopen'
  /** A message removed by a moderator or an admin (not by its author): target its author, detail its id. */
  | 'delete'
  /** A server admin ended a user's sessions without suspending it (IRC KILL): target the user. */
  | 'kill';

/** A page of the audit log: newest first, older than `before` (0: from the newest). */
export interface AuditQuery {
  /** Only this room's records (its key). */
  room?: NameKey;
  before: number;
  limit: number;
}

export interface RoomRecord {
  key: NameKey;          // canonical name, including the leading '#'
  name: string;          // display form, e.g. '#General'
  topic: string;
  createdBy: string;     // display name of the creator ('' for built-in rooms)
  createdAt: number;
  creator?: NameKey;     // canonical key of the creator (absent: built-in); the room quota counts by it
  topicBy?: string;      // display name of who set the topic last (absent: unknown, or no topic set)
  topicAt?: number;      // when, ms since the epoch
}

/** A room as the room list shows it: with its number of (registered) members. */
export interface ListedRoom extends RoomRecord {
  members: number;
}

/** Files stored, and their bytes: one user's or the whole server's (quotas, docs/protocol.md §13.6). */
export interface FileUsage {
  files: number;
  bytes: number;
}

export interface Membership {
  room: NameKey;
  user: NameKey;
  name: string;          // the member's display name
  role: RoomRole;
}

/** A target of a message: a room ('#name') or a user ('name'), as display names. */
export type Target = string;

export interface ChatMessage {
  id: MessageId;
  at: number;            // server time, ms since epoch
  from: string;          // sender display name
  fromKey: NameKey;
  guest: boolean;        // sent by a guest session
  text: string;
  rooms: NameKey[];      // canonical keys of target rooms
  users: NameKey[];      // canonical keys of target users (direct messages)
  to: Target[];          // the targets as the sender's client should see them (display names)
  clientId: string;      // the sender's client message id ('' if none); idempotency key with fromKey
  files?: FileRef[];     // attached files (absent: none)
  replyTo?: MessageId;   // the message of the same conversation this one answers (absent: none)
  /**
   * Sent as a notice (IRC's NOTICE, docs/irc.md §6.8): a message no automatic reply may answer.
   * Stored with the message; protocols without notices show it as any message (absent: none).
   */
  notice?: true;
  /**
   * Client-only tags the sender attached (IRCv3 `+` tags, docs/irc.md §5): carried live to the
   * receivers, never stored, so history and other protocols never see them (absent: none).
   */
  clientTags?: Record<string, string>;
  editedAt?: number;     // when its text was last edited (absent: never; docs/protocol.md §7.14)
  /** Deleted: its text and files are gone, this tombstone stays in history (§7.14). */
  deleted?: { by: string; at: number };
  /** Who reacted with what: filled by the core as it reads history; the store leaves it out. */
  reactions?: ReactionGroup[];
}

/**
 * Client tags sent without a message (IRCv3 TAGMSG; core/tag-notes.ts): live only, never stored.
 * `to`: the room's or the recipient's display name (`room` says which); `id`: a fresh message id
 * naming the note (IRC's msgid), which no stored message has.
 */
export interface TagNote {
  id: MessageId;
  at: number;
  from: string;
  fromKey: NameKey;
  guest: boolean;
  to: string;
  room: boolean;
  tags: Record<string, string>;
}

/** One emoji's reactions to a message: how many, and the display names of the first who reacted. */
export interface ReactionGroup {
  emoji: string;
  count: number;
  users: string[];
}

/** One user's reaction to one message, as the store keeps it. */
export interface Reaction {
  message: MessageId;
  emoji: string;
  user: NameKey;
  /** The reactor's display name. */
  name: string;
  at: number;
}

/** A stored file as messages carry it. */
export interface FileRef {
  id: string;            // 32 hex digits, 128 random bits: a capability (docs/protocol.md §13.8)
  name: string;          // as the uploader gave it; never used as a path
  size: number;          // bytes
  type: string;          // media type as the uploader gave it
  sha256: string;        // lower-case hex
}

export interface FileRecord extends FileRef {
  owner: NameKey;        // the uploader
  createdAt: number;
}

export interface HistoryQuery {
  before?: MessageId;    // strictly older than this id
  after?: MessageId;     // strictly newer than this id
  limit: number;         // 1..100
}

export type ConsentState = 'pending' | 'accepted' | 'refused';

/**
 * A read marker (docs/protocol.md §7.15): the newest message of a conversation its account has
 * read, shared by all the account's sessions. `conversation` is a room's key ('#…') or, for direct
 * messages, the other user's key.
 */
export interface ReadMarker {
  conversation: NameKey;
  id: MessageId;
}

/**
 * A search of message text (docs/protocol.md §7.16) within what `user` may read: the messages of
 * `rooms` (those the user is a member of now) and the direct messages from or to `user`. `terms`
 * are plain words (core/search.ts makes them), all of which a message must contain.
 */
export interface SearchQuery {
  user: NameKey;
  rooms: NameKey[];
  terms: string[];
  before?: MessageId;    // strictly older than this id
  limit: number;
}
