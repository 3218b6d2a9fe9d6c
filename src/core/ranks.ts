import type { NodeContext } from './context.js';
import { ChatError } from './errors.js';
import { identityOfGuestKey, isGuestKey, nickOfGuestKey } from './names.js';
import type { Session } from './session.js';
import type { NameKey, RoomRecord } from './types.js';

/**
 * Ranks in a room (docs/protocol.md §7.12, §7.17): a server admin outranks the room's owner (its
 * creator), who outranks its operators, who outrank its voiced members, who outrank its members.
 * An action on someone needs a rank above theirs; a role granted or taken must be below one's own.
 */
export const enum Rank { Member = 0, Voiced = 1, Operator = 2, Owner = 3, Admin = 4 }

/** The role a member holds in a room, as ROLE grants it and MEMBER_LIST shows it. */
export type MemberRole = 'member' | 'voiced' | 'operator';

export const ROLE_RANK: Readonly<Record<MemberRole, Rank>> = { member: Rank.Member, voiced: Rank.Voiced, operator: Rank.Operator };

export class Ranks {
  constructor(private readonly ctx: NodeContext) {}

  /** The rank of a user key (an account's, or a guest's own) in the room. */
  async of(key: NameKey, room: RoomRecord): Promise<Rank> {
    if (!isGuestKey(key) && (await this.ctx.store.getAccount(key))?.admin) return Rank.Admin;
    const role = await this.roleOf(key, room.key);
    // A guest owns the room it made while it holds the operator role it got with it: a guest that
    // left and came back to a room that lasted (docs/protocol.md §7.19) is one more member.
    if (room.creator !== undefined && isCreator(room.creator, key) && (!isGuestKey(key) || role === 'operator')) return Rank.Owner;
    return ROLE_RANK[role];
  }

  /** The member's role (operator, voiced or member); 'member' for someone not in the room. */
  async roleOf(key: NameKey, room: NameKey): Promise<MemberRole> {
    const role = isGuestKey(key)
      ? (await this.ctx.presence.guestMembers(room)).find((m) => m.key === key)?.role
      : (await this.ctx.store.members(room)).find((m) => m.user === key)?.role;
    if (role === 'operator') return 'operator';
    return (await this.ctx.store.voiced(room)).includes(key) ? 'voiced' : 'member';
  }

  /** NOT_OPERATOR unless the key ranks at least operator in the room. */
  async requireOperator(key: NameKey, room: RoomRecord): Promise<Rank> {
    const rank = await this.of(key, room);
    if (rank < Rank.Operator) throw new ChatError('NOT_OPERATOR', `not an operator of ${room.name}`);
    return rank;
  }

  async isAdmin(key: NameKey): Promise<boolean> {
    return !isGuestKey(key) && (await this.ctx.store.getAccount(key))?.admin === true;
  }

  /**
   * Whether the session may use a server admin's server-wide powers: its user is an admin, or it
   * proved an admin's password (Session.operator) and that account is an admin still.
   */
  async isAdminSession(session: Session): Promise<boolean> {
    if (await this.isAdmin(session.key)) return true;
    return session.operator !== undefined && (await this.isAdmin(session.operator.key));
  }
}

/** What bans, invitations and mutes of a user are kept under: an account's key, a guest nickname's key. */
export function personKey(key: NameKey): NameKey {
  return isGuestKey(key) ? nickOfGuestKey(key) : key;
}

/** Is `key` the room's creator? A guest that renamed itself since is still the same guest (its identity). */
function isCreator(creator: NameKey, key: NameKey): boolean {
  if (creator === key) return true;
  return isGuestKey(creator) && isGuestKey(key) && identityOfGuestKey(creator) === identityOfGuestKey(key);
}
