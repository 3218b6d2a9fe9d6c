import type { NameKey } from '../core/types.js';
import type { GuestMember, NickHolder, Presence } from '../ports/presence.js';

/** Presence in one process: for a single node, or several nodes of one process sharing it. */
export class MemoryPresence implements Presence {
  /** Session ids of each user, each with whether it receives live. */
  private readonly users = new Map<NameKey, Map<string, boolean>>();
  private readonly nicks = new Map<NameKey, NickHolder>();
  private readonly rooms = new Map<NameKey, Map<NameKey, GuestMember>>();
  private readonly roomsOfGuest = new Map<NameKey, Set<NameKey>>();

  async online(user: NameKey, sessionId: string, live = true): Promise<void> {
    let sessions = this.users.get(user);
    if (!sessions) this.users.set(user, (sessions = new Map()));
    sessions.set(sessionId, live);
  }

  async offline(user: NameKey, sessionId: string): Promise<void> {
    const sessions = this.users.get(user);
    if (!sessions) return;
    sessions.delete(sessionId);
    if (sessions.size === 0) this.users.delete(user);
  }

  async isOnline(user: NameKey): Promise<boolean> {
    return this.users.has(user);
  }

  async receivesLive(user: NameKey): Promise<boolean> {
    for (const live of this.users.get(user)?.values() ?? []) if (live) return true;
    return false;
  }

  async sessions(user: NameKey): Promise<string[]> {
    return [...(this.users.get(user)?.keys() ?? [])];
  }

  async holdNick(nick: NameKey, holder: NickHolder): Promise<NickHolder> {
    const current = this.nicks.get(nick);
    if (current && current.key !== holder.key) return current;
    this.nicks.set(nick, holder);
    return holder;
  }

  async releaseNick(nick: NameKey, guest: NameKey): Promise<void> {
    if (this.nicks.get(nick)?.key === guest && !this.users.has(guest)) this.nicks.delete(nick);
  }

  async nickHolder(nick: NameKey): Promise<NickHolder | undefined> {
    return this.nicks.get(nick);
  }

  async guestJoined(room: NameKey, member: GuestMember): Promise<void> {
    let members = this.rooms.get(room);
    if (!members) this.rooms.set(room, (members = new Map()));
    members.set(member.key, { ...member });
    let rooms = this.roomsOfGuest.get(member.key);
    if (!rooms) this.roomsOfGuest.set(member.key, (rooms = new Set()));
    rooms.add(room);
  }

  async guestLeft(room: NameKey, guest: NameKey): Promise<boolean> {
    const members = this.rooms.get(room);
    if (!members?.delete(guest)) return false;
    if (members.size === 0) this.rooms.delete(room);
    const rooms = this.roomsOfGuest.get(guest);
    rooms?.delete(room);
    if (rooms?.size === 0) this.roomsOfGuest.delete(guest);
    return true;
  }

  async guestMembers(room: NameKey): Promise<GuestMember[]> {
    return [...(this.rooms.get(room)?.values() ?? [])].map((m) => ({ ...m }));
  }

  async guestRooms(guest: NameKey): Promise<NameKey[]> {
    return [...(this.roomsOfGuest.get(guest) ?? [])];
  }
}
