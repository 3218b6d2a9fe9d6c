// --durable: the store's durability measurement lives in bench/store.ts (its own module, with
// its own defaults); this runs it for --seconds when it is there and says so when it is not.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchOptions } from './options.js';

export type DurableOutcome = { ran: true; result: unknown } | { ran: false; note: string };

type StoreBench = (options: { seconds?: number }) => Promise<unknown>;

const fromSource = import.meta.url.endsWith('.ts');

export async function measureDurable(o: BenchOptions): Promise<DurableOutcome> {
  const url = new URL(`./store${fromSource ? '.ts' : '.js'}`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) return { ran: false, note: 'durable: skipped, bench/store.ts is not there' };
  const mod = (await import(url.href)) as { runStoreBench?: unknown };
  if (typeof mod.runStoreBench !== 'function') return { ran: false, note: 'durable: skipped, bench/store.ts exports no runStoreBench' };
  return { ran: true, result: await (mod.runStoreBench as StoreBench)({ seconds: o.seconds }) };
}
