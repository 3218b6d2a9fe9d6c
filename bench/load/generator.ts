// The load generator's orchestrator: splits the clients into shards (in this thread, or one per
// worker thread), waits until all are connected, gives them one common timeline, and merges
// what they measured.
import { Worker } from 'node:worker_threads';
import { Histogram } from '../histogram.js';
import { nowMs } from '../payload.js';
import { Shard } from './shard.js';
import type { LoadPlan, ShardPlan, ShardResult, Timing } from './plan.js';
import type { FromWorker, ToWorker } from './worker.js';

/** Time between "everyone is connected" and the first send, so every shard has the timeline. */
const START_MARGIN_MS = 300;
const CONNECT_CONCURRENCY = 64;

export interface LoadOptions {
  /** 0: the shard runs in this thread; k > 0: k worker threads. */
  workers: number;
  warmupMs: number;
  windowMs: number;
  drainMs: number;
  /** Called (in this thread) when the measured window opens and when it closes. */
  onWindowStart?: () => void;
  onWindowEnd?: () => void;
}

export interface LoadOutcome {
  timing: Timing;
  latency: Histogram;
  ack: Histogram;
  sentInWindow: number[];
  sentTotal: number;
  receivedInWindow: number;
  distinct: number;
  duplicates: number;
  late: number;
  stray: number;
  errors: Record<number, number>;
  lostConnections: number;
  /** CPU time of the whole generator process (every thread) inside the window, µs. */
  generatorCpuMicros: number;
  /** How long the window actually lasted between the two hook calls, ms. */
  observedWindowMs: number;
  drainedAt: number;
}

interface ShardHandle {
  connect(): Promise<void>;
  run(timing: Timing): Promise<ShardResult>;
  close(): Promise<void>;
}

export function shardPlans(plan: LoadPlan, shards: number): ShardPlan[] {
  const n = Math.max(1, Math.min(shards, plan.clients));
  return Array.from({ length: n }, (_, i) => {
    const first = Math.floor((i * plan.clients) / n);
    const end = Math.floor(((i + 1) * plan.clients) / n);
    return { ...plan, first, count: end - first, connectConcurrency: Math.ceil(CONNECT_CONCURRENCY / n) };
  });
}

export async function runLoad(plan: LoadPlan, o: LoadOptions): Promise<LoadOutcome> {
  const plans = shardPlans(plan, o.workers);
  const shards = plans.map((p) => (o.workers > 0 ? workerShard(p) : inlineShard(p)));
  try {
    await Promise.all(shards.map((s) => s.connect()));
    const t0 = nowMs() + START_MARGIN_MS;
    const timing: Timing = {
      t0,
      windowStart: t0 + o.warmupMs,
      windowEnd: t0 + o.warmupMs + o.windowMs,
      drainUntil: t0 + o.warmupMs + o.windowMs + o.drainMs,
    };
    const cpu = { start: process.cpuUsage(), end: process.cpuUsage(), startAt: 0, endAt: 0 };
    const opened = at(timing.windowStart, () => {
      cpu.startAt = nowMs();
      cpu.start = process.cpuUsage();
      o.onWindowStart?.();
    });
    const closed = at(timing.windowEnd, () => {
      cpu.endAt = nowMs();
      cpu.end = process.cpuUsage(cpu.start);
      o.onWindowEnd?.();
    });
    const results = await Promise.all(shards.map((s) => s.run(timing)));
    await Promise.all([opened, closed]);
    return merge(plan, timing, results, cpu.end.user + cpu.end.system, cpu.endAt - cpu.startAt);
  } finally {
    await Promise.all(shards.map((s) => s.close()));
  }
}

function at(time: number, f: () => void): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(() => { f(); resolve(); }, Math.max(0, time - nowMs())));
}

function merge(plan: LoadPlan, timing: Timing, results: ShardResult[], generatorCpuMicros: number, observedWindowMs: number): LoadOutcome {
  const latency = new Histogram();
  const ack = new Histogram();
  const sentInWindow = new Array<number>(plan.senders).fill(0);
  const errors: Record<number, number> = {};
  const sum = (f: (r: ShardResult) => number): number => results.reduce((a, r) => a + f(r), 0);
  for (const r of results) {
    latency.merge(r.latency);
    ack.merge(r.ack);
    for (const [j, n] of Object.entries(r.sentInWindow)) sentInWindow[Number(j)] += n;
    for (const [code, n] of Object.entries(r.errors)) errors[Number(code)] = (errors[Number(code)] ?? 0) + n;
  }
  return {
    timing, latency, ack, sentInWindow, errors, generatorCpuMicros, observedWindowMs,
    sentTotal: sum((r) => r.sentTotal),
    receivedInWindow: sum((r) => r.receivedInWindow),
    distinct: sum((r) => r.distinct),
    duplicates: sum((r) => r.duplicates),
    late: sum((r) => r.late),
    stray: sum((r) => r.stray),
    lostConnections: sum((r) => r.lostConnections),
    drainedAt: Math.max(...results.map((r) => r.drainedAt)),
  };
}

function inlineShard(plan: ShardPlan): ShardHandle {
  const shard = new Shard(plan);
  return {
    connect: () => shard.connect(),
    run: (timing) => shard.run(timing),
    close: () => shard.close(),
  };
}

const fromSource = import.meta.url.endsWith('.ts');

function workerShard(plan: ShardPlan): ShardHandle {
  const worker = fromSource
    ? // From source (tests run the .ts files through tsx): register tsx in the thread, then load.
      new Worker(
        `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}); });`,
        { eval: true },
      )
    : new Worker(new URL('./worker.js', import.meta.url));
  let exited = false;
  worker.once('exit', () => { exited = true; });
  const ask = <T extends FromWorker>(m: ToWorker, want: 'connected' | 'result' | 'closed'): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (r: FromWorker): void => {
        cleanup();
        if ('failed' in r) reject(new Error(r.failed));
        else if (r.ok === want) resolve(r as T);
        else reject(new Error(`worker answered ${r.ok}, expected ${want}`));
      };
      const onError = (e: Error): void => { cleanup(); reject(e); };
      const onExit = (): void => { cleanup(); reject(new Error('load worker exited')); };
      const cleanup = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage(m);
    });
  return {
    connect: async () => { await ask({ cmd: 'connect', plan }, 'connected'); },
    run: async (timing) => (await ask<Extract<FromWorker, { ok: 'result' }>>({ cmd: 'run', timing }, 'result')).result,
    close: async () => {
      if (exited) return;
      await ask({ cmd: 'close' }, 'closed').catch(() => undefined);
      await worker.terminate();
    },
  };
}
