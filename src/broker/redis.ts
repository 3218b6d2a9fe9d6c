import { createClient } from 'redis';
import type { Broker, BrokerEventHandler } from '../ports/broker.js';
import { BrokerClosedError } from './memory.js';

export interface RedisOptions {
  /** redis://[USER:PASSWORD@]HOST:PORT[/DB] */
  url: string;
  /** Put before every channel and key, so that several clusters can share one Redis. */
  prefix?: string;
  /** Told about connection errors (the client reconnects by itself meanwhile). */
  onError?: (err: Error) => void;
}

export const DEFAULT_REDIS_PREFIX = 'confab:';
/** Reconnects back off up to this; a node keeps trying for as long as it runs. */
const MAX_RECONNECT_MS = 2_000;

function newClient(options: RedisOptions) {
  let connected = false;
  const client = createClient({
    url: options.url,
    socket: {
      // The first connection fails at once (a node must not half-start on a wrong URL); once
      // connected, a lost connection is tried again for as long as the node runs.
      reconnectStrategy: (retries: number, cause: Error) => (connected ? Math.min(50 * 2 ** retries, MAX_RECONNECT_MS) : cause),
      connectTimeout: 5_000,
    },
  });
  client.on('ready', () => { connected = true; });
  return client;
}

export type RedisClient = ReturnType<typeof newClient>;

/** A connected client that reconnects by itself (and resubscribes, for a subscriber). */
export async function connectRedis(options: RedisOptions): Promise<RedisClient> {
  const client = newClient(options);
  // Without a listener an error event would throw; the client reconnects either way.
  client.on('error', (err: Error) => options.onError?.(err));
  try {
    await client.connect();
  } catch (e) {
    client.destroy();
    throw e;
  }
  return client;
}

export interface RedisBrokerOptions extends RedisOptions {
  /** A publication fails after this long without an answer (default 2 s); see publish. */
  publishTimeoutMs?: number;
}

export const DEFAULT_PUBLISH_TIMEOUT_MS = 2_000;

/**
 * Fan-out through Redis pub/sub. A channel of the node (a room, a user) is a Redis channel of
 * its own, so a node receives only the channels it subscribed to. Publications go out on one
 * connection and arrive on another (a subscribed Redis connection serves nothing else); after a
 * lost connection the client connects again and subscribes to every channel again by itself.
 */
export class RedisBroker implements Broker {
  private handler: BrokerEventHandler | undefined;
  private readonly listeners = new Map<string, (message: Buffer) => void>();
  private closed = false;

  private constructor(
    private readonly publisher: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly prefix: string,
    private readonly publishTimeoutMs: number,
  ) {}

  static async connect(options: RedisBrokerOptions): Promise<RedisBroker> {
    const publisher = await connectRedis(options);
    try {
      const subscriber = await connectRedis(options);
      return new RedisBroker(publisher, subscriber, options.prefix ?? DEFAULT_REDIS_PREFIX, options.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS);
    } catch (e) {
      publisher.destroy();
      throw e;
    }
  }

  setHandler(handler: BrokerEventHandler): void {
    this.handler = handler;
  }

  /**
   * Fails once publishTimeoutMs have passed, so the node counts the failure and goes on. While
   * Redis is away a publication waits in the client's queue for the reconnect (a blip of the
   * connection need not fail it), but no longer; and one sent to a Redis that stopped answering
   * (paused, or a network that drops packets) would otherwise wait for ever.
   */
  async publish(channel: string, payload: Uint8Array): Promise<void> {
    if (this.closed) throw new BrokerClosedError();
    await this.publisher.withCommandOptions({ timeout: this.publishTimeoutMs, rejectInFlight: true }).publish(this.prefix + channel, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength));
  }

  async subscribe(channel: string): Promise<void> {
    if (this.closed) throw new BrokerClosedError();
    if (this.listeners.has(channel)) return;
    const listener = (message: Buffer): void => {
      if (!this.closed && this.listeners.get(channel) === listener) this.handler?.handlePublication(channel, message);
    };
    this.listeners.set(channel, listener);
    try {
      await this.subscriber.subscribe(this.prefix + channel, listener, true);
    } catch (e) {
      this.listeners.delete(channel);
      throw e;
    }
  }

  async unsubscribe(channel: string): Promise<void> {
    const listener = this.listeners.get(channel);
    if (!listener) return;
    this.listeners.delete(channel);
    if (!this.closed) await this.subscriber.unsubscribe(this.prefix + channel, listener, true);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await Promise.allSettled([this.publisher.close(), this.subscriber.close()]);
  }
}
