import { NODE_SLOTS } from '../core/ids.js';
import { SlotError } from '../startup-errors.js';
import { DEFAULT_REDIS_PREFIX, type RedisClient } from './redis.js';


// Renews the lease if this node still holds it, or takes it back if it lapsed (a Redis restart
// loses every key) and nobody else took it meanwhile; 0 when another node holds it now.
const RENEW = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] or not v then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

export interface SlotLeaseOptions {
  /** This node's name: the lease's value. */
  node: string;
  /** The slot wanted; without it, the first free one. */
  slot?: number;
  /** The lease lapses this long after its last renewal (renewed every ttl/3). */
  ttlMs: number;
  prefix?: string;
  /** Another node holds this node's slot now: the node must stop making ids. */
  onLost: (slot: number) => void;
}

/**
 * The low bits of every message id name the node that made it (core/ids.ts), so two live nodes
 * must never share a slot: each leases one in Redis and renews the lease while it runs. A node
 * that dies leaves its slot free once the lease lapses. At most NODE_SLOTS (16) nodes at once.
 */
export class SlotLease {
  private timer: ReturnType<typeof setInterval> | undefined;

  private constructor(private readonly client: RedisClient, readonly slot: number, private readonly options: SlotLeaseOptions) {}

  static async acquire(client: RedisClient, options: SlotLeaseOptions): Promise<SlotLease> {
    const prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
    const wanted = options.slot === undefined ? [...Array(NODE_SLOTS).keys()] : [options.slot];
    for (const slot of wanted) {
      const ok = await client.set(`${prefix}slot:${slot}`, options.node, { condition: 'NX', expiration: { type: 'PX', value: options.ttlMs } });
      if (ok === null) continue;
      const lease = new SlotLease(client, slot, { ...options, prefix });
      lease.timer = setInterval(() => void lease.renew(), Math.max(100, Math.floor(options.ttlMs / 3)));
      lease.timer.unref();
      return lease;
    }
    if (options.slot !== undefined) {
      const holder = await client.get(`${prefix}slot:${options.slot}`);
      throw new SlotError(`node slot ${options.slot} is held by another live node (${holder ?? 'unknown'}); give each node its own --node-slot, or none to lease a free one`);
    }
    throw new SlotError(`all ${NODE_SLOTS} node slots are held by live nodes: a cluster has at most ${NODE_SLOTS} nodes at once`);
  }

  private async renew(): Promise<void> {
    let held: unknown;
    try {
      held = await this.client.eval(RENEW, { keys: [`${this.options.prefix}slot:${this.slot}`], arguments: [this.options.node, String(this.options.ttlMs)] });
    } catch {
      return; // Redis unreachable: try again at the next tick; the lease may still be ours.
    }
    if (Number(held) !== 1) {
      clearInterval(this.timer);
      this.options.onLost(this.slot);
    }
  }

  /** Gives the slot up (a clean stop), so a new node may take it at once. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    const key = `${this.options.prefix}slot:${this.slot}`;
    await this.client.eval(`if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end return 0`, { keys: [key], arguments: [this.options.node] }).catch(() => undefined);
  }
}
