import type { Audit } from './audit.js';
import type { NodeContext } from './context.js';
import { ChatError } from './errors.js';
import { checkReason, type Moderation } from './moderation.js';
import { parseUserName } from './names.js';
import { ROLE_RANK, Rank, personKey, type MemberRole, type Ranks } from './ranks.js';
import { checkSettings, describeChange, keyMatches, publicSettings, settingsOf } from './room-settings.js';
import type { Rooms } from './rooms.js';
import type { Session } from './session.js';
import { findTarget, isMember, membersAsTargets, type Target } from './targets.js';
import type { NameKey, RoomRecord, RoomSettings } from './types.js';

/** Is `user` the session's own name? */
function isSelf(session: Session, user: string): boolean {
  try {
    return parseUserName(user).key === parseUserName(session.name).key;
  } catch {
    return false;
  }
}

/** A mute lasts at most this long (30 days). */
export const MAX_MUTE_SECONDS = 30 * 24 * 3600;

/** A room's settings as a member reads them: `key` is '' below operator, `keyed` says whether there is one. */
export type RoomSettingsView = RoomSettings & { keyed: boolean };

/** What SETTINGS asks: every setting but `closed` (CLOSE, admins only); `key` undefined keeps the key. */
export type SettingsChange = Omit<RoomSettings, 'closed' | 'key'> & { key?: string };

/**
 * Roles, settings, invitations, timed mutes and closing (docs/protocol.md §7.17): the rules, and
 * the checks a JOIN and a room message pass. Every action is written to the audit log here.
 */
export class RoomAdmin {
  constructor(
    private readonly ctx: NodeContext,
    private readonly rooms: Rooms,
    private readonly ranks: Ranks,
    private readonly moderation: Moderation,
    private readonly audit: Audit,
  ) {}

  /** The room's settings: with the key for its operators, without it for its members; NOT_MEMBER otherwise. */
  async settings(session: Session, rawRoom: string): Promise<RoomSettingsView> {
    const room = await this.rooms.require(rawRoom);
    const operator = (await this.ranks.of(session.key, room)) >= Rank.Operator;
    if (!operator && !session.rooms.has(room.key)) throw new ChatError('NOT_MEMBER', `not a member of ${room.name}`);
    const s = await settingsOf(this.ctx.store, room.key);
    return { ...s, key: operator ? s.key : '', keyed: s.key !== '' };
  }

  async setSettings(session: Session, rawRoom: string, change: SettingsChange): Promise<void> {
    const room = await this.rooms.require(rawRoom);
    await this.ranks.requireOperator(session.key, room);
    const before = await settingsOf(this.ctx.store, room.key);
    const after: RoomSettings = { ...change, key: change.key ?? before.key, closed: before.closed };
    checkSettings(after);
    await this.ctx.store.setRoomSettings(room.key, after);
    this.ctx.delivery.deliver({ kind: 'settings', room: room.name, settings: publicSettings(after), before: publicSettings(before), by: session.name }, [room.key], []);
    await this.audit.record(session, 'settings', room.key, '', describeChange(before, after));
  }

  /** Grants or takes a role: only below one's own rank, on a member below it; or lowers one's own. */
  async setRole(session: Session, rawRoom: string, user: string, role: MemberRole): Promise<void> {
    const room = await this.rooms.require(rawRoom);
    if (isSelf(session, user)) return this.stepDown(session, room, role);
    const mine = await this.ranks.requireOperator(session.key, room);
    const target = await findTarget(this.ctx, user);
    if (!(await isMember(this.ctx, room.key, target))) throw new ChatError('NOT_MEMBER', `${target.name} is not in ${room.name}`);
    if ((await this.ranks.of(target.member, room)) >= mine) throw new ChatError('NOT_OPERATOR', `${target.name} ranks as high as you in ${room.name}`);
    if (ROLE_RANK[role] >= mine) throw new ChatError('NOT_OPERATOR', `you may grant only roles below your own in ${room.name}`);
    await this.applyRole(session, room, target, role);
  }

  /** A member lowers its own role (IRC's MODE -o of one's own nick), never raises it. */
  private async stepDown(session: Session, room: RoomRecord, role: MemberRole): Promise<void> {
    if (!session.rooms.has(room.key)) throw new ChatError('NOT_MEMBER', `not a member of ${room.name}`);
    if (ROLE_RANK[role] >= ROLE_RANK[await this.ranks.roleOf(session.key, room.key)]) throw new ChatError('NOT_OPERATOR', `you may only lower your own role in ${room.name}`);
    await this.applyRole(session, room, await findTarget(this.ctx, session.name), role);
  }

  private async applyRole(session: Session, room: RoomRecord, target: Target, role: MemberRole): Promise<void> {
    const was = await this.ranks.roleOf(target.member, room.key);
    const stored = role === 'operator' ? 'operator' : 'member';
    if (target.guest) {
      await this.ctx.presence.guestJoined(room.key, { key: target.member, name: target.name, role: stored });
      for (const s of this.ctx.delivery.sessionsOf(target.member) ?? []) s.guestRoles.set(room.key, stored);
    } else {
      await this.ctx.store.setRole(room.key, target.member, stored);
    }
    await this.ctx.store.setVoice(room.key, target.member, role === 'voiced');
    this.ctx.delivery.deliver({ kind: 'role', room: room.name, user: target.name, role, by: session.name, was }, [room.key], []);
    await this.audit.record(session, 'role', room.key, target.name, role);
  }

