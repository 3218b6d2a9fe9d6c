import type { NodeContext } from './context.js';
import { isGuestKey } from './names.js';
import { settingsOf } from './room-settings.js';
import type { NameKey, RoomRecord } from './types.js';

/** Who makes a room anew: a member found in it after it ended. */
export interface Founder { key: NameKey; name: string }

/**
 * How long a room lasts (docs/protocol.md §7.19). A room a guest made lasts, like an IRC channel,
 * while it has members: when the last one leaves and no account belongs to it, it ends with its
 * settings, roles, bans, topic, invitations and history, and the next JOIN makes a new room whose
 * maker is its owner. Rooms made by an account, built-in rooms, rooms an account belongs to (even
 * offline) and closed rooms last, as every room did before.
 *
 * Guests' memberships are in the Presence engine and accounts' in the Store, so "empty" cannot be
 * one atomic read. Both sides therefore write first and check after: the leaver ends the room and
 * then looks for members; a joiner joins and then looks for the room. Whichever sees the other
 * makes the room anew for the member who came, so no JOIN lands in a room that has ended.
 */
export class RoomLifetime {
  constructor(private readonly ctx: NodeContext) {}

  /** Can this room end at all? A room made by a guest; not a built-in one, not one an account made. */
  static transient(room: RoomRecord): boolean {
    return room.creator !== undefined && isGuestKey(room.creator);
  }

  /** A member has left `room`: the room ends if nobody is left in it. True when it ended. */
  async left(room: RoomRecord): Promise<boolean> {
    if (!RoomLifetime.transient(room)) return false;
    // Every message this node makes from here on is above the bound: one sent by someone who
    // joins meanwhile stays in the history of the room made anew for them.
    const before = this.ctx.ids.madeUpTo(this.ctx.now()) + 1;
    if ((await this.ctx.presence.guestMembers(room.key)).length > 0) return false;
    if ((await settingsOf(this.ctx.store, room.key)).closed) return false;
    // The store refuses while an account is a member, in the same write as the ending.
    if (!(await this.ctx.store.dropRoom(room.key, before))) return false;
    const came = (await this.ctx.presence.guestMembers(room.key))[0];
    if (!came) return true;
    await this.remake(room, came);
    return false;
  }

  /**
   * A room that can end but has nobody in it: its guests' node stopped without ending their
   * sessions (a crash), or the Presence engine lost them. It ends now, as it would have then;
   * true when it did.
   */
  async endIfAbandoned(room: RoomRecord): Promise<boolean> {
    if (!RoomLifetime.transient(room) || (await this.ctx.store.members(room.key)).length > 0) return false;
    return this.left(room);
  }

  /**
   * After a JOIN of `room` by `member`: the room as it is now. When it ended while the member was
   * joining, it is made anew with the member as its maker, so the member is not left in nothing.
   */
  async afterJoin(room: RoomRecord, member: Founder): Promise<RoomRecord> {
    if (!RoomLifetime.transient(room)) return room;
    return (await this.ctx.store.getRoom(room.key)) ?? (await this.remake(room, member));
  }

  private async remake(old: RoomRecord, founder: Founder): Promise<RoomRecord> {
    const record: RoomRecord = { key: old.key, name: old.name, topic: '', createdBy: founder.name, createdAt: this.ctx.now(), creator: founder.key };
    if (!(await this.ctx.store.createRoom(record))) return (await this.ctx.store.getRoom(old.key)) ?? record;
    if (isGuestKey(founder.key)) {
      await this.ctx.presence.guestJoined(old.key, { key: founder.key, name: founder.name, role: 'operator' });
      for (const s of this.ctx.delivery.sessionsOf(founder.key) ?? []) s.guestRoles.set(old.key, 'operator');
    } else if (!(await this.ctx.store.addMember({ room: old.key, user: founder.key, name: founder.name, role: 'operator' }))) {
      await this.ctx.store.setRole(old.key, founder.key, 'operator');
    }
    return record;
  }
}
