import type { NodeContext } from './context.js';
import { ChatError } from './errors.js';
import { isGuestKey, nickOfGuestKey, parseUserName } from './names.js';
import type { Rooms } from './rooms.js';
import type { Session } from './session.js';
import type { NameKey, RoomBan, RoomRecord } from './types.js';

/**
 * Ranks in a room (docs/protocol.md §7.12): a server admin outranks the room's owner (its
 * creator), who outranks its operators, who outrank its members. An action on someone needs a
 * rank above theirs, so an operator cannot remove another operator, nor anyone the owner.
 */
const enum Rank { Member = 0, Operator = 1, Owner = 2, Admin = 3 }

/** Whom a moderation action is about: who is a member now (its key), and what a ban names. */
interface Target { name: string; member: NameKey; banKey: NameKey; guest: boolean }

const MAX_REASON = 300;

/** Kicking, banning and unbanning in rooms. Rules live here; gateways only carry them. */
export class Moderation {
  constructor(private readonly ctx: NodeContext, private readonly rooms: Rooms) {}

  /** Removes `user` from the room; everyone there (and the user) sees why. */
  async kick(session: Session, rawRoom: string, user: string, reason: string): Promise<void> {
    const { room, target } = await this.authorise(session, rawRoom, user, reason);
    if (!(await this.isMember(room.key, target))) throw new ChatError('NOT_MEMBER', `${target.name} is not in ${room.name}`);
    await this.remove(session, room, target, reason);
  }

  /** Keeps `user` (an account, or every guest of a nickname) out of the room, and removes it if in. */
  async ban(session: Session, rawRoom: string, user: string, reason: string): Promise<void> {
    const { room, target } = await this.authorise(session, rawRoom, user, reason);
    await this.ctx.store.addBan({ room: room.key, target: target.banKey, by: session.name, reason, at: this.ctx.now() });
    if (await this.isMember(room.key, target)) await this.remove(session, room, target, reason);
  }

  async unban(session: Session, rawRoom: string, user: string): Promise<void> {
    const room = await this.rooms.require(rawRoom);
    if ((await this.rankOf(session, room)) < Rank.Operator) throw new ChatError('NOT_OPERATOR', `not an operator of ${room.name}`);
    const key = keyOf(user);
    if (!(await this.ctx.store.removeBan(room.key, key))) throw new ChatError('NO_SUCH_USER', `${user} is not banned from ${room.name}`);
  }

  /** The room's bans, for its operators. */
  async bans(session: Session, rawRoom: string): Promise<RoomBan[]> {
    const room = await this.rooms.require(rawRoom);
    if ((await this.rankOf(session, room)) < Rank.Operator) throw new ChatError('NOT_OPERATOR', `not an operator of ${room.name}`);
    return this.ctx.store.bans(room.key);
  }

  /**
   * May this session remove a message `author` wrote in the room (docs/protocol.md §7.14)? The
   * same rank rule as a removal of its author: an operator or above, ranking above the author.
   */
  async mayRemoveMessageOf(session: Session, room: RoomRecord, author: NameKey): Promise<boolean> {
    const mine = await this.rankOf(session, room);
    return mine >= Rank.Operator && mine > (await this.rankOfKey(author, room));
  }

  /** BANNED when this session's user (or a guest's nickname) is banned from the room. */
  async checkJoin(session: Session, room: RoomRecord): Promise<void> {
    const key = session.guest ? nickOfGuestKey(session.key) : session.key;
    if (await this.ctx.store.getBan(room.key, key)) throw new ChatError('BANNED', `you are banned from ${room.name}`);
  }

  private async authorise(session: Session, rawRoom: string, user: string, reason: string): Promise<{ room: RoomRecord; target: Target }> {
    if ([...reason].length > MAX_REASON) throw new ChatError('BAD_REQUEST', `a reason has at most ${MAX_REASON} characters`);
    const room = await this.rooms.require(rawRoom);
    const mine = await this.rankOf(session, room);
    if (mine < Rank.Operator) throw new ChatError('NOT_OPERATOR', `not an operator of ${room.name}`);
    const target = await this.targetOf(user);
    if (target.member === session.key) throw new ChatError('BAD_REQUEST', 'not on yourself: leave the room instead');
    if ((await this.rankOfKey(target.member, room)) >= mine) throw new ChatError('NOT_OPERATOR', `${target.name} ranks as high as you in ${room.name}`);
    return { room, target };
  }

  private async remove(session: Session, room: RoomRecord, target: Target, reason: string): Promise<void> {
    if (target.guest) await this.ctx.presence.guestLeft(room.key, target.member);
    else await this.ctx.store.removeMember(room.key, target.member);
    // The target's own sessions hear it on its user's channel, as they leave the room's.
    this.ctx.delivery.deliver({ kind: 'kick', room: room.name, user: target.name, by: session.name, reason }, [room.key], [target.member]);
    await this.ctx.delivery.membershipChanged(target.member, room.key, false);
  }

  private async targetOf(user: string): Promise<Target> {
    let parsed;
    try {
      parsed = parseUserName(user);
    } catch {
      throw new ChatError('NO_SUCH_USER', `no such user: ${user.slice(0, 40)}`);
    }
    const account = await this.ctx.store.getAccount(parsed.key);
    if (account) return { name: account.name, member: account.key, banKey: account.key, guest: false };
    const guest = await this.ctx.presence.nickHolder(parsed.key);
    // A nickname nobody holds may still be banned: the next guest to take it stays out.
    if (guest && isGuestKey(guest.key)) return { name: guest.name, member: guest.key, banKey: parsed.key, guest: true };
    return { name: parsed.name, member: parsed.key, banKey: parsed.key, guest: true };
  }

  private async isMember(room: NameKey, target: Target): Promise<boolean> {
    if (target.guest) return (await this.ctx.presence.guestMembers(room)).some((m) => m.key === target.member);
    return (await this.ctx.store.members(room)).some((m) => m.user === target.member);
  }

  private rankOf(session: Session, room: RoomRecord): Promise<Rank> {
    return this.rankOfKey(session.key, room);
  }

  private async rankOfKey(key: NameKey, room: RoomRecord): Promise<Rank> {
    if (!isGuestKey(key) && (await this.ctx.store.getAccount(key))?.admin) return Rank.Admin;
    if (room.creator !== undefined && room.creator === key) return Rank.Owner;
    const role = isGuestKey(key)
      ? (await this.ctx.presence.guestMembers(room.key)).find((m) => m.key === key)?.role
      : (await this.ctx.store.members(room.key)).find((m) => m.user === key)?.role;
    return role === 'operator' ? Rank.Operator : Rank.Member;
  }
}

/** What a ban of this name is kept under: the name's key, for an account and a nickname alike. */
function keyOf(user: string): NameKey {
  try {
    return parseUserName(user).key;
  } catch {
    throw new ChatError('NO_SUCH_USER', `no such user: ${user.slice(0, 40)}`);
  }
}