  /**
   * Lets `user` (an account, or a guest nickname) into the invite-only room once: operators and
   * above. In a room that is not invite-only any member may invite too, which only tells the
   * invitee: no invitation is kept, so it opens nothing if the room becomes invite-only.
   */
  async invite(session: Session, rawRoom: string, user: string): Promise<void> {
    const room = await this.rooms.require(rawRoom);
    const operator = (await this.ranks.of(session.key, room)) >= Rank.Operator;
    if (!operator && (!session.rooms.has(room.key) || (await settingsOf(this.ctx.store, room.key)).inviteOnly)) {
      throw new ChatError('NOT_OPERATOR', `not an operator of ${room.name}`);
    }
    const target = await findTarget(this.ctx, user);
    if (operator) await this.ctx.store.addInvite(room.key, target.banKey);
    this.ctx.delivery.deliver({ kind: 'invite', room: room.name, user: target.name, by: session.name }, [], [target.member]);
    this.ctx.delivery.deliver({ kind: 'invited', room: room.name, user: target.name, by: session.name }, [room.key], []);
    if (operator) await this.audit.record(session, 'invite', room.key, target.name, '');
  }

  /** Mutes `user` in the room for `seconds` (0 lifts the mute), with the rank rule of KICK. */
  async mute(session: Session, rawRoom: string, user: string, seconds: number, reason: string): Promise<void> {
    checkReason(reason);
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_MUTE_SECONDS) throw new ChatError('BAD_REQUEST', `a mute lasts 0..${MAX_MUTE_SECONDS} seconds`);
    const room = await this.rooms.require(rawRoom);
    const mine = await this.ranks.requireOperator(session.key, room);
    const target = await findTarget(this.ctx, user);
    if (target.member === session.key) throw new ChatError('BAD_REQUEST', 'not on yourself');
    if ((await this.ranks.of(target.member, room)) >= mine) throw new ChatError('NOT_OPERATOR', `${target.name} ranks as high as you in ${room.name}`);
    if (seconds === 0) {
      if (!(await this.ctx.store.removeMute(room.key, target.banKey))) throw new ChatError('NO_SUCH_USER', `${target.name} is not muted in ${room.name}`);
    } else {
      await this.ctx.store.setMute({ room: room.key, target: target.banKey, until: this.ctx.now() + seconds * 1000, by: session.name, reason });
    }
    this.ctx.delivery.deliver({ kind: 'mute', room: room.name, user: target.name, seconds, reason, by: session.name }, [room.key], [target.member]);
    await this.audit.record(session, seconds === 0 ? 'unmute' : 'mute', room.key, target.name, seconds === 0 ? reason : `${seconds} s${reason === '' ? '' : `: ${reason}`}`);
  }

  /** A server admin closes the room (everyone in it is removed, nobody joins) or opens it again. */
  async close(session: Session, rawRoom: string, closed: boolean, reason: string): Promise<void> {
    checkReason(reason);
    const room = await this.rooms.require(rawRoom);
    if (!(await this.ranks.isAdminSession(session))) throw new ChatError('NOT_OPERATOR', 'only a server admin may close a room');
    const settings = await settingsOf(this.ctx.store, room.key);
    await this.ctx.store.setRoomSettings(room.key, { ...settings, closed });
    if (closed) for (const member of await membersAsTargets(this.ctx, room.key)) await this.moderation.remove(session.name, room, member, reason);
    await this.audit.record(session, closed ? 'close' : 'reopen', room.key, '', reason);
  }

  /** What a JOIN must pass besides bans: closed, invite-only, key, limit. The owner and admins pass all but closed. */
  async checkJoin(session: Session, room: RoomRecord, key: string): Promise<void> {
    const s = await settingsOf(this.ctx.store, room.key);
    if (s.closed) throw new ChatError('ROOM_CLOSED', `${room.name} is closed`);
    if ((await this.ranks.of(session.key, room)) >= Rank.Operator) return;
    if (s.key !== '' && !keyMatches(key, s.key)) throw new ChatError('BAD_KEY', `${room.name} needs its key`);
    if (s.limit > 0 && (await membersAsTargets(this.ctx, room.key)).length >= s.limit) throw new ChatError('ROOM_FULL', `${room.name} is full`);
    // Last, so that an invitation is used up only by a JOIN that succeeds.
    if (s.inviteOnly && !(await this.ctx.store.takeInvite(room.key, personKey(session.key)))) {
      throw new ChatError('INVITE_ONLY', `${room.name} is invite-only`);
    }
  }

  /**
   * What a message to the room must pass: not closed, from a member unless the room takes
   * messages from outside (and the sender is not banned), not muted, voiced when moderated.
   */
  async checkSend(session: Session, roomKey: NameKey, roomName: string): Promise<void> {
    const member = session.rooms.has(roomKey);
    const s = await settingsOf(this.ctx.store, roomKey);
    if (s.closed) throw new ChatError('ROOM_CLOSED', `${roomName} is closed`);
    if (!member && s.membersOnly) throw new ChatError('NOT_MEMBER', `not a member of ${roomName}`);
    if (!member && this.moderation.isBanned(session, await this.ctx.store.bans(roomKey))) throw new ChatError('BANNED', `you are banned from ${roomName}`);
    const mute = await this.ctx.store.getMute(roomKey, personKey(session.key));
    if (mute && mute.until > this.ctx.now()) throw new ChatError('MUTED', `you are muted in ${roomName} for ${Math.ceil((mute.until - this.ctx.now()) / 1000)} s more`);
    if (s.moderated) {
      const room = await this.rooms.require(roomKey);
      if ((await this.ranks.of(session.key, room)) < Rank.Voiced) throw new ChatError('MODERATED', `${roomName} is moderated: only voiced members speak`);
    }
  }

  /** Whether the room may be listed to this session: secret rooms only to their members. */
  async listed(session: Session | undefined, room: NameKey): Promise<boolean> {
    if (session?.rooms.has(room)) return true;
    return !(await settingsOf(this.ctx.store, room)).secret;
  }
}
