import type { Broker, BrokerEventHandler } from '../ports/broker.js';
import type { Presence } from '../ports/presence.js';
import type { ChatEvent } from './events.js';
import { Hub } from './hub.js';
import type { Session } from './session.js';
import type { MessageIdGenerator } from './ids.js';
import type { MessageId, NameKey } from './types.js';

/** Sees every room-level event (joins, leaves, quits, new rooms, topics), whoever it is for. */
export type RoomWatcher = (event: ChatEvent) => void;

/** What delivery reports; the composition root connects it to metrics and the log. */
export interface DeliveryObserver {
  delivered?(count: number): void;
  /** A publication to the other nodes failed: their sessions miss the event. */
  publishFailed?(err: unknown): void;
}

/**
 * A publication between nodes: an event to fan out (`i` its id, for a node that receives it on
 * several of its channels), or a membership change.
 */
type ClusterNote =
  | { n: string; i: number; e: ChatEvent; r: readonly NameKey[]; u: readonly NameKey[]; a: boolean }
  | { n: string; m: [NameKey, NameKey, boolean] }
  /** The sessions of a user end, on every node, with this code and text. */
  | { n: string; x: [NameKey, number, string] }
  /** The node's watermark: every message it made with an id up to `w` is published already. */
  | { n: string; w: number };

/** Every node listens here: events for everyone, and room-level events (ChatApp shows them all). */
const ALL = 'all';
const roomChannel = (room: NameKey): string => `r:${room}`;
const userChannel = (user: NameKey): string => `u:${user}`;
/** Notes remembered to drop a second copy; a copy comes within moments of the first. */
const RECENT_NOTES = 4096;
/** How often a node publishes its watermark; a resume replays about this much more than it must. */
export const WATERMARK_INTERVAL_MS = 100;

/** Options of the watermark (docs/protocol.md §7.6.1). */
export interface WatermarkSettings {
  /** A node not heard from for this long is dead: its watermark no longer holds the others back. */
  nodeLivenessMs: number;
  now: () => number;
}

/**
 * Who receives what: the sessions of this node (the Hub, indexed by user and room), the fan-out
 * of an event to them, and its publication to the other nodes through the Broker, whose notes
 * this module alone writes and reads. The node's parts deliver through here and nowhere else, so
 * nothing reaches only the local sessions by mistake.
 *
 * Between nodes a message goes on the channel of each room and user it is for, and a node
 * subscribes to a room's or a user's channel while it has a session there: a node receives only
 * what its sessions are to see (docs/cluster.md). Room-level events (joins, leaves, quits,
 * topics, new rooms) are few and go to every node, as ChatApp's users see every room's.
 */
export class Delivery implements BrokerEventHandler {
  private readonly hub = new Hub();
  private readonly watchers = new Set<RoomWatcher>();
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();
  /** Channels this node is subscribed to (or subscribing), with the subscription's promise. */
  private readonly channels = new Map<string, Promise<void>>();
  private readonly recent = new Set<string>();
  private noteSeq = 0;
  /** Ids this node made whose messages are not published yet, in the order made (so ascending). */
  private readonly pending: MessageId[] = [];
  private pendingHead = 0;
  private readonly settledEarly = new Set<MessageId>();
  /** The other nodes' watermarks, as last heard, and when. */
  private readonly marks = new Map<string, { w: MessageId; at: number }>();
  private markTimer: ReturnType<typeof setInterval> | undefined;
  /** How every note of this node begins (JSON.stringify keeps `n` first, as the notes are written). */
  private readonly ownPrefix: Uint8Array;

  constructor(
    private readonly nodeId: string,
    private readonly broker: Broker | undefined,
    readonly presence: Presence,
    private readonly ids: MessageIdGenerator,
    private readonly observer: DeliveryObserver = {},
    private readonly marking: WatermarkSettings = { nodeLivenessMs: 15_000, now: Date.now },
  ) {
    this.ownPrefix = this.encoder.encode(`{"n":${JSON.stringify(nodeId)},`);
  }

