import type { Presence } from '../ports/presence.js';
import type { Store } from '../ports/store.js';
import type { Delivery, DeliveryObserver } from './delivery.js';
import type { MessageIdGenerator } from './ids.js';

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

/** Counters the node reports; the composition root connects them to metrics and the log. */
export interface NodeObserver extends DeliveryObserver {
  messageStored?(): void;
}

/** What the node's parts share. */
export interface NodeContext {
  readonly store: Store;
  readonly settings: NodeSettings;
  readonly ids: MessageIdGenerator;
  readonly observer: NodeObserver;
  /** Every event reaches its sessions through here, on this node and the others. */
  readonly delivery: Delivery;
  /** What every node sees of every node's sessions: online users, guest nicknames and memberships. */
  readonly presence: Presence;
  now(): number;
}
