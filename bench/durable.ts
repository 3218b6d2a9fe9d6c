// --durable: the store's durability measurement lives in bench/store.ts (its own module, with
// its own defaults); this runs it for --seconds when it is there and says so when it is not.
// With --store postgres it first starts a private PostgreSQL (bench/backends.ts), gives the
// measurement a fresh database, and adds the CPU time of PostgreSQL's processes (the postmaster
// and its children) and of this process (the producers and the store's client side) over the
// measured seconds.
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startBenchPostgres } from './backends.js';
import type { BenchOptions } from './options.js';
import { machineBusyMicros, treeCpuMicros } from './proc.js';
import { round } from './report.js';

export type DurableOutcome = { ran: true; result: unknown } | { ran: false; note: string };

interface StoreBenchCall {
  seconds?: number;
  engine?: 'sqlite' | 'postgres';
  url?: string;
  onStart?: () => void;
  onEnd?: () => void;
}
type StoreBench = (options: StoreBenchCall) => Promise<{ messages?: number }>;

/** Where the CPU went while a PostgreSQL measurement ran, % of one core and µs per message. */
export interface DurableCpu {
  postgresCpuPercent: number;
  postgresCpuMicrosPerMessage: number;
  /** PostgreSQL processes at the end (postmaster, backends, background workers). */
  postgresProcesses: number;
  benchCpuPercent: number;
  benchCpuMicrosPerMessage: number;
  otherCpuPercent: number;
}

const fromSource = import.meta.url.endsWith('.ts');

export async function measureDurable(o: BenchOptions): Promise<DurableOutcome> {
  const url = new URL(`./store${fromSource ? '.ts' : '.js'}`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) return { ran: false, note: 'durable: skipped, bench/store.ts is not there' };
  const mod = (await import(url.href)) as { runStoreBench?: unknown };
  if (typeof mod.runStoreBench !== 'function') return { ran: false, note: 'durable: skipped, bench/store.ts exports no runStoreBench' };
  const runStoreBench = mod.runStoreBench as StoreBench;
  if (o.store !== 'postgres') return { ran: true, result: await runStoreBench({ seconds: o.seconds }) };

  const postgres = await startBenchPostgres();
  try {
    const db = await postgres.server.createDatabase();
    const sample = (): { pg: number; processes: number; bench: number; busy: number; at: number } => {
      const t = treeCpuMicros(postgres.pid);
      const own = process.cpuUsage();
      return { pg: t.micros, processes: t.processes, bench: own.user + own.system, busy: machineBusyMicros(), at: performance.now() };
    };
    let start: ReturnType<typeof sample> | undefined;
    let end: ReturnType<typeof sample> | undefined;
    const result = await runStoreBench({
      seconds: o.seconds,
      engine: 'postgres',
      url: db,
      onStart: () => { start = sample(); },
      onEnd: () => { end = sample(); },
    });
    return { ran: true, result: { ...result, cpu: start && end ? durableCpu(start, end, result.messages ?? 0) : undefined } };
  } finally {
    await postgres.server.stop();
  }
}

export function durableCpu(
  start: { pg: number; bench: number; busy: number; at: number },
  end: { pg: number; processes: number; bench: number; busy: number; at: number },
  messages: number,
): DurableCpu {
  const wallUs = (end.at - start.at) * 1000;
  const pgUs = end.pg - start.pg;
  const benchUs = end.bench - start.bench;
  const percent = (us: number): number => (wallUs > 0 ? round((us / wallUs) * 100, 1) : 0);
  const perMessage = (us: number): number => (messages > 0 ? round(us / messages, 2) : 0);
  return {
    postgresCpuPercent: percent(pgUs),
    postgresCpuMicrosPerMessage: perMessage(pgUs),
    postgresProcesses: end.processes,
    benchCpuPercent: percent(benchUs),
    benchCpuMicrosPerMessage: perMessage(benchUs),
    otherCpuPercent: percent(Math.max(0, end.busy - start.busy - pgUs - benchUs)),
  };
}
