// The shape of one load run, shared by the orchestrator and its shards (which may be worker
// threads, so everything here is plain data).
import type { HistogramSnapshot } from '../histogram.js';
import type { PeerKind, ServerInfo, Transport } from '../clients/types.js';

export interface LoadPlan {
  peer: PeerKind;
  server: ServerInfo;
  /**
   * Several servers of one cluster: client i connects to servers[i % servers.length] (round
   * robin, so every node has senders and receivers); absent: every client to `server`.
   */
  servers?: ServerInfo[];
  transport: Transport;
  clients: number;
  senders: number;
  /** Messages per second per sender. */
  rate: number;
  /** Minimum message text size in bytes. */
  size: number;
  /** undefined: no room (CP's messages go to one user each). */
  room?: string;
  /** Prefix of client names, unique per run. */
  namePrefix: string;
}

/** The clients [first, first + count) of the run that one shard drives. */
export interface ShardPlan extends LoadPlan {
  first: number;
  count: number;
  /** Most connection setups in flight at once. */
  connectConcurrency: number;
}

/** Absolute times (ms since the epoch) shared by every shard. */
export interface Timing {
  /** Senders start; message k of sender j is intended at t0 + (k + j/S) / rate. */
  t0: number;
  windowStart: number;
  windowEnd: number;
  /** Receivers give up waiting for missing messages at this time. */
  drainUntil: number;
}

export interface ShardResult {
  /** Delivery latency of messages intended inside the window (µs). */
  latency: HistogramSnapshot;
  /** confab: intended send time to ACK (durable), for messages intended inside the window (µs). */
  ack: HistogramSnapshot;
  /** Per sender index (global), messages sent that were intended inside the window. */
  sentInWindow: Record<number, number>;
  /** Messages sent in all (warm-up and window). */
  sentTotal: number;
  /** Bench messages received while the window was open (any intended time, duplicates too). */
  receivedInWindow: number;
  distinct: number;
  duplicates: number;
  late: number;
  /** Texts that were not bench messages. */
  stray: number;
  /** Error codes the server answered with, and how often. */
  errors: Record<number, number>;
  /** Connections the server ended during the run. */
  lostConnections: number;
  /** When this shard's receivers stopped waiting (ms since the epoch). */
  drainedAt: number;
}
