import type { NodeContext } from './context.js';
import { ChatError } from './errors.js';
import { parseRoomName } from './names.js';
import type { Session } from './session.js';
import { markJoined } from './markers.js';
import { RoomLifetime } from './room-lifetime.js';
import { settingsOf } from './room-settings.js';
import type { ChatMessage, ListedRoom, NameKey, RoomRecord, RoomRole } from './types.js';

/** `voiced`: may speak in a moderated room (docs/protocol.md §7.17). */
export interface MemberView { name: string; online: boolean; operator: boolean; voiced: boolean }
export interface RoomView { room: string; topic: string; members: MemberView[]; history: ChatMessage[]; topicBy?: string; topicAt?: number }
/** A room in the room list; `key` orders the list and is where the next page starts. */
export interface RoomSummary { key: NameKey; name: string; topic: string; members: number }

/**
 * Rooms and memberships. Accounts' memberships are durable (in the Store); guests' live only as
 * long as the guest's last session (IRC-like), kept by the Presence engine so every node sees them.
 */
export class Rooms {
  private readonly lifetime: RoomLifetime;

  constructor(private readonly ctx: NodeContext) {
    this.lifetime = new RoomLifetime(ctx);
  }

  async ensureDefault(name: string, topic: string): Promise<void> {
    const { key } = parseRoomName(name);
    if (await this.ctx.store.getRoom(key)) return;
    await this.ctx.store.createRoom({ key, name, topic, createdBy: '', createdAt: this.ctx.now() });
  }

  async require(raw: string): Promise<RoomRecord> {
    const { key } = parseRoomName(raw);
    const room = await this.ctx.store.getRoom(key);
    if (!room) throw new ChatError('NO_SUCH_ROOM', `no such room: ${raw}`);
    return room;
  }

  async create(session: Session, raw: string, topic: string): Promise<RoomView> {
    const { key, name } = parseRoomName(raw);
    this.checkTopic(topic);
    // Every user can list every room, and an account's rooms are never deleted: each user may add only so many.
    const quota = this.ctx.settings.roomsPerUser;
    if ((await this.ctx.store.roomsCreatedBy(session.key)) >= quota) {
      throw new ChatError('TOO_MANY_ROOMS', `you have created ${quota} rooms, as many as this server allows`);
    }
    const record: RoomRecord = { key, name, topic, createdBy: session.name, createdAt: this.ctx.now(), creator: session.key };
    if (!(await this.ctx.store.createRoom(record))) throw new ChatError('ROOM_EXISTS', `room exists: ${name}`);
    this.ctx.delivery.deliver({ kind: 'room-created', room: name, topic, by: session.name }, [], [], undefined, true);
    await this.addMember(session, record, 'operator');
    return this.view(record);
  }

  /** Set by the node: BANNED, ROOM_CLOSED, INVITE_ONLY, BAD_KEY, ROOM_FULL (moderation.ts, room-admin.ts). */
  checkJoin: (session: Session, room: RoomRecord, key: string) => Promise<void> = async () => undefined;
  /** Set by the node: whether a room is in this session's room list (secret rooms, room-admin.ts). */
  listed: (session: Session | undefined, room: NameKey) => Promise<boolean> = async () => true;
  /** Set by the node: adds reactions to the history a JOIN shows (message-edits.ts). */
  withReactions: (messages: ChatMessage[]) => Promise<ChatMessage[]> = async (messages) => messages;


  async join(session: Session, raw: string, key = ''): Promise<RoomView> {
    let room = await this.require(raw);
    if (!session.rooms.has(room.key)) {
      // A room left empty by a node that stopped has ended: the JOIN meets no room (room-lifetime.ts).
      if (await this.lifetime.endIfAbandoned(room)) throw new ChatError('NO_SUCH_ROOM', `no such room: ${raw}`);
      await this.checkJoin(session, room, key);
      await this.addMember(session, room, 'member');
      room = await this.lifetime.afterJoin(room, session);
    }
    return this.view(room);
  }

  /** A member has left the room (LEAVE, a kick, a ban, a guest gone): it may end (room-lifetime.ts). */
  async afterLeave(room: RoomRecord): Promise<void> {
    await this.lifetime.left(room);
  }

  /** At start: rooms that can end and have nobody in them (a node stopped without ending its guests) end. */
  async endAbandoned(): Promise<void> {
    for (const room of await this.ctx.store.listRooms()) {
      if (RoomLifetime.transient(room)) await this.lifetime.endIfAbandoned(room);
    }
  }

  /** `reason`: the user's words on leaving, told to the members (absent or '': none). */
  async leave(session: Session, raw: string, reason = ''): Promise<void> {
    const room = await this.require(raw);
    if (!session.rooms.has(room.key)) throw new ChatError('NOT_MEMBER', `not a member of ${room.name}`);
    if (session.guest) await this.ctx.presence.guestLeft(room.key, session.key);
    else await this.ctx.store.removeMember(room.key, session.key);
    await this.ctx.store.setVoice(room.key, session.key, false);
    this.ctx.delivery.deliver({ kind: 'presence', room: room.name, user: session.name, event: 'leave', ...(reason !== '' ? { reason } : {}) }, [room.key], [session.key]);
    await this.ctx.delivery.membershipChanged(session.key, room.key, false);
    await this.afterLeave(room);
  }

