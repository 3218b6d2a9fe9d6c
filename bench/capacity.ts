// Capacity: the highest delivery rate a peer sustains with its latency bounded and nothing lost.
//
// A single open-loop run at one offered rate compares peers badly once one of them is past its
// limit: a server that falls behind batches its writes, still delivers a great deal per second,
// and pays for it in seconds of latency and dropped messages. A chat user would not call that
// capacity. So each peer is stepped through rising offered rates (the same list for every peer),
// and its capacity is what it delivered at the highest step it held: every message delivered
// once, no connection or error lost, p99 at or below the bound, and the offered rate kept up.
// A step that fails is run once more, and only a second failure ends the search: a single
// stall of a shared machine (another process, a slow fsync) should not decide a peer's
// capacity, and a peer past its limit fails every time.
import type { PeerEntry } from './clients/types.js';
import { peerLabel } from './clients/types.js';
import { round, runNames, table, type PeerResult } from './report.js';

/** A step keeps up when it delivers at least this share of what was offered in its window. */
export const KEEP_UP_SHARE = 0.95;

export interface CapacityStep {
  /** Messages per second per sender at this step. */
  rate: number;
  result: PeerResult;
  /** Why the step did not hold; empty when it did. */
  failed: string[];
  /** This is the second run at this rate, after the first failed. */
  repeat?: boolean;
}

export interface CapacityResult {
  peer: string;
  transport: string;
  p99BoundMs: number;
  /** Deliveries/s at the highest step that held; 0 when none did. */
  capacityPerSec: number;
  /** That step's per-sender rate, if any held. */
  heldRate?: number;
  /** In the order run; the search stops after a rate that failed twice. */
  steps: CapacityStep[];
}

/** Why a step does not count as sustained; empty when it does. Pure. */
export function judgeStep(r: PeerResult, p99BoundMs: number): string[] {
  const why: string[] = [];
  if (r.lost > 0) why.push(`${r.lost} lost`);
  if (r.duplicated > 0) why.push(`${r.duplicated} duplicated`);
  if (r.lostConnections > 0) why.push(`${r.lostConnections} connections lost`);
  const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
  if (errors > 0) why.push(`${errors} errors`);
  if (r.latencyMs.p99 > p99BoundMs) why.push(`p99 ${r.latencyMs.p99} ms > ${p99BoundMs} ms`);
  if (r.deliveriesPerSec < r.offeredPerSec * KEEP_UP_SHARE) why.push(`delivered ${r.deliveriesPerSec}/s of ${r.offeredPerSec}/s offered`);
  return why;
}

/**
 * Runs `measure` at each rate in turn (ascending) until a step does not hold twice in a row.
 * `measure` is one ordinary throughput run of the peer at that per-sender rate.
 */
export async function searchCapacity(
  entry: PeerEntry,
  rates: readonly number[],
  p99BoundMs: number,
  measure: (rate: number) => Promise<PeerResult>,
  say: (line: string) => void = () => undefined,
): Promise<CapacityResult> {
  const steps: CapacityStep[] = [];
  let held: CapacityStep | undefined;
  search: for (const rate of rates) {
    for (const repeat of [false, true]) {
      const result = await measure(rate);
      const failed = judgeStep(result, p99BoundMs);
      const step: CapacityStep = { rate, result, failed, ...(repeat ? { repeat } : {}) };
      steps.push(step);
      say(`  ${peerLabel(entry)} at ${result.offeredPerSec}/s offered${repeat ? ' (again)' : ''}: ${result.deliveriesPerSec}/s, p99 ${result.latencyMs.p99} ms${failed.length ? ` (did not hold: ${failed.join(', ')})` : ''}`);
      if (failed.length === 0) {
        held = step;
        continue search;
      }
    }
    break;
  }
  return {
    peer: entry.peer,
    transport: entry.transport,
    p99BoundMs,
    capacityPerSec: held?.result.deliveriesPerSec ?? 0,
    ...(held ? { heldRate: held.rate } : {}),
    steps,
  };
}

/**
 * "a/b": a's capacity over b's, for every ordered pair, named as in `ratios` (bench/report.ts).
 * A peer that held no step has capacity 0; a ratio against it is reported as Infinity.
 */
export function capacityRatios(results: readonly CapacityResult[]): Record<string, number> {
  const name = runNames(results);
  const out: Record<string, number> = {};
  for (const a of results) {
    for (const b of results) {
      if (a === b) continue;
      out[`${name(a)}/${name(b)}`] = b.capacityPerSec === 0 ? (a.capacityPerSec === 0 ? 1 : Infinity) : round(a.capacityPerSec / b.capacityPerSec, 2);
    }
  }
  return out;
}

/** One row per peer: its capacity, the step it held, and why the next step failed. */
export function formatCapacity(results: readonly CapacityResult[]): string {
  const head = ['peer', 'capacity deliv/s', 'at offered', 'p99 ms', 'srv cpu%', 'gen cpu%', 'next step failed twice, the second time on'];
  const rows = results.map((c) => {
    const held = c.steps.find((s) => s.rate === c.heldRate && s.failed.length === 0);
    const last = c.steps[c.steps.length - 1];
    const next = last && last.failed.length > 0 ? last : undefined;
    return [
      c.peer === 'irc' ? 'confab/irc' : `${c.peer}/${c.transport}`,
      String(c.capacityPerSec),
      held ? String(held.result.offeredPerSec) : '-',
      held ? String(held.result.latencyMs.p99) : '-',
      held ? String(held.result.serverCpuPercent) : '-',
      held ? String(held.result.generatorCpuPercent) : '-',
      next ? `${next.result.offeredPerSec}/s: ${next.failed.join(', ')}` : 'every step held',
    ];
  });
  return table([head, ...rows]);
}
