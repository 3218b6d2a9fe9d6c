// What every server under test does as a child of the bench harness: announce itself on one
// stdout line (JSON), answer memory and event-loop probes over the IPC channel, and stop when told to or when
// the harness goes away (so no server outlives a crashed run).
import { performance } from 'node:perf_hooks';
import type { ServerInfo } from '../clients/types.js';

/** IPC requests from the harness. */
export type Probe = { cmd: 'memory'; gc: boolean } | { cmd: 'loop' };
/** IPC answers. */
export interface MemoryReport { cmd: 'memory'; rss: number; heapUsed: number; external: number; gcRan: boolean }
/** Cumulative event-loop time (performance.eventLoopUtilization), ms. */
export interface LoopReport { cmd: 'loop'; idle: number; active: number }

export function serveAsChild(info: Omit<ServerInfo, 'pid'>, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(0), 5_000);
    force.unref();
    stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.on('disconnect', shutdown);
  process.on('message', (m: Probe) => {
    if (m?.cmd === 'loop') {
      const { idle, active } = performance.eventLoopUtilization();
      const report: LoopReport = { cmd: 'loop', idle, active };
      process.send?.(report);
      return;
    }
    if (m?.cmd !== 'memory') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    if (m.gc && gc) {
      // Twice: the first pass may only promote what the second one frees.
      gc();
      gc();
    }
    const u = process.memoryUsage();
    const report: MemoryReport = { cmd: 'memory', rss: u.rss, heapUsed: u.heapUsed, external: u.external, gcRan: Boolean(m.gc && gc) };
    process.send?.(report);
  });
  process.stdout.write(`${JSON.stringify({ ...info, pid: process.pid })}\n`);
}
