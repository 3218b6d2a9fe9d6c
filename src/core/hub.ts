import { nickOfGuestKey } from './names.js';
import type { Session } from './session.js';
import type { NameKey } from './types.js';

/**
 * The local sessions of this node, indexed for fan-out: by user key and by room key.
 * Pure bookkeeping; the node decides who belongs where.
 */
export class Hub {
  private readonly byUser = new Map<NameKey, Set<Session>>();
  private readonly byRoom = new Map<NameKey, Set<Session>>();
  private readonly byNick = new Map<NameKey, Session>(); // guests by plain nickname key

  get sessionCount(): number {
    let n = 0;
    for (const s of this.byUser.values()) n += s.size;
    return n;
  }

  add(session: Session): boolean {
    let set = this.byUser.get(session.key);
    const first = set === undefined;
    if (!set) this.byUser.set(session.key, (set = new Set()));
    set.add(session);
    if (session.guest) this.byNick.set(nickOfGuestKey(session.key), session);
    return first;
  }

  /** Returns true when it was the user's last session here. */
  remove(session: Session): boolean {
    for (const room of session.rooms) {
      const members = this.byRoom.get(room);
      members?.delete(session);
      if (members?.size === 0) this.byRoom.delete(room);
    }
    const set = this.byUser.get(session.key);
    if (!set) return false;
    set.delete(session);
    // A resumed guest session may already have taken the nickname over.
    if (session.guest && this.byNick.get(nickOfGuestKey(session.key)) === session) this.byNick.delete(nickOfGuestKey(session.key));
    if (set.size === 0) {
      this.byUser.delete(session.key);
      return true;
    }
    return false;
  }

  /**
   * A guest's session renamed itself: it is indexed under its new key (already set) and nickname,
   * in one step, so no lookup here sees it under neither.
   */
  rekey(session: Session, oldKey: NameKey): void {
    const old = this.byUser.get(oldKey);
    old?.delete(session);
    if (old?.size === 0) this.byUser.delete(oldKey);
    if (this.byNick.get(nickOfGuestKey(oldKey)) === session) this.byNick.delete(nickOfGuestKey(oldKey));
    let set = this.byUser.get(session.key);
    if (!set) this.byUser.set(session.key, (set = new Set()));
    set.add(session);
    if (session.guest) this.byNick.set(nickOfGuestKey(session.key), session);
  }

  sessionsOf(key: NameKey): ReadonlySet<Session> | undefined {
    return this.byUser.get(key);
  }

  guestByNick(nickKey: NameKey): Session | undefined {
    return this.byNick.get(nickKey);
  }

  roomSessions(room: NameKey): ReadonlySet<Session> | undefined {
    return this.byRoom.get(room);
  }

  enter(session: Session, room: NameKey): void {
    session.rooms.add(room);
    let set = this.byRoom.get(room);
    if (!set) this.byRoom.set(room, (set = new Set()));
    set.add(session);
  }

  exit(session: Session, room: NameKey): void {
    session.rooms.delete(room);
    const set = this.byRoom.get(room);
    if (!set) return;
    set.delete(session);
    if (set.size === 0) this.byRoom.delete(room);
  }

  *all(): Iterable<Session> {
    for (const set of this.byUser.values()) yield* set;
  }
}
