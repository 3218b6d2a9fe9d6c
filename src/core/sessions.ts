import { randomUUID } from 'node:crypto';
import type { Accounts, Identity } from './accounts.js';
import { isAddressBan, matchesAddress } from './ban-masks.js';
import type { NodeContext } from './context.js';
import { ErrorCode } from '../vocabulary/errors.js';
import { ChatError } from './errors.js';
import type { ChatEvent, SessionSink } from './events.js';
import type { Files } from './files.js';
import { firstIdAt } from './ids.js';
import { identityOfGuestKey, isGuestKey, nickOfGuestKey, retiredMark } from './names.js';
import { TokenBucket } from './rate-limit.js';
import { settingsOf } from './room-settings.js';
import type { Rooms } from './rooms.js';
import { Session } from './session.js';
import type { TokenSigner } from './token.js';
import type { DmPolicy, NameKey } from './types.js';
import { markJoined } from './markers.js';

export const DEFAULT_ROOM = '#general';

export interface OpenOptions {
  /** See Session.live; default true. */
  live?: boolean;
  /**
   * A guest's DM policy for as long as it is connected (accounts keep theirs in the store).
   * Default 'open'; ChatOS guests are 'consent', as their protocol has private connections.
   */
  guestDmPolicy?: DmPolicy;
  /**
   * The client's network address (the transport's remoteAddress, for QUIC and WebSocket too):
   * per-address login and registration limits count by it (docs/protocol.md §13.2). Without it
   * (an in-process caller) only the per-account limit applies.
   */
  address?: string;
}

export interface Opened {
  session: Session;
  token: string;
  /** Display names of the rooms the session receives. */
  rooms: string[];
  /** For a resume: the id before which the earlier session had been served (from its token). */
  servedBefore?: number;
}

/**
 * Opening and ending sessions: registration, login, guests and resume (docs/protocol.md §7.1,
 * §7.6), the resume token of each session, and the presence a session's start and end announce.
 */
