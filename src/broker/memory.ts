import type { Broker, BrokerEventHandler } from '../ports/broker.js';

/**
 * An in-process message bus: every node of one process gets its own Broker from the hub, and a
 * publication reaches every broker subscribed to its channel (the publisher included), as it
 * would through Redis or NATS. Delivery is asynchronous (a microtask), in publication order.
 */
export class MemoryBrokerHub {
  private readonly channels = new Map<string, Set<MemoryBroker>>();

  /** A Broker for one more node on this hub. */
  broker(): MemoryBroker {
    return new MemoryBroker(this);
  }

  /** @internal */
  join(channel: string, broker: MemoryBroker): void {
    let set = this.channels.get(channel);
    if (!set) this.channels.set(channel, (set = new Set()));
    set.add(broker);
  }

  /** @internal */
  leave(channel: string, broker: MemoryBroker): void {
    const set = this.channels.get(channel);
    if (!set) return;
    set.delete(broker);
    if (set.size === 0) this.channels.delete(channel);
  }

  /** @internal */
  deliver(channel: string, payload: Uint8Array): void {
    const set = this.channels.get(channel);
    if (!set) return;
    // Subscribers as of publication: like a real broker, a later subscriber does not get it.
    const targets = [...set];
    queueMicrotask(() => {
      for (const b of targets) b.receive(channel, payload);
    });
  }
}

export class BrokerClosedError extends Error {
  constructor() {
    super('broker is closed');
  }
}

export class MemoryBroker implements Broker {
  private handler: BrokerEventHandler | undefined;
  private readonly subscribed = new Set<string>();
  private closed = false;

  constructor(private readonly hub: MemoryBrokerHub = new MemoryBrokerHub()) {}

  setHandler(handler: BrokerEventHandler): void {
    this.handler = handler;
  }

  async publish(channel: string, payload: Uint8Array): Promise<void> {
    if (this.closed) throw new BrokerClosedError();
    // Copied once, as a network would: the publisher may reuse its buffer.
    this.hub.deliver(channel, payload.slice());
  }

  async subscribe(channel: string): Promise<void> {
    if (this.closed) throw new BrokerClosedError();
    this.subscribed.add(channel);
    this.hub.join(channel, this);
  }

  async unsubscribe(channel: string): Promise<void> {
    this.subscribed.delete(channel);
    this.hub.leave(channel, this);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const channel of this.subscribed) this.hub.leave(channel, this);
    this.subscribed.clear();
  }

  /** @internal */
  receive(channel: string, payload: Uint8Array): void {
    // Unsubscribed or closed after the publication: a message in flight is dropped.
    if (this.closed || !this.subscribed.has(channel)) return;
    this.handler?.handlePublication(channel, payload);
  }
}
