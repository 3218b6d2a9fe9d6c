import type { Audit } from './audit.js';
import { isAddressBan, isNickPattern, matchesAddress, matchesPattern, parseAddressBan, parseNickPattern } from './ban-masks.js';
import type { NodeContext } from './context.js';
import { ChatError } from './errors.js';
import { nickOfGuestKey, parseUserName } from './names.js';
import { Rank, type Ranks } from './ranks.js';
import type { Rooms } from './rooms.js';
import type { Session } from './session.js';
import { findTarget, isMember, membersAsTargets, type Target } from './targets.js';
import type { NameKey, RoomBan, RoomRecord } from './types.js';

export const MAX_REASON = 300;

/**
 * Kicking, banning and unbanning in rooms (docs/protocol.md §7.12, §7.17). Rules live here;
 * gateways only carry them. Each action is written to the audit log where it is decided.
 */
export class Moderation {
  constructor(
    private readonly ctx: NodeContext,
    private readonly rooms: Rooms,
    private readonly ranks: Ranks,
    private readonly audit: Audit,
  ) {}

  /** Removes `user` from the room; everyone there (and the user) sees why. */
  async kick(session: Session, rawRoom: string, user: string, reason: string): Promise<void> {
    const { room, target } = await this.authorise(session, rawRoom, user, reason);
    if (!(await isMember(this.ctx, room.key, target))) throw new ChatError('NOT_MEMBER', `${target.name} is not in ${room.name}`);
    await this.remove(session.name, room, target, reason);
    await this.audit.record(session, 'kick', room.key, target.name, reason);
  }

  /**
   * Keeps `user` out of the room, and removes it if in: an account, every guest of a nickname,
   * every guest whose nickname matches a pattern (`*`, `?`), or everyone from an address ('@' and
   * an IP or CIDR block).
   */
  async ban(session: Session, rawRoom: string, user: string, reason: string): Promise<void> {
    if (isNickPattern(user) || isAddressBan(user)) return this.banMask(session, rawRoom, user, reason);
    const { room, target } = await this.authorise(session, rawRoom, user, reason);
    await this.ctx.store.addBan({ room: room.key, target: target.banKey, by: session.name, reason, at: this.ctx.now() });
    if (await isMember(this.ctx, room.key, target)) await this.remove(session.name, room, target, reason);
    await this.audit.record(session, 'ban', room.key, target.name, reason);
  }

  async unban(session: Session, rawRoom: string, user: string): Promise<void> {
    const room = await this.rooms.require(rawRoom);
    await this.ranks.requireOperator(session.key, room);
    const key = banKeyOf(user);
    if (!(await this.ctx.store.removeBan(room.key, key))) throw new ChatError('NO_SUCH_USER', `${user} is not banned from ${room.name}`);
    await this.audit.record(session, 'unban', room.key, key, '');
  }

  /** The room's bans, for its operators. */
  async bans(session: Session, rawRoom: string): Promise<RoomBan[]> {
    const room = await this.rooms.require(rawRoom);
    await this.ranks.requireOperator(session.key, room);
    return this.ctx.store.bans(room.key);
  }

  /**
   * May this session remove a message `author` wrote in the room (docs/protocol.md §7.14)? The
   * same rank rule as a removal of its author: an operator or above, ranking above the author.
   */
  async mayRemoveMessageOf(session: Session, room: RoomRecord, author: NameKey): Promise<boolean> {
    const mine = await this.ranks.of(session.key, room);
    return mine >= Rank.Operator && mine > (await this.ranks.of(author, room));
  }

  /** BANNED when this session's user, its guest nickname (by name or pattern) or its address is banned. */
  async checkJoin(session: Session, room: RoomRecord): Promise<void> {
    if (this.isBanned(session, await this.ctx.store.bans(room.key))) throw new ChatError('BANNED', `you are banned from ${room.name}`);
  }

  isBanned(session: Session, bans: readonly RoomBan[]): boolean {
    const nick = session.guest ? nickOfGuestKey(session.key) : undefined;
    return bans.some((b) => {
      if (isAddressBan(b.target)) return matchesAddress(b.target, session.address);
      if (isNickPattern(b.target)) return nick !== undefined && matchesPattern(b.target, nick);
      return b.target === (nick ?? session.key);
    });
  }

  /** Removes a member; the room and the member see KICK from `by`. */
  async remove(by: string, room: RoomRecord, target: Target, reason: string): Promise<void> {
    if (target.guest) await this.ctx.presence.guestLeft(room.key, target.member);
    else await this.ctx.store.removeMember(room.key, target.member);
    await this.ctx.store.setVoice(room.key, target.member, false);
    // The target's own sessions hear it on its user's channel, as they leave the room's.
    this.ctx.delivery.deliver({ kind: 'kick', room: room.name, user: target.name, by, reason }, [room.key], [target.member]);
    await this.ctx.delivery.membershipChanged(target.member, room.key, false);
    await this.rooms.afterLeave(room);
  }

  private async banMask(session: Session, rawRoom: string, mask: string, reason: string): Promise<void> {
    checkReason(reason);
    const room = await this.rooms.require(rawRoom);
    const mine = await this.ranks.requireOperator(session.key, room);
    const target = isAddressBan(mask) ? parseAddressBan(mask) : parseNickPattern(mask);
    if (target === undefined) throw new ChatError('BAD_REQUEST', 'not a nickname pattern or an address ban (@IP or @IP/prefix)');
    await this.ctx.store.addBan({ room: room.key, target, by: session.name, reason, at: this.ctx.now() });
    // Members it covers, below the banner's rank, go now; an address is known only for this node's sessions.
    for (const member of await membersAsTargets(this.ctx, room.key)) {
      const covered = isAddressBan(target)
        ? [...(this.ctx.delivery.sessionsOf(member.member) ?? [])].some((s) => matchesAddress(target, s.address))
        : member.guest && matchesPattern(target, member.banKey);
      if (covered && member.member !== session.key && (await this.ranks.of(member.member, room)) < mine) await this.remove(session.name, room, member, reason);
    }
    await this.audit.record(session, 'ban', room.key, target, reason);
  }

  private async authorise(session: Session, rawRoom: string, user: string, reason: string): Promise<{ room: RoomRecord; target: Target }> {
    checkReason(reason);
    const room = await this.rooms.require(rawRoom);
    const mine = await this.ranks.requireOperator(session.key, room);
    const target = await findTarget(this.ctx, user);
    if (target.member === session.key) throw new ChatError('BAD_REQUEST', 'not on yourself: leave the room instead');
    if ((await this.ranks.of(target.member, room)) >= mine) throw new ChatError('NOT_OPERATOR', `${target.name} ranks as high as you in ${room.name}`);
    return { room, target };
  }
}

export function checkReason(reason: string): void {
  if ([...reason].length > MAX_REASON) throw new ChatError('BAD_REQUEST', `a reason has at most ${MAX_REASON} characters`);
}

/** What a ban of this name, pattern or address is kept under. */
function banKeyOf(user: string): NameKey {
  if (isAddressBan(user)) return parseAddressBan(user) ?? user;
  if (isNickPattern(user)) return parseNickPattern(user) ?? user;
  try {
    return parseUserName(user).key;
  } catch {
    throw new ChatError('NO_SUCH_USER', `no such user: ${user.slice(0, 40)}`);
  }
}