  async start(): Promise<void> {
    if (!this.broker) return;
    this.broker.setHandler(this);
    await this.broker.subscribe(ALL);
    // Hear every node's watermark before making an id: this node's ids then lie above what any
    // node has told its clients is safe, whatever the clocks say (docs/protocol.md §7.6.1).
    await new Promise((resolve) => setTimeout(resolve, WATERMARK_INTERVAL_MS * 2.5));
    this.publishMark();
    this.markTimer = setInterval(() => this.publishMark(), WATERMARK_INTERVAL_MS);
    this.markTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.markTimer);
    if (!this.broker) return;
    const all = [ALL, ...this.channels.keys()];
    this.channels.clear();
    await Promise.allSettled(all.map((c) => this.broker?.unsubscribe(c)));
  }

  // ---- delivering ----

  /**
   * `event` to the sessions of these rooms and users, each at most once, except `skip`; with
   * `everyone`, to every session; here and on every other node.
   */
  deliver(event: ChatEvent, rooms: readonly NameKey[], users: readonly NameKey[], skip?: Session, everyone = false): void {
    this.fanOut(event, rooms, users, skip, everyone);
    if (!this.broker) return;
    const note: ClusterNote = { n: this.nodeId, i: ++this.noteSeq, e: event, r: rooms, u: users, a: everyone };
    const bytes = this.encoder.encode(JSON.stringify(note));
    if (everyone || isRoomLevel(event)) {
      this.publish(ALL, bytes);
      return;
    }
    for (const r of rooms) this.publish(roomChannel(r), bytes);
    for (const u of users) this.publish(userChannel(u), bytes);
  }

  /** The sessions of `key` enter or leave `room`, here and on every node. */
  async membershipChanged(key: NameKey, room: NameKey, joined: boolean): Promise<void> {
    const subscribed = this.applyMembership(key, room, joined);
    if (this.broker) this.publish(ALL, this.encoder.encode(JSON.stringify({ n: this.nodeId, m: [key, room, joined] } satisfies ClusterNote)));
    await subscribed;
  }

  /** Ends every session of `key`, here and on every node (a suspension). */
  endSessionsOf(key: NameKey, code: number, text: string): void {
    this.terminate(key, code, text);
    if (this.broker) this.publish(userChannel(key), this.encoder.encode(JSON.stringify({ n: this.nodeId, x: [key, code, text] } satisfies ClusterNote)));
  }

  private terminate(key: NameKey, code: number, text: string): void {
    for (const s of [...(this.hub.sessionsOf(key) ?? [])]) s.sink.terminate(code, text);
  }

  /** Gateways whose users see every room's joins and leaves (ChatApp) watch here. */
  watch(watcher: RoomWatcher): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  // ---- the sessions of this node ----

  /**
   * A new session, receiving from now on what is for its user and its rooms, on every node. True
   * when it is its user's first here.
   */
  async add(session: Session, rooms: readonly NameKey[]): Promise<boolean> {
    const first = this.hub.add(session);
    const waits = [this.listen(userChannel(session.key))];
    for (const room of rooms) {
      this.hub.enter(session, room);
      waits.push(this.listen(roomChannel(room)));
    }
    await Promise.all(waits);
    return first;
  }

  /** A session is gone. True when it was its user's last here. */
  remove(session: Session): boolean {
    const rooms = [...session.rooms];
    const last = this.hub.remove(session);
    for (const room of rooms) if (!this.hub.roomSessions(room)) this.forget(roomChannel(room));
    if (last) this.forget(userChannel(session.key));
    return last;
  }

  /** Before a guest's session takes this key (core/renames.ts): what other nodes send to it reaches this node. */
  listenFor(key: NameKey): Promise<void> {
    return this.listen(userChannel(key));
  }

  /**
   * A guest's session renamed itself (core/renames.ts): it is found under its new key (already
   * set, and listened for) at once, and no longer under the old one.
   */
  rekey(session: Session, oldKey: NameKey): void {
    this.hub.rekey(session, oldKey);
    if (!this.hub.sessionsOf(oldKey)) this.forget(userChannel(oldKey));
  }

  sessionsOf(key: NameKey): ReadonlySet<Session> | undefined {
    return this.hub.sessionsOf(key);
  }

  /** The live guest that holds this nickname (by its key) on this node. */
  guestHolding(nickKey: NameKey): Session | undefined {
    return this.hub.guestByNick(nickKey);
  }

  all(): Iterable<Session> {
    return this.hub.all();
  }

  get sessionCount(): number {
    return this.hub.sessionCount;
  }

  // ---- presence ----

  async isOnline(key: NameKey): Promise<boolean> {
    if (this.hub.sessionsOf(key)) return true;
    return this.presence.isOnline(key);
  }

  /** Online through at least one session that receives messages as they happen (Session.live), on any node. */
  async receivesLive(key: NameKey): Promise<boolean> {
    const local = this.hub.sessionsOf(key);
    if (local) for (const s of local) if (s.live) return true;
    return this.presence.receivesLive(key);
  }

  online(session: Session): Promise<void> {
    return this.presence.online(session.key, session.id, session.live, session.name);
  }

  offline(session: Session): Promise<void> {
    return this.presence.offline(session.key, session.id);
  }

  // ---- the resume watermark (docs/protocol.md §7.6.1) ----

  /** This node made `id`: until settled(), the watermark stays below it. */
  assigned(id: MessageId): void {
    this.pending.push(id);
  }

  /** The message of `id` is published (or will never be: its append failed). */
  settled(id: MessageId): void {
    if (this.pending[this.pendingHead] !== id) {
      this.settledEarly.add(id);
      return;
    }
    this.pendingHead++;
    while (this.pendingHead < this.pending.length && this.settledEarly.delete(this.pending[this.pendingHead])) this.pendingHead++;
    if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending.splice(0, this.pendingHead);
      this.pendingHead = 0;
    }
  }

  /**
   * Every message with an id up to the watermark has been handed to this node's sessions already:
   * this node's own (none of its ids below is unpublished) and every other node's (their notes
   * came before their watermarks, on one ordered connection each). A resume from it misses nothing.
   */
  watermark(): MessageId {
    const now = this.marking.now();
    let w = this.pendingHead < this.pending.length ? this.pending[this.pendingHead] - 1 : this.ids.madeUpTo(now);
    for (const [node, mark] of this.marks) {
      // A node silent past its liveness is dead: it makes no more ids to wait for.
      if (now - mark.at > this.marking.nodeLivenessMs) this.marks.delete(node);
      else if (mark.w < w) w = mark.w;
    }
    return w;
  }

  private publishMark(): void {
    const w = this.pendingHead < this.pending.length ? this.pending[this.pendingHead] - 1 : this.ids.madeUpTo(this.marking.now());
    this.publish(ALL, this.encoder.encode(JSON.stringify({ n: this.nodeId, w } satisfies ClusterNote)));
  }

  // ---- the cluster ----

  handlePublication(_channel: string, payload: Uint8Array): void {
    // This node's own notes come back to it too: known by their first bytes, without a parse.
    if (startsWith(payload, this.ownPrefix)) return;
    let note: ClusterNote;
    try {
      note = JSON.parse(this.decoder.decode(payload)) as ClusterNote;
    } catch {
      return;
    }
    if (note.n === this.nodeId) return;
    if ('w' in note) {
      this.marks.set(note.n, { w: note.w, at: this.marking.now() });
      // Ids made here from now on lie above it.
      this.ids.observe(note.w);
      return;
    }
    if ('m' in note) {
      void this.applyMembership(note.m[0], note.m[1], note.m[2]);
      return;
    }
    if ('x' in note) {
      this.terminate(note.x[0], note.x[1], note.x[2]);
      return;
    }
    // A note for several rooms or users may come on several of this node's channels: once is enough.
    if (note.r.length + note.u.length > 1) {
      const id = `${note.n}:${note.i}`;
      if (this.recent.has(id)) return;
      this.recent.add(id);
      if (this.recent.size > RECENT_NOTES) this.recent.delete(this.recent.values().next().value as string);
    }
    this.fanOut(note.e, note.r, note.u, undefined, note.a);
  }

  private publish(channel: string, bytes: Uint8Array): void {
    this.broker?.publish(channel, bytes).catch((err: unknown) => {
      // Local delivery already happened; the other nodes' sessions miss this one. Said, not swallowed.
      this.observer.publishFailed?.(err);
    });
  }

  /** Subscribes to a channel unless already; resolves once publications on it reach this node. */
  private listen(channel: string): Promise<void> {
    if (!this.broker) return Promise.resolve();
    let p = this.channels.get(channel);
    if (!p) {
      p = this.broker.subscribe(channel).catch((err: unknown) => {
        // Not subscribed: the next session that needs it tries again.
        if (this.channels.get(channel) === p) this.channels.delete(channel);
        this.observer.publishFailed?.(err);
      });
      this.channels.set(channel, p);
    }
    return p;
  }

  private forget(channel: string): void {
    if (!this.broker || !this.channels.delete(channel)) return;
    this.broker.unsubscribe(channel).catch((err: unknown) => this.observer.publishFailed?.(err));
  }

  private fanOut(event: ChatEvent, rooms: readonly NameKey[], users: readonly NameKey[], skip: Session | undefined, everyone: boolean): void {
    if (event.kind === 'message') event.safe = this.watermark();
    if (this.watchers.size > 0 && isRoomLevel(event)) {
      for (const w of this.watchers) w(event);
    }
    let count = 0;
    if (everyone) {
      for (const s of this.hub.all()) if (s !== skip) { s.sink.notify(event); count++; }
    } else if (users.length === 0 && rooms.length === 1) {
      // The hot path: one room, no need to de-duplicate.
      const set = this.hub.roomSessions(rooms[0]);
      if (set) for (const s of set) if (s !== skip) { s.sink.notify(event); count++; }
    } else {
      const seen = new Set<Session>();
      for (const r of rooms) for (const s of this.hub.roomSessions(r) ?? []) seen.add(s);
      for (const u of users) for (const s of this.hub.sessionsOf(u) ?? []) seen.add(s);
      if (skip) seen.delete(skip);
      for (const s of seen) s.sink.notify(event);
      count = seen.size;
    }
    if (count) this.observer.delivered?.(count);
  }

  private applyMembership(key: NameKey, room: NameKey, joined: boolean): Promise<void> {
    const sessions = this.hub.sessionsOf(key);
    if (!sessions) return Promise.resolve();
    for (const s of sessions) {
      if (joined) this.hub.enter(s, room);
      else this.hub.exit(s, room);
    }
    if (joined) return this.listen(roomChannel(room));
    if (!this.hub.roomSessions(room)) this.forget(roomChannel(room));
    return Promise.resolve();
  }
}

/** Events about rooms rather than conversations: few, and seen by ChatApp's users in every room. */
function isRoomLevel(event: ChatEvent): boolean {
  return event.kind === 'presence' || event.kind === 'topic' || event.kind === 'room-created' || event.kind === 'kick' || event.kind === 'nick';
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
