// --idle N: what an idle connection costs the confab server. N guests connect and log in (no
// room), and the server's RSS after a full GC is compared with before. A short warm-up batch
// first makes the server load and compile its connection path, so that one-off cost is not
// charged to the connections.
import { closeBenchQuic } from './clients/byte-pipe.js';
import { openConfab } from './clients/confab.js';
import type { BenchClient, Inbox, Transport } from './clients/types.js';
import { nowMs } from './payload.js';
import { memoryBytes } from './proc.js';
import { round } from './report.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

const WARMUP_CONNECTIONS = 50;
const CONNECT_CONCURRENCY = 64;
/** Let timers and buffers of the fresh connections settle before the final measurement. */
const SETTLE_MS = 1_000;

export interface IdleResult {
  transport: Transport;
  connections: number;
  connectSeconds: number;
  serverRssBeforeMiB: number;
  serverRssAfterMiB: number;
  perConnectionKiB: number;
  heapPerConnectionKiB: number;
  lostConnections: number;
}

export async function measureIdle(n: number, transport: Transport): Promise<IdleResult> {
  const server = await startServerProcess('confab');
  let lost = 0;
  let closing = false;
  const inbox: Inbox = { message: () => undefined, ack: () => undefined, error: () => undefined, lost: () => { if (!closing) lost++; } };
  const clients: BenchClient[] = [];
  try {
    const warm = await openMany(server, transport, 'warm', WARMUP_CONNECTIONS, inbox);
    closing = true;
    for (const c of warm) c.close();
    await sleep(SETTLE_MS);
    closing = false;
    const before = await settledMemory(server);

    const start = nowMs();
    clients.push(...(await openMany(server, transport, 'idle', n, inbox)));
    const connectSeconds = (nowMs() - start) / 1000;
    await sleep(SETTLE_MS);
    const after = await settledMemory(server);
    return {
      transport,
      connections: n,
      connectSeconds: round(connectSeconds, 2),
      serverRssBeforeMiB: round(before.rss / 2 ** 20, 1),
      serverRssAfterMiB: round(after.rss / 2 ** 20, 1),
      perConnectionKiB: round((after.rss - before.rss) / n / 1024, 2),
      heapPerConnectionKiB: round((after.heapUsed - before.heapUsed) / n / 1024, 2),
      lostConnections: lost,
    };
  } finally {
    closing = true;
    for (const c of clients) c.close();
    await closeBenchQuic();
    await server.stop();
  }
}

async function settledMemory(server: ServerProcess): Promise<{ rss: number; heapUsed: number }> {
  const probe = await server.memory(); // runs a full GC in the server first
  return { rss: memoryBytes(server.info.pid).rss, heapUsed: probe.heapUsed };
}

async function openMany(server: ServerProcess, transport: Transport, prefix: string, n: number, inbox: Inbox): Promise<BenchClient[]> {
  const out: BenchClient[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      out.push(await openConfab({ server: server.info, transport, name: `${prefix}${i}` }, inbox));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, n) }, worker));
  } catch (err) {
    for (const c of out) c.close();
    throw err;
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
