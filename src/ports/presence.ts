import type { NameKey } from '../core/types.js';

/** Who is online, across nodes. Memory engine for one node; later redis. */
export interface Presence {
  /** Count one more live session of user on this node. */
  online(user: NameKey, sessionId: string): Promise<void>;
  offline(user: NameKey, sessionId: string): Promise<void>;
  isOnline(user: NameKey): Promise<boolean>;
  sessions(user: NameKey): Promise<string[]>;
}
