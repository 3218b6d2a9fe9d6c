import type { Accounts } from './accounts.js';
import type { NodeContext } from './context.js';
import { ChatError } from './errors.js';
import { guestKey, identityOfGuestKey, nickOfGuestKey, parseUserName, retiredMark } from './names.js';
import { personKey } from './ranks.js';
import type { Rooms } from './rooms.js';
import type { Session } from './session.js';
import type { NameKey, RoomRole } from './types.js';

/**
 * A guest changes its nickname (docs/protocol.md §7.1.1). A guest's key names its nickname
 * (names.ts guestKey), so everything kept under the old key moves to the new one: the nickname
 * hold, presence, memberships with their roles, voice. The order keeps it whole at every step:
 * the new nickname is held before anything moves, each membership is stated under the new key
 * before the old one goes (a room it made never looks empty), and the old nickname is let go last.
 * An account's name is its account: it never changes here.
 */
export class GuestRenames {
  constructor(
    private readonly ctx: NodeContext,
    private readonly accounts: Accounts,
    private readonly rooms: Rooms,
  ) {}

  /** Renames the guest of `session`; its old name, or undefined when the name is already its own. */
  async rename(session: Session, rawNick: string): Promise<string | undefined> {
    if (session.renaming) throw new ChatError('RATE_LIMITED', 'a rename is under way');
    session.renaming = true;
    try {
      return await this.renameNow(session, rawNick);
    } finally {
      session.renaming = false;
    }
  }

  private async renameNow(session: Session, rawNick: string): Promise<string | undefined> {
    if (session.ended) throw new ChatError('BAD_REQUEST', 'the session has ended');
    if (!session.guest) throw new ChatError('BAD_REQUEST', `${session.name} is an account: its name does not change`);
    const wanted = parseUserName(rawNick);
    if (wanted.name === session.name) return undefined;
    const oldKey = session.key;
    const oldName = session.name;
    const oldNick = nickOfGuestKey(oldKey);
    if (wanted.key === oldNick) {
      await this.refuseMuted(session);
      // Only the letters' case changes: the key, and so every hold and membership, stays.
      await this.restate(session, oldKey, wanted.name);
      session.name = wanted.name;
      await this.announce(session, oldName, [...session.rooms]);
      return oldName;
    }
    await this.refuseMuted(session);
    // By the rules of a new guest's nickname, held against racing renames and registrations.
    const claim = await this.accounts.claimRename(rawNick);
    try {
      const newKey = guestKey(claim.key, identityOfGuestKey(oldKey));
      const presence = this.ctx.presence;
      const held = await presence.holdNick(claim.key, { key: newKey, name: claim.name, consent: session.guestDmPolicy === 'consent' });
      if (held.key !== newKey) throw new ChatError('NAME_IN_USE', `${claim.name} is in use`);
      if (this.ctx.delivery.guestHolding(claim.key)) {
        await presence.releaseNick(claim.key, newKey);
        throw new ChatError('NAME_IN_USE', `${claim.name} is in use`);
      }
      await this.move(session, oldKey, newKey, claim.name);
      // Only now is the old nickname free: no one saw it free while the guest was half moved.
      await presence.releaseNick(oldNick, oldKey);
      await this.announce(session, oldName, [...session.rooms]);
      return oldName;
    } finally {
      claim.release();
    }
  }

  /**
   * A mute is kept under the nickname (ranks.ts personKey): a muted guest renaming would speak
   * again in the room, so it keeps its name until the mute ends.
   */
  private async refuseMuted(session: Session): Promise<void> {
    const now = this.ctx.now();
    for (const room of session.rooms) {
      const mute = await this.ctx.store.getMute(room, personKey(session.key));
      if (mute && mute.until > now) throw new ChatError('MUTED', `you are muted in ${await this.rooms.nameOf(room)}: your nickname stays until the mute ends`);
    }
  }

  /** Everything kept under the old key, under the new one; the session last, in one step. */
  private async move(session: Session, oldKey: NameKey, newKey: NameKey, name: string): Promise<void> {
    const presence = this.ctx.presence;
    // Tokens naming the old key resume nothing from here on, on any node; one naming the new key
    // (a guest renamed back to a nickname it had) is its own again.
    const mark = retiredMark(oldKey);
    await presence.holdNick(mark, { key: mark, name: session.name, consent: false });
    await presence.releaseNick(retiredMark(newKey), retiredMark(newKey));
    await presence.online(newKey, session.id, session.live, name);
    const moved: { room: NameKey; role: RoomRole }[] = [];
    for (const room of session.rooms) {
      const role = (await presence.guestMembers(room)).find((m) => m.key === oldKey)?.role ?? session.guestRoles.get(room) ?? 'member';
      await presence.guestJoined(room, { key: newKey, name, role });
      await presence.guestLeft(room, oldKey);
      moved.push({ room, role });
      if ((await this.ctx.store.voiced(room)).includes(oldKey)) {
        await this.ctx.store.setVoice(room, newKey, true);
        await this.ctx.store.setVoice(room, oldKey, false);
      }
    }
    await this.ctx.delivery.listenFor(newKey);
    if (session.ended) {
      // The connection went while moving: its end runs under the old key, so everything goes back there.
      for (const { room, role } of moved) {
        await presence.guestJoined(room, { key: oldKey, name: session.name, role });
        await presence.guestLeft(room, newKey);
      }
      await presence.offline(newKey, session.id);
      await presence.releaseNick(nickOfGuestKey(newKey), newKey);
      await presence.releaseNick(mark, mark);
      throw new ChatError('BAD_REQUEST', 'the session has ended');
    }
    // One step, with no await: no delivery here sees the session under neither key, or half renamed.
    session.key = newKey;
    session.name = name;
    this.ctx.delivery.rekey(session, oldKey);
    session.retired.push(oldKey);
    const back = session.retired.indexOf(newKey);
    if (back >= 0) session.retired.splice(back, 1);
    await presence.offline(oldKey, session.id);
    // A block was against the guest, not its nickname: it follows (until it has, consent.ts
    // checks the session's earlier keys too). Consent was given to the old name: the renamed
    // guest asks again (docs/protocol.md §7.1.1).
    await this.ctx.store.moveBlocked(oldKey, newKey);
    await this.ctx.store.dropConsents(oldKey);
  }

  /** A change of case: the registry states the name as now written, on every node. */
  private async restate(session: Session, key: NameKey, name: string): Promise<void> {
    const presence = this.ctx.presence;
    await presence.holdNick(nickOfGuestKey(key), { key, name, consent: session.guestDmPolicy === 'consent' });
    await presence.online(key, session.id, session.live, name);
    for (const room of session.rooms) {
      const role = (await presence.guestMembers(room)).find((m) => m.key === key)?.role ?? session.guestRoles.get(room) ?? 'member';
      await presence.guestJoined(room, { key, name, role });
    }
  }

  /** Told once to every member of the guest's rooms, on every node, and to the guest itself. */
  private async announce(session: Session, oldName: string, rooms: NameKey[]): Promise<void> {
    const names: string[] = [];
    for (const r of rooms) names.push(await this.rooms.nameOf(r));
    this.ctx.delivery.deliver({ kind: 'nick', user: oldName, name: session.name, rooms: names }, rooms, [session.key]);
  }
}
