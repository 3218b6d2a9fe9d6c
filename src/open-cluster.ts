// The composition root's part for a cluster (docs/cluster.md): with broker.url, the node joins
// the others through Redis (fan-out, presence, liveness, its id slot). Without it, nothing here runs.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { connectRedis, RedisBroker, type RedisClient } from './broker/redis.js';
import { SlotLease } from './broker/redis-slots.js';
import type { Config } from './config/schema.js';
import { redactUrl, UnreachableError } from './startup-errors.js';
import { RedisPresence, DEFAULT_LIVENESS_TTL_MS } from './presence/redis.js';

export interface ClusterMembership {
  nodeId: string;
  slot: number;
  broker: RedisBroker;
  presence: RedisPresence;
  /**
   * Starts looking for nodes that died: `lost` is told of their sessions (ChatNode.sessionsLost),
   * within the liveness ttl plus one sweep interval of the death.
   */
  sweep(lost: (sessions: { user: string; name: string }[]) => Promise<void>): void;
  /** Leaves the cluster: the slot is given up and the node's sessions are gone from presence. */
  close(): Promise<void>;
}

export interface ClusterOptions {
  log: Logger;
  /** Another node took this node's id slot (its lease lapsed while Redis was unreachable): stop. */
  onSlotLost: (slot: number) => void;
}

/** Connects to the cluster's Redis; an UnreachableError naming broker.url when it cannot. */
export async function joinCluster(config: Pick<Config, 'brokerUrl' | 'nodeSlot' | 'livenessMs'>, options: ClusterOptions): Promise<ClusterMembership> {
  const url = config.brokerUrl as string;
  const nodeId = randomUUID();
  const ttlMs = config.livenessMs ?? DEFAULT_LIVENESS_TTL_MS;
  const onError = (err: Error): void => options.log.warn({ err: err.message }, 'Redis connection trouble (broker.url); reconnecting');
  const opened: { close(): Promise<void> }[] = [];
  const unreachable = (err: unknown): UnreachableError =>
    new UnreachableError(`cannot reach the Redis server of broker.url (${redactUrl(url)}): ${(err as Error).message}`);
  let control: RedisClient;
  try {
    // A first connection with no retries, so an unreachable server stops the start at once.
    control = await connectRedis({ url, onError: () => undefined });
  } catch (err) {
    throw unreachable(err);
  }
  opened.push({ close: () => control.close() });
  try {
    const slot = await SlotLease.acquire(control, { node: nodeId, ttlMs, ...(config.nodeSlot !== undefined ? { slot: config.nodeSlot } : {}), onLost: options.onSlotLost });
    opened.unshift({ close: () => slot.release() });
    const broker = await RedisBroker.connect({ url, onError }).catch((err: unknown) => { throw unreachable(err); });
    opened.unshift(broker);
    const presence = await RedisPresence.connect({ url, node: nodeId, ttlMs, onError }).catch((err: unknown) => { throw unreachable(err); });
    opened.unshift(presence);
    let sweeper: ReturnType<typeof setInterval> | undefined;
    return {
      nodeId,
      slot: slot.slot,
      broker,
      presence,
      sweep(lost) {
        sweeper = setInterval(() => {
          presence.sweepDead()
            .then((sessions) => (sessions.length ? lost(sessions) : undefined))
            .catch((err: unknown) => options.log.warn({ err }, 'sweeping dead nodes failed; trying again'));
        }, Math.max(200, Math.floor(ttlMs / 3)));
        sweeper.unref();
      },
      async close() {
        clearInterval(sweeper);
        for (const o of opened) await o.close().catch(() => undefined);
      },
    };
  } catch (err) {
    for (const o of opened) await o.close().catch(() => undefined);
    throw err;
  }
}
