import type { Broker, BrokerEventHandler } from '../ports/broker.js';
import type { Presence } from '../ports/presence.js';
import type { ChatEvent } from './events.js';
import { Hub } from './hub.js';
import type { Session } from './session.js';
import type { NameKey } from './types.js';

/** Sees every room-level event (joins, leaves, quits, new rooms, topics), whoever it is for. */
export type RoomWatcher = (event: ChatEvent) => void;

/** What delivery reports; the composition root connects it to metrics and the log. */
export interface DeliveryObserver {
  delivered?(count: number): void;
  /** A publication to the other nodes failed: their sessions miss the event. */
  publishFailed?(err: unknown): void;
}

/** A publication between nodes: an event to fan out, or a membership change. */
type ClusterNote =
  | { n: string; e: ChatEvent; r: readonly NameKey[]; u: readonly NameKey[]; a: boolean }
  | { n: string; m: [NameKey, NameKey, boolean] };

const CLUSTER_CHANNEL = 'confab.cluster';

/**
 * Who receives what: the sessions of this node (the Hub, indexed by user and room), the fan-out
 * of an event to them, and its publication to the other nodes through the Broker, whose notes
 * this module alone writes and reads. The node's parts deliver through here and nowhere else, so
 * nothing reaches only the local sessions by mistake.
 */
export class Delivery implements BrokerEventHandler {
  private readonly hub = new Hub();
  private readonly watchers = new Set<RoomWatcher>();
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly nodeId: string,
    private readonly broker: Broker | undefined,
    private readonly presence: Presence | undefined,
    private readonly observer: DeliveryObserver = {},
  ) {}

  async start(): Promise<void> {
    if (!this.broker) return;
    this.broker.setHandler(this);
    await this.broker.subscribe(CLUSTER_CHANNEL);
  }

  async stop(): Promise<void> {
    if (this.broker) await this.broker.unsubscribe(CLUSTER_CHANNEL);
  }

  // ---- delivering ----

  /**
   * `event` to the sessions of these rooms and users, each at most once, except `skip`; with
   * `everyone`, to every session; here and on every other node.
   */
  deliver(event: ChatEvent, rooms: readonly NameKey[], users: readonly NameKey[], skip?: Session, everyone = false): void {
    this.fanOut(event, rooms, users, skip, everyone);
    this.publish({ n: this.nodeId, e: event, r: rooms, u: users, a: everyone });
  }

  /** The sessions of `key` enter or leave `room`, here and on every node. */
  membershipChanged(key: NameKey, room: NameKey, joined: boolean): void {
    this.applyMembership(key, room, joined);
    this.publish({ n: this.nodeId, m: [key, room, joined] });
  }

  /** Gateways whose users see every room's joins and leaves (ChatApp) watch here. */
  watch(watcher: RoomWatcher): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  // ---- the sessions of this node ----

  /** A new session. True when it is its user's first here. */
  add(session: Session): boolean {
    return this.hub.add(session);
  }

  /** A new session receives the events of the rooms its user belongs to. */
  enter(session: Session, rooms: readonly NameKey[]): void {
    for (const room of rooms) this.hub.enter(session, room);
  }

  /** A session is gone. True when it was its user's last here. */
  remove(session: Session): boolean {
    return this.hub.remove(session);
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
    return (await this.presence?.isOnline(key)) ?? false;
  }

  /** Online through at least one session that receives messages as they happen (Session.live). */
  async receivesLive(key: NameKey): Promise<boolean> {
    const local = this.hub.sessionsOf(key);
    if (local) for (const s of local) if (s.live) return true;
    // Sessions on other nodes are taken as live: the presence port does not say how they receive.
    return local === undefined ? ((await this.presence?.isOnline(key)) ?? false) : false;
  }

  online(session: Session): Promise<void> {
    return this.presence?.online(session.key, session.id) ?? Promise.resolve();
  }

  offline(session: Session): Promise<void> {
    return this.presence?.offline(session.key, session.id) ?? Promise.resolve();
  }

  // ---- the cluster ----

  handlePublication(_channel: string, payload: Uint8Array): void {
    let note: ClusterNote;
    try {
      note = JSON.parse(this.decoder.decode(payload)) as ClusterNote;
    } catch {
      return;
    }
    if (note.n === this.nodeId) return;
    if ('m' in note) this.applyMembership(note.m[0], note.m[1], note.m[2]);
    else this.fanOut(note.e, note.r, note.u, undefined, note.a);
  }

  private publish(note: ClusterNote): void {
    if (!this.broker) return;
    this.broker.publish(CLUSTER_CHANNEL, this.encoder.encode(JSON.stringify(note))).catch((err: unknown) => {
      // Local delivery already happened; the other nodes' sessions miss this one. Said, not swallowed.
      this.observer.publishFailed?.(err);
    });
  }

  private fanOut(event: ChatEvent, rooms: readonly NameKey[], users: readonly NameKey[], skip: Session | undefined, everyone: boolean): void {
    if (this.watchers.size > 0 && event.kind !== 'message' && event.kind !== 'consent' && event.kind !== 'consent-ask' && event.kind !== 'typing') {
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

  private applyMembership(key: NameKey, room: NameKey, joined: boolean): void {
    for (const s of this.hub.sessionsOf(key) ?? []) {
      if (joined) this.hub.enter(s, room);
      else this.hub.exit(s, room);
    }
  }
}
