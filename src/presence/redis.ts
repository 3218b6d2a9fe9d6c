import type { NameKey } from '../core/types.js';
import type { Presence } from '../ports/presence.js';
import { connectRedis, DEFAULT_REDIS_PREFIX, type RedisClient, type RedisOptions } from '../broker/redis.js';

export interface RedisPresenceOptions extends RedisOptions {
  /** This node's name in the cluster: its sessions are listed under it. */
  node: string;
  /** A node that has not renewed its liveness for this long is dead (default 15 s). */
  ttlMs?: number;
}

export const DEFAULT_LIVENESS_TTL_MS = 15_000;

/** A session that ended with its node, found by sweepDead. */
export interface LostSession {
  user: NameKey;
  session: string;
  node: string;
}

/**
 * Who is online across the cluster, in Redis: a set of live session ids per user, and per node
 * the sessions it holds, so that the sessions of a node that died (killed, powered off) can be
 * taken away by the others. A node renews a liveness key with an expiry every ttl/3; once it is
 * gone, sweepDead on any node removes that node's sessions.
 */
export class RedisPresence implements Presence {
  private renewTimer: ReturnType<typeof setInterval> | undefined;

  private constructor(private readonly client: RedisClient, private readonly options: Required<Pick<RedisPresenceOptions, 'node' | 'ttlMs' | 'prefix'>>) {}

  static async connect(options: RedisPresenceOptions): Promise<RedisPresence> {
    const client = await connectRedis(options);
    const p = new RedisPresence(client, { node: options.node, ttlMs: options.ttlMs ?? DEFAULT_LIVENESS_TTL_MS, prefix: options.prefix ?? DEFAULT_REDIS_PREFIX });
    await p.renew();
    p.renewTimer = setInterval(() => void p.renew().catch(() => undefined), Math.max(100, Math.floor(p.options.ttlMs / 3)));
    p.renewTimer.unref();
    return p;
  }

  async online(user: NameKey, sessionId: string): Promise<void> {
    await this.client.multi().sAdd(this.userKey(user), sessionId).sAdd(this.nodeKey(this.options.node), entry(user, sessionId)).exec();
  }

  async offline(user: NameKey, sessionId: string): Promise<void> {
    await this.client.multi().sRem(this.userKey(user), sessionId).sRem(this.nodeKey(this.options.node), entry(user, sessionId)).exec();
  }

  async isOnline(user: NameKey): Promise<boolean> {
    return (await this.client.sCard(this.userKey(user))) > 0;
  }

  async sessions(user: NameKey): Promise<string[]> {
    return this.client.sMembers(this.userKey(user));
  }

  /** This node is alive for another ttl. */
  async renew(): Promise<void> {
    await this.client.multi()
      .set(this.aliveKey(this.options.node), '1', { expiration: { type: 'PX', value: this.options.ttlMs } })
      .sAdd(this.key('nodes'), this.options.node)
      .exec();
  }

  /** Removes the sessions of every node whose liveness has run out; what was removed. */
  async sweepDead(): Promise<LostSession[]> {
    const lost: LostSession[] = [];
    for (const node of await this.client.sMembers(this.key('nodes'))) {
      if (node === this.options.node || (await this.client.exists(this.aliveKey(node))) > 0) continue;
      const entries = await this.client.sMembers(this.nodeKey(node));
      const tx = this.client.multi();
      for (const e of entries) {
        const { user, session } = parseEntry(e);
        tx.sRem(this.userKey(user), session);
        lost.push({ user, session, node });
      }
      tx.del(this.nodeKey(node)).sRem(this.key('nodes'), node);
      await tx.exec();
    }
    return lost;
  }

  async close(): Promise<void> {
    clearInterval(this.renewTimer);
    await this.client.close();
  }

  private key(name: string): string {
    return `${this.options.prefix}${name}`;
  }

  private userKey(user: NameKey): string {
    return this.key(`presence:${user}`);
  }

  private nodeKey(node: string): string {
    return this.key(`node:${node}:sessions`);
  }

  private aliveKey(node: string): string {
    return this.key(`node:${node}:alive`);
  }
}

// A name key never holds a newline (docs/protocol.md §7.8), so it separates the two.
function entry(user: NameKey, session: string): string {
  return `${user}\n${session}`;
}

function parseEntry(e: string): { user: NameKey; session: string } {
  const i = e.indexOf('\n');
  return { user: e.slice(0, i), session: e.slice(i + 1) };
}
