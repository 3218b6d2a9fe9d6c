import type { NameKey } from '../core/types.js';
import type { Presence } from '../ports/presence.js';

/** Who is online on a single node: live session ids per user. */
export class MemoryPresence implements Presence {
  private readonly live = new Map<NameKey, Set<string>>();

  async online(user: NameKey, sessionId: string): Promise<void> {
    let set = this.live.get(user);
    if (!set) this.live.set(user, (set = new Set()));
    set.add(sessionId);
  }

  async offline(user: NameKey, sessionId: string): Promise<void> {
    const set = this.live.get(user);
    if (!set) return;
    set.delete(sessionId);
    if (set.size === 0) this.live.delete(user);
  }

  async isOnline(user: NameKey): Promise<boolean> {
    return this.live.has(user);
  }

  async sessions(user: NameKey): Promise<string[]> {
    return [...(this.live.get(user) ?? [])];
  }
}
