import type { NameKey } from '../core/types.js';
import type { GuestMember, NickHolder, Presence } from '../ports/presence.js';
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
  /** The name the user was shown by. */
  name: string;
  session: string;
  node: string;
}

// Releases a nickname only if this guest holds it and has no session left on any node; atomic,
// so a guest resuming on another node at that moment keeps its name.
const RELEASE_NICK = `
local v = redis.call('GET', KEYS[1])
if v and cjson.decode(v).key == ARGV[1] and redis.call('HLEN', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[1])
end
return 0`;

/** Holds a nickname for a guest unless another guest holds it (Presence.holdNick); returns the holder. */
const HOLD_NICK = `
local v = redis.call('GET', KEYS[1])
if v and cjson.decode(v).key ~= ARGV[2] then return v end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]`;

/**
 * Who is online across the cluster, in Redis: a hash of live session ids per user (each with
 * whether it receives live), and per node the sessions it holds, so that the sessions of a node
 * that died (killed, powered off) can be taken away by the others. A node renews a liveness key
 * with an expiry every ttl/3; once it is gone, sweepDead on any node removes that node's sessions.
 * Guest nicknames and guests' room memberships live here too, as guests are not stored.
 */
export class RedisPresence implements Presence {
  private renewTimer: ReturnType<typeof setInterval> | undefined;
  private restored: (() => void) | undefined;

  private constructor(private readonly client: RedisClient, private readonly options: Required<Pick<RedisPresenceOptions, 'node' | 'ttlMs' | 'prefix'>>) {}

  static async connect(options: RedisPresenceOptions): Promise<RedisPresence> {
    const client = await connectRedis(options);
    const p = new RedisPresence(client, { node: options.node, ttlMs: options.ttlMs ?? DEFAULT_LIVENESS_TTL_MS, prefix: options.prefix ?? DEFAULT_REDIS_PREFIX });
    try {
      await p.renew();
    } catch (e) {
      client.destroy();
      throw e;
    }
    p.renewTimer = setInterval(() => void p.renew().catch(() => undefined), Math.max(100, Math.floor(p.options.ttlMs / 3)));
    p.renewTimer.unref();
    // Connected again after a loss: Redis may have restarted with nothing of this node's.
    client.on('ready', () => {
      void p.renew().catch(() => undefined);
      p.restored?.();
    });
    return p;
  }

  /**
   * Told each time the connection comes back after a loss: Redis may have restarted empty, so
   * the node states its sessions, nicknames and guest memberships again (ChatNode.restatePresence).
   */
  onRestored(listener: () => void): void {
    this.restored = listener;
  }

  get ttlMs(): number {
    return this.options.ttlMs;
  }

  async online(user: NameKey, sessionId: string, live = true, name: string = user): Promise<void> {
    await this.client.multi()
      .hSet(this.userKey(user), sessionId, live ? '1' : '0')
      .hSet(this.nodeKey(this.options.node), entry(user, sessionId), name)
      .exec();
  }

  async offline(user: NameKey, sessionId: string): Promise<void> {
    await this.client.multi().hDel(this.userKey(user), sessionId).hDel(this.nodeKey(this.options.node), entry(user, sessionId)).exec();
  }

  async isOnline(user: NameKey): Promise<boolean> {
    return (await this.client.hLen(this.userKey(user))) > 0;
  }

  async receivesLive(user: NameKey): Promise<boolean> {
    return (await this.client.hVals(this.userKey(user))).includes('1');
  }

  async sessions(user: NameKey): Promise<string[]> {
    return this.client.hKeys(this.userKey(user));
  }

  async holdNick(nick: NameKey, holder: NickHolder): Promise<NickHolder> {
    const current = await this.client.eval(HOLD_NICK, { keys: [this.nickKey(nick)], arguments: [JSON.stringify(holder), holder.key] });
    return typeof current === 'string' ? (JSON.parse(current) as NickHolder) : holder;
  }

  async releaseNick(nick: NameKey, guest: NameKey): Promise<void> {
    await this.client.eval(RELEASE_NICK, { keys: [this.nickKey(nick), this.userKey(guest)], arguments: [guest] });
  }

  async nickHolder(nick: NameKey): Promise<NickHolder | undefined> {
    const v = await this.client.get(this.nickKey(nick));
    return v === null ? undefined : (JSON.parse(v) as NickHolder);
  }

  async guestJoined(room: NameKey, member: GuestMember): Promise<void> {
    await this.client.multi()
      .hSet(this.roomKey(room), member.key, JSON.stringify({ name: member.name, role: member.role }))
      .sAdd(this.guestRoomsKey(member.key), room)
      .exec();
  }

  async guestLeft(room: NameKey, guest: NameKey): Promise<boolean> {
    const [removed] = await this.client.multi().hDel(this.roomKey(room), guest).sRem(this.guestRoomsKey(guest), room).exec();
    return Number(removed) > 0;
  }

  async guestMembers(room: NameKey): Promise<GuestMember[]> {
    const all = await this.client.hGetAll(this.roomKey(room));
    return Object.entries(all).map(([key, v]) => ({ key, ...(JSON.parse(v) as Omit<GuestMember, 'key'>) }));
  }

  async guestRooms(guest: NameKey): Promise<NameKey[]> {
    return this.client.sMembers(this.guestRoomsKey(guest));
  }

  /** This node is alive for another ttl. */
  async renew(): Promise<void> {
    await this.client.multi()
      .set(this.aliveKey(this.options.node), '1', { expiration: { type: 'PX', value: this.options.ttlMs } })
      .sAdd(this.key('nodes'), this.options.node)
      .exec();
  }

  /**
   * Removes the sessions of every node whose liveness has run out; what was removed. One node
   * sweeps a dead one (a lock), so its users are announced as quit once.
   */
  async sweepDead(): Promise<LostSession[]> {
    const lost: LostSession[] = [];
    for (const node of await this.client.sMembers(this.key('nodes'))) {
      if (node === this.options.node || (await this.client.exists(this.aliveKey(node))) > 0) continue;
      const lock = await this.client.set(this.key(`node:${node}:sweeping`), this.options.node, { condition: 'NX', expiration: { type: 'PX', value: this.options.ttlMs } });
      if (lock === null) continue;
      const entries = await this.client.hGetAll(this.nodeKey(node));
      const tx = this.client.multi();
      for (const [e, name] of Object.entries(entries)) {
        const { user, session } = parseEntry(e);
        tx.hDel(this.userKey(user), session);
        lost.push({ user, name, session, node });
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

  private nickKey(nick: NameKey): string {
    return this.key(`nick:${nick}`);
  }

  private roomKey(room: NameKey): string {
    return this.key(`guests-in:${room}`);
  }

  private guestRoomsKey(guest: NameKey): string {
    return this.key(`rooms-of:${guest}`);
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
