/**
 * Fan-out between chat nodes. A broker only moves bytes: the core decides what a publication
 * means. Engines: memory (in-process, several nodes in one process), later redis and nats.
 */
export interface BrokerEventHandler {
  /** Called for every publication on a channel this node subscribed to, including its own. */
  handlePublication(channel: string, payload: Uint8Array): void;
}

export interface Broker {
  /** Set once by the node before any subscribe. */
  setHandler(handler: BrokerEventHandler): void;
  publish(channel: string, payload: Uint8Array): Promise<void>;
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  close(): Promise<void>;
}
