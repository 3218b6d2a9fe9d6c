import type { NodeContext } from './context.js';
import { ChatError } from './errors.js';
import { isGuestKey, nickOfGuestKey, parseUserName } from './names.js';
import type { NameKey } from './types.js';

/**
 * Whom a moderation action is about: who is a member now (its key), and what bans, invitations
 * and mutes name (an account's key, or for a guest its nickname's key).
 */
export interface Target { name: string; member: NameKey; banKey: NameKey; guest: boolean }

export async function findTarget(ctx: NodeContext, user: string): Promise<Target> {
  let parsed;
  try {
    parsed = parseUserName(user);
  } catch {
    throw new ChatError('NO_SUCH_USER', `no such user: ${user.slice(0, 40)}`);
  }
  const account = await ctx.store.getAccount(parsed.key);
  if (account) return { name: account.name, member: account.key, banKey: account.key, guest: false };
  const guest = await ctx.presence.nickHolder(parsed.key);
  // A nickname nobody holds may still be banned or muted: the next guest to take it is.
  if (guest && isGuestKey(guest.key)) return { name: guest.name, member: guest.key, banKey: parsed.key, guest: true };
  return { name: parsed.name, member: parsed.key, banKey: parsed.key, guest: true };
}

export async function isMember(ctx: NodeContext, room: NameKey, target: Target): Promise<boolean> {
  if (target.guest) return (await ctx.presence.guestMembers(room)).some((m) => m.key === target.member);
  return (await ctx.store.members(room)).some((m) => m.user === target.member);
}

/** Everyone in the room now, as targets. */
export async function membersAsTargets(ctx: NodeContext, room: NameKey): Promise<Target[]> {
  const accounts = (await ctx.store.members(room)).map((m) => ({ name: m.name, member: m.user, banKey: m.user, guest: false }));
  const guests = (await ctx.presence.guestMembers(room)).map((g) => ({ name: g.name, member: g.key, banKey: nickOfGuestKey(g.key), guest: true }));
  return [...accounts, ...guests];
}
