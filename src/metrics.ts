import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets from half a millisecond (in-memory work) to seconds (a stalled disk). */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event-loop lag, GC); default on. */
  processMetrics?: boolean;
}

/**
 * The server's Prometheus metrics, on a registry of its own (not prom-client's global one), so
 * several servers in one process keep separate counts. Fields are plain prom-client metrics:
 * the hot path calls inc()/observe() on them directly.
 */
export class Metrics {
  readonly registry = new Registry();
  /** Open client connections by transport (tcp, tls, ws). */
  readonly connections: Gauge<'transport'>;
  /** Connections refused for the server's limits, by listener and by which limit (total, address). */
  readonly connectionsRefused: Counter<'transport' | 'reason'>;
  /** Messages stored (each once, whatever its number of targets). */
  readonly messages: Counter;
  /** Message and event deliveries to sessions. */
  readonly deliveries: Counter;
  /** Publications to the other nodes of a cluster that failed (their sessions missed an event). */
  readonly publishFailures: Counter;
  /** Errors sent to clients, by error name (RATE_LIMITED, SLOW_CONSUMER, ...). */
  readonly errors: Counter<'code'>;
  /** Bytes queued towards clients, summed over the registered sources when scraped. */
  readonly sendQueueBytes: Gauge;
  /** From receiving a SEND to sending its ACK (the message is durable by then). */
  readonly ackLatency: Histogram;
  /** Duration of one store commit (a group commit counts once). */
  readonly storeCommit: Histogram;
  private readonly queueSources: (() => number)[] = [];

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    this.connections = new Gauge({ name: 'confab_connections', help: 'Open client connections', labelNames: ['transport'], registers });
    this.connectionsRefused = new Counter({
      name: 'confab_connections_refused_total', help: 'Connections refused for the connection limits, by listener and limit', labelNames: ['transport', 'reason'], registers,
    });
    this.messages = new Counter({ name: 'confab_messages_total', help: 'Messages stored', registers });
    this.deliveries = new Counter({ name: 'confab_deliveries_total', help: 'Messages and events delivered to sessions', registers });
    this.publishFailures = new Counter({ name: 'confab_cluster_publish_failures_total', help: 'Publications to the other nodes of the cluster that failed', registers });
    this.errors = new Counter({ name: 'confab_errors_total', help: 'Errors sent to clients, by error name', labelNames: ['code'], registers });
    const sources = this.queueSources;
    this.sendQueueBytes = new Gauge({
      name: 'confab_send_queue_bytes',
      help: 'Bytes queued towards clients and not yet taken by the operating system',
      registers,
      collect() {
        let sum = 0;
        for (const f of sources) sum += f();
        this.set(sum);
      },
    });
    this.ackLatency = new Histogram({
      name: 'confab_ack_latency_seconds', help: 'Time from receiving SEND to sending ACK', buckets: LATENCY_BUCKETS, registers,
    });
    this.storeCommit = new Histogram({
      name: 'confab_store_commit_seconds', help: 'Duration of a store commit', buckets: LATENCY_BUCKETS, registers,
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Adds a source of queued bytes (a listener's queuedBytes) to confab_send_queue_bytes. */
  addQueueSource(source: () => number): void {
    this.queueSources.push(source);
  }

  /** Content-Type of the exposition text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus exposition text. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
