import type { Broker } from '../ports/broker.js';
import type { Presence } from '../ports/presence.js';
import type { Store } from '../ports/store.js';
import type { ChatEvent } from './events.js';
import type { Hub } from './hub.js';
import type { MessageIdGenerator } from './ids.js';
import type { Session } from './session.js';
import type { NameKey } from './types.js';

export interface NodeSettings {
  guests: boolean;
  historyOnJoin: number;
  resumeLimit: number;
  rateLimit: { perSecond: number; burst: number };
  /** The other state-changing requests of a session (rooms, topics, file offers, consent): one bucket. */
  actionRate: { perMinute: number; burst: number };
  /** Rooms one user (account or guest nickname) may create. */
  roomsPerUser: number;
  maxTextBytes: number;
  maxTargets: number;
  maxTopic: number;
  tokenMaxAgeMs: number;
}

export const defaultSettings: NodeSettings = {
  guests: true,
  historyOnJoin: 10,
  resumeLimit: 500,
  rateLimit: { perSecond: 20, burst: 60 },
  actionRate: { perMinute: 60, burst: 30 },
  roomsPerUser: 50,
  maxTextBytes: 4000,
  maxTargets: 32,
  maxTopic: 300,
  tokenMaxAgeMs: 30 * 24 * 3600 * 1000,
};

/** Counters the node reports; the composition root connects them to metrics. */
export interface NodeObserver {
  messageStored?(): void;
  delivered?(count: number): void;
}

/** What the node's parts share. */
export interface NodeContext {
  readonly store: Store;
  readonly hub: Hub;
  readonly presence: Presence | undefined;
  readonly broker: Broker | undefined;
  readonly settings: NodeSettings;
  readonly ids: MessageIdGenerator;
  readonly observer: NodeObserver;
  readonly nodeId: string;
  now(): number;
  /**
   * Deliver to the local sessions of these rooms and users, each at most once, except `skip`;
   * with `everyone`, to every local session.
   */
  fanOut(event: ChatEvent, rooms: readonly NameKey[], users: readonly NameKey[], skip?: Session, everyone?: boolean): void;
  /** Local delivery plus publication to the other nodes. */
  broadcast(event: ChatEvent, rooms: readonly NameKey[], users: readonly NameKey[], skip?: Session, everyone?: boolean): void;
  isOnline(key: NameKey): Promise<boolean>;
  /** Online through at least one session that receives messages as they happen (see Session.live). */
  receivesLive(key: NameKey): Promise<boolean>;
  /** Local sessions of `key` enter/exit `room`, here and on every node. */
  membershipChanged(key: NameKey, room: NameKey, joined: boolean): void;
}