  /** A guest's last session ended (here or with a node that died): it leaves every room it was in. */
  async guestGone(guest: NameKey, name: string): Promise<void> {
    for (const key of await this.ctx.presence.guestRooms(guest)) {
      if (!(await this.ctx.presence.guestLeft(key, guest))) continue;
      const room = await this.ctx.store.getRoom(key);
      if (room) this.ctx.delivery.deliver({ kind: 'presence', room: room.name, user: name, event: 'leave', quit: true }, [key], []);
      await this.ctx.delivery.membershipChanged(guest, key, false);
      if (room) await this.afterLeave(room);
    }
  }

  /** Rooms the user of this session belongs to (for a new session of that user). */
  async roomsOf(session: Session): Promise<NameKey[]> {
    if (!session.guest) return (await this.ctx.store.roomsOf(session.key)).map((m) => m.room);
    return this.ctx.presence.guestRooms(session.key);
  }

  /**
   * Up to `limit` rooms whose key sorts after `after` ('' for the first), by key: one store query,
   * and more only when secret rooms the viewer may not see were left out of it.
   */
  async page(after: NameKey, limit: number, viewer?: Session): Promise<RoomSummary[]> {
    const rooms: ListedRoom[] = [];
    for (let cursor = after; rooms.length < limit;) {
      const want = limit - rooms.length;
      const found = await this.ctx.store.roomPage(cursor, want);
      const shown = await Promise.all(found.map((r) => this.listed(viewer, r.key)));
      found.forEach((r, i) => { if (shown[i]) rooms.push(r); });
      if (found.length < want) break;
      cursor = found[found.length - 1].key;
    }
    const guests = await Promise.all(rooms.map((r) => this.ctx.presence.guestMembers(r.key)));
    return rooms.map((r, i) => ({ key: r.key, name: r.name, topic: r.topic, members: r.members + guests[i].length }));
  }

  /** A room's members, for its members only (docs/protocol.md §13.11): NOT_MEMBER otherwise. */
  async members(session: Session, raw: string): Promise<MemberView[]> {
    const room = await this.require(raw);
    if (!session.rooms.has(room.key)) throw new ChatError('NOT_MEMBER', `not a member of ${room.name}`);
    return this.memberViews(room);
  }

  async setTopic(session: Session, raw: string, topic: string): Promise<void> {
    const room = await this.require(raw);
    this.checkTopic(topic);
    if (!session.rooms.has(room.key)) throw new ChatError('NOT_MEMBER', `not a member of ${room.name}`);
    // A topic locked to operators is the default (docs/protocol.md §7.17).
    if ((await settingsOf(this.ctx.store, room.key)).topicLocked && (await this.roleOf(session, room.key)) !== 'operator') {
      throw new ChatError('NOT_OPERATOR', `not an operator of ${room.name}`);
    }
    await this.ctx.store.setTopic(room.key, topic, session.name, this.ctx.now());
    this.ctx.delivery.deliver({ kind: 'topic', room: room.name, topic, by: session.name }, [room.key], []);
  }

  async nameOf(key: NameKey): Promise<string> {
    return (await this.ctx.store.getRoom(key))?.name ?? key;
  }

  private async addMember(session: Session, room: RoomRecord, role: RoomRole): Promise<void> {
    if (session.guest) {
      await this.ctx.presence.guestJoined(room.key, { key: session.key, name: session.name, role });
      for (const s of this.ctx.delivery.sessionsOf(session.key) ?? []) s.guestRoles.set(room.key, role);
    } else {
      if (await this.ctx.store.addMember({ room: room.key, user: session.key, name: session.name, role })) await markJoined(this.ctx.store, session.key, room.key);
    }
    await this.ctx.delivery.membershipChanged(session.key, room.key, true);
    this.ctx.delivery.deliver({ kind: 'presence', room: room.name, user: session.name, event: 'join' }, [room.key], []);
  }

  private async roleOf(session: Session, room: NameKey): Promise<RoomRole | undefined> {
    if (session.guest) return (await this.ctx.presence.guestMembers(room)).find((m) => m.key === session.key)?.role;
    return (await this.ctx.store.members(room)).find((m) => m.user === session.key)?.role;
  }

  private async view(room: RoomRecord): Promise<RoomView> {
    const history = await this.withReactions(await this.ctx.store.roomHistory(room.key, { limit: this.ctx.settings.historyOnJoin }));
    const view: RoomView = { room: room.name, topic: room.topic, members: await this.memberViews(room), history };
    if (room.topicBy !== undefined && room.topicAt !== undefined) {
      view.topicBy = room.topicBy;
      view.topicAt = room.topicAt;
    }
    return view;
  }

  private async memberViews(room: RoomRecord): Promise<MemberView[]> {
    const out: MemberView[] = [];
    const voiced = new Set(await this.ctx.store.voiced(room.key));
    for (const m of await this.ctx.store.members(room.key)) {
      out.push({ name: m.name, online: await this.ctx.delivery.isOnline(m.user), operator: m.role === 'operator', voiced: voiced.has(m.user) });
    }
    for (const g of await this.ctx.presence.guestMembers(room.key)) {
      out.push({ name: g.name, online: true, operator: g.role === 'operator', voiced: voiced.has(g.key) });
    }
    return out;
  }

  private checkTopic(topic: string): void {
    if (new TextEncoder().encode(topic).length > this.ctx.settings.maxTopic) {
      throw new ChatError('TOPIC_TOO_LONG', `topic longer than ${this.ctx.settings.maxTopic} bytes`);
    }
  }
}
