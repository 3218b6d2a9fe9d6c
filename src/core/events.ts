import type { ChatMessage, MessageId, RoomSettings, TagNote } from './types.js';

/** Room settings as members see them: whether there is a key, not the key (§7.17). */
export type PublicRoomSettings = Omit<RoomSettings, 'key'> & { keyed: boolean };

/**
 * What the core tells a session. One event object is shared by every recipient, so a gateway can
 * encode it once and reuse the bytes for all its connections (see gateways/native/encode-cache.ts).
 */
export type ChatEvent =
  /**
   * `safe`: set by delivery as it hands the event to this node's sessions: every message with an
   * id up to it has been handed to them already (the resume watermark, docs/protocol.md §7.6.1).
   */
  | { kind: 'message'; message: ChatMessage; safe?: number }
  /**
   * `reason`: the user's words on leaving a room or quitting, or what ended its last connection
   * (absent: none given). `leaves` (a quit): the user's memberships end with it (a guest), and
   * its leaves follow, each with `quit`: IRC shows the one QUIT and not the PARTs (docs/irc.md §6.2).
   */
  | { kind: 'presence'; room: string; user: string; event: 'join' | 'leave' | 'online' | 'quit'; reason?: string; leaves?: true; quit?: true }
  | { kind: 'topic'; room: string; topic: string; by: string }
  /**
   * Guest `user` is now called `name` (docs/protocol.md §7.1.1): told in `rooms` (display names,
   * those it is in) to their members, and to the guest's own sessions.
   */
  | { kind: 'nick'; user: string; name: string; rooms: string[] }
  | { kind: 'consent-ask'; from: string }
  | { kind: 'consent'; from: string; accept: boolean }
  | { kind: 'room-created'; room: string; topic: string; by: string }
  /** `user` was removed from `room` by `by` (a kick, or a ban of a member; docs/protocol.md §7.12). */
  | { kind: 'kick'; room: string; user: string; by: string; reason: string }
  /** `user`'s role in `room` is now `role` (docs/protocol.md §7.17). */
  /** `was`: the role it replaced (absent from a node of an earlier version). */
  | { kind: 'role'; room: string; user: string; role: 'member' | 'voiced' | 'operator'; by: string; was?: 'member' | 'voiced' | 'operator' }
  /**
   * The room's settings changed; the key itself is never in the event, only whether there is one.
   * `before`: the settings they replaced (absent from a node of an earlier version), so a gateway
   * can say what changed (IRC's MODE).
   */
  | { kind: 'settings'; room: string; settings: PublicRoomSettings; by: string; before?: PublicRoomSettings }
  /** `user` (the recipient) may now join invite-only `room`. */
  | { kind: 'invite'; room: string; user: string; by: string }
  /** `user` was invited to `room` by `by`: told to the room's members (IRC's invite-notify, docs/irc.md §5). */
  | { kind: 'invited'; room: string; user: string; by: string }
  /** `user` is muted in `room` for `seconds` (0: the mute is lifted). */
  | { kind: 'mute'; room: string; user: string; seconds: number; reason: string; by: string }
  /** Message `id` has a new text, by its author `by` (docs/protocol.md §7.14). */
  | { kind: 'edit'; id: MessageId; text: string; by: string; at: number }
  /** Message `id` was deleted by `by` (its author, a moderator or an admin): only a tombstone stays. */
  | { kind: 'delete'; id: MessageId; by: string; at: number }
  /** `user` reacted to message `id` with `emoji` (on), or took it back. */
  | { kind: 'react'; id: MessageId; emoji: string; user: string; on: boolean }
  /** `user` is typing in `room`, or (room '') to the recipient directly. Ephemeral: never stored. */
  | { kind: 'typing'; room: string; user: string }
  /** Client tags sent without a message (TagNote). Ephemeral: never stored. */
  | { kind: 'tags'; note: TagNote }
  /** The account's read marker of `conversation` ('#Room' or a user's name) is now `id` (docs/protocol.md §7.15). */
  | { kind: 'read'; conversation: string; id: number };

/** Implemented by each gateway for each of its live sessions. Must not throw and must not block. */
export interface SessionSink {
  notify(event: ChatEvent): void;
  /** The core ends the session (e.g. the account was deleted, or the node shuts down). */
  terminate(code: number, text: string): void;
}
