import type { NameKey, RoomRole } from '../core/types.js';

/** The guest that holds a nickname, as every node must see it (a guest exists only while connected). */
export interface NickHolder {
  /** The guest's own key (core/names.ts guestKey). */
  key: NameKey;
  /** Its nickname as shown. */
  name: string;
  /** Its DM policy is 'consent' (ChatOS guests), not 'open'. */
  consent: boolean;
}

/** A guest's membership of a room: guests' memberships are not stored, they last as long as the guest. */
export interface GuestMember {
  key: NameKey;
  name: string;
  role: RoomRole;
}

/**
 * What every node must see of every other's sessions: who is online and how they receive, which
 * guest holds which nickname, and the rooms guests are in. Memory engine for one node (or several
 * in one process); Redis for a cluster, where the sessions of a node that died are taken away
 * once its liveness runs out (presence/redis.ts).
 */
export interface Presence {
  /**
   * One more session of `user`. `live`: it receives messages as they happen (core/session.ts
   * Session.live); a user with no live session gets DMs in its mailbox. `name` is shown when the
   * session's node dies and the others announce that it quit.
   */
  online(user: NameKey, sessionId: string, live?: boolean, name?: string): Promise<void>;
  offline(user: NameKey, sessionId: string): Promise<void>;
  isOnline(user: NameKey): Promise<boolean>;
  /** Has the user a session that receives messages as they happen, on any node? */
  receivesLive(user: NameKey): Promise<boolean>;
  sessions(user: NameKey): Promise<string[]>;

  /**
   * Holds the nickname `nick` (a name key) for this guest unless another guest (another key)
   * holds it; returns the holder afterwards, so the caller compares keys. The same guest holding
   * it again restates it: its name as now written (a change of case) and its DM policy.
   */
  holdNick(nick: NameKey, holder: NickHolder): Promise<NickHolder>;
  /** Lets the nickname go if this guest holds it and has no session left anywhere. */
  releaseNick(nick: NameKey, guest: NameKey): Promise<void>;
  nickHolder(nick: NameKey): Promise<NickHolder | undefined>;

  guestJoined(room: NameKey, member: GuestMember): Promise<void>;
  /** True when the guest was a member. */
  guestLeft(room: NameKey, guest: NameKey): Promise<boolean>;
  guestMembers(room: NameKey): Promise<GuestMember[]>;
  /** The rooms a guest is in. */
  guestRooms(guest: NameKey): Promise<NameKey[]>;
}