export class Sessions {
  /** Ends under way (see end). */
  private readonly ending = new Map<Session, Promise<void>>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly accounts: Accounts,
    private readonly rooms: Rooms,
    private readonly tokens: TokenSigner,
    private readonly files: Files | undefined,
    private readonly stopped: () => boolean,
  ) {}

  async register(name: string, password: string, sink: SessionSink, protocol: string, opts: OpenOptions): Promise<Opened> {
    const id = await this.accounts.register(name, password, opts.address);
    const general = await this.rooms.require(DEFAULT_ROOM);
    // A name banned from the default room (as a guest nickname, say), or its address, is not let in
    // by registering it; nor is anyone while the room is closed (docs/protocol.md §7.17).
    const bans = await this.ctx.store.bans(general.key);
    const banned = bans.some((b) => b.target === id.key || (isAddressBan(b.target) && matchesAddress(b.target, opts.address)));
    if (!banned && !(await settingsOf(this.ctx.store, general.key)).closed && (await this.ctx.store.addMember({ room: general.key, user: id.key, name: id.name, role: 'member' }))) {
      await markJoined(this.ctx.store, id.key, general.key);
    }
    return this.open(id, sink, protocol, opts);
  }

  async login(name: string, password: string, sink: SessionSink, protocol: string, opts: OpenOptions): Promise<Opened> {
    return this.open(await this.accounts.login(name, password, opts.address), sink, protocol, opts);
  }

  async guest(nick: string, sink: SessionSink, protocol: string, opts: OpenOptions): Promise<Opened> {
    const claim = await this.accounts.claimGuest(nick);
    try {
      return await this.open(claim.id, sink, protocol, opts);
    } finally {
      claim.release();
    }
  }

  /**
   * Resume with a token from an earlier session: BAD_CREDENTIALS when it is invalid or stale (an
   * account's token after a password change, or of an account deleted since); NAME_IN_USE when it
   * is a guest's and another guest holds the nickname now.
   */
  async resume(token: string, sink: SessionSink, protocol: string, opts: OpenOptions): Promise<Opened> {
    const claims = this.tokens.verify(token, this.ctx.now());
    if (!claims) throw new ChatError('BAD_CREDENTIALS', 'session token is not valid');
    // Everything made before the token was issued had reached the earlier session (live or in its
    // SESSION answer): a client that saw no message yet resumes from there, not from the start.
    const servedBefore = firstIdAt(claims.issuedAt);
    if (!claims.guest) return { ...(await this.open(await this.accounts.returningAccount(claims), sink, protocol, opts)), servedBefore };
    // A guest that renamed itself has a new token; the one naming its old nickname resumes
    // nothing while it lives (docs/protocol.md §7.1.1).
    if (this.renamedAway(claims.identity, claims.name)) throw new ChatError('BAD_CREDENTIALS', 'session token is not valid');
    const claim = await this.accounts.returningGuest(claims);
    const { id } = claim;
    // The guest's old connection may not be known dead yet (keepalive): the token's holder takes
    // its session over, and the old one ends without the guest leaving its rooms.
    const old = this.ctx.delivery.guestHolding(nickOfGuestKey(id.key));
    const replacing = old?.key === id.key ? old : undefined;
    let opened: Opened;
    try {
      opened = await this.open(id, sink, protocol, opts, replacing);
    } finally {
      claim.release();
    }
    if (replacing) {
      replacing.sink.terminate(0, 'session resumed on another connection');
      await this.end(replacing);
    }
    return { ...opened, servedBefore };
  }

  /** Is this guest identity live on this node under a nickname other than `name`, or being renamed? */
  private renamedAway(identity: string, name: string): boolean {
    for (const s of this.ctx.delivery.all()) {
      if (s.guest && !s.ended && identityOfGuestKey(s.key) === identity && (s.renaming || s.name !== name)) return true;
    }
    return false;
  }

  /**
   * A new resume token for a guest session (after a rename: it names the new nickname). Guests
   * only; an account's token does not change.
   */
  guestToken(session: Session): string {
    const identity = identityOfGuestKey(session.key);
    return this.tokens.sign({ guest: true, name: session.name, identity, startedAt: session.startedAt, issuedAt: this.ctx.now() });
  }

  /** The session's connection is gone. Idempotent. */
  end(session: Session): Promise<void> {
    // Asked again while it runs (the gateway saw the connection close, and the node stops): the
    // second caller waits for the same end, so a stopping node closes its engines after it.
    let ending = this.ending.get(session);
    if (!ending) {
      if (session.ended) return Promise.resolve();
      session.ended = true;
      ending = this.finish(session).finally(() => this.ending.delete(session));
      this.ending.set(session, ending);
    }
    return ending;
  }

  /** Ends these sessions and every end under way; failures are the ends' own, not the caller's. */
  async endAll(sessions: Iterable<Session>): Promise<void> {
    for (const s of sessions) await this.end(s).catch(() => undefined);
    await Promise.allSettled([...this.ending.values()]);
  }

  private async finish(session: Session): Promise<void> {
    await this.files?.sessionEnded(session);
    const delivery = this.ctx.delivery;
    const rooms = [...session.rooms];
    const last = delivery.remove(session);
    await delivery.offline(session);
    if (!last) return;
    // Its user may still be online through another node: then it has not quit.
    if (await this.ctx.presence.isOnline(session.key)) return;
    // Gone: the tokens of the names it was renamed away from are what any gone guest's are.
    for (const k of session.retired) await this.ctx.presence.releaseNick(retiredMark(k), retiredMark(k));
    await this.userGone(session.key, session.name, session.guest, rooms, session.quitReason);
  }

  /**
   * A user's last session anywhere has ended (here, or on a node that died): it quit. A guest's
   * rooms, nickname and private connections last as long as its sessions (protocol.md §7.1).
   */
  async userGone(key: NameKey, name: string, guest: boolean, rooms: readonly NameKey[], reason?: string): Promise<void> {
    const quit: ChatEvent = { kind: 'presence', room: '', user: name, event: 'quit', ...(reason !== undefined ? { reason } : {}), ...(guest ? { leaves: true as const } : {}) };
    this.ctx.delivery.deliver(quit, rooms, []);
    if (!guest) return;
    // The nickname is free before the guest is seen leaving its rooms.
    await this.ctx.presence.releaseNick(nickOfGuestKey(key), key);
    await this.rooms.guestGone(key, name);
    await this.ctx.store.dropConsents(key);
  }

  /**
   * States this node's sessions to the Presence engine again, after it lost them (a Redis restart):
   * who is online, the guests' nicknames and memberships. A guest whose nickname another guest
   * took meanwhile loses its session (NAME_IN_USE), as there cannot be two.
   */
  async restatePresence(): Promise<void> {
    const presence = this.ctx.presence;
    for (const s of [...this.ctx.delivery.all()]) {
      if (s.ended) continue;
      await this.ctx.delivery.online(s);
      if (!s.guest) continue;
      const held = await presence.holdNick(nickOfGuestKey(s.key), { key: s.key, name: s.name, consent: s.guestDmPolicy === 'consent' });
      if (held.key !== s.key) {
        s.sink.terminate(ErrorCode.NAME_IN_USE, `${s.name} was taken while the cluster was apart`);
        await this.end(s);
        continue;
      }
      for (const room of s.rooms) await presence.guestJoined(room, { key: s.key, name: s.name, role: s.guestRoles.get(room) ?? 'member' });
      for (const k of s.retired) await presence.holdNick(retiredMark(k), { key: retiredMark(k), name: s.name, consent: false });
    }
  }

  /** Sessions lost with a node that died, found by the presence engine's sweep. */
  async lost(sessions: readonly { user: NameKey; name: string }[]): Promise<void> {
    const users = new Map<NameKey, string>();
    for (const s of sessions) users.set(s.user, s.name);
    for (const [key, name] of users) {
      if (await this.ctx.presence.isOnline(key)) continue;
      const guest = isGuestKey(key);
      const rooms = guest ? await this.ctx.presence.guestRooms(key) : (await this.ctx.store.roomsOf(key)).map((m) => m.room);
      await this.userGone(key, name, guest, rooms);
    }
  }

  private async open(id: Identity, sink: SessionSink, protocol: string, opts: OpenOptions, replacing?: Session): Promise<Opened> {
    if (this.stopped()) throw new ChatError('SHUTTING_DOWN', 'server shutting down');
    const delivery = this.ctx.delivery;
    // A guest nickname may have been taken while we awaited: check again now; holdNick below is
    // the atomic claim across the cluster.
    const holder = id.guest ? delivery.guestHolding(nickOfGuestKey(id.key)) : undefined;
    if (holder && holder !== replacing) throw new ChatError('NAME_IN_USE', `${id.name} is in use`);
    const now = this.ctx.now();
    const { perSecond, burst } = this.ctx.settings.rateLimit;
    const session = new Session(randomUUID(), id.key, id.name, id.guest, sink, new TokenBucket(perSecond, burst, now), protocol, opts.live ?? true);
    session.address = opts.address;
    if (id.guest) {
      session.guestDmPolicy = opts.guestDmPolicy ?? replacing?.guestDmPolicy ?? 'open';
      if (replacing) session.retired.push(...replacing.retired);
      session.startId = firstIdAt(id.startedAt);
      session.startedAt = id.startedAt;
      // One holder of a nickname in the whole cluster (docs/cluster.md).
      const held = await this.ctx.presence.holdNick(nickOfGuestKey(id.key), { key: id.key, name: id.name, consent: session.guestDmPolicy === 'consent' });
      if (held.key !== id.key) throw new ChatError('NAME_IN_USE', `${id.name} is in use`);
    }
    let first: boolean;
    try {
      const rooms = await this.rooms.roomsOf(session);
      first = await delivery.add(session, rooms);
      await delivery.online(session);
    } catch (err) {
      delivery.remove(session);
      if (id.guest) await this.ctx.presence.releaseNick(nickOfGuestKey(id.key), id.key).catch(() => undefined);
      throw err;
    }
    const rooms = [...session.rooms];
    if (first) delivery.deliver({ kind: 'presence', room: '', user: session.name, event: 'online' }, rooms, [], session);
    const names: string[] = [];
    for (const r of rooms) names.push(await this.rooms.nameOf(r));
    const token = this.tokens.sign(id.guest
      ? { guest: true, name: id.name, identity: id.identity, startedAt: id.startedAt, issuedAt: now }
      : { guest: false, key: id.key, name: id.name, createdAt: id.createdAt, generation: id.tokenGeneration, issuedAt: now });
    return { session, token, rooms: names };
  }
}
