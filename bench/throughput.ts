// The throughput/latency measurement of one peer: its server in a child process, the load
// generator here, CPU and memory of the server sampled at the edges of the measured window.
import { receiversPerMessage } from './clients/open.js';
import { closeBenchQuic } from './clients/byte-pipe.js';
import { isConfabPeer, isIrcdPeer, isIrcPeer, transportOf, type PeerEntry, type PeerKind } from './clients/types.js';
import { runLoad } from './load/generator.js';
import { loadOf, phasesOf, type BenchOptions } from './options.js';
import { cpuSplitMicros, machineBusyMicros, memoryBytes } from './proc.js';
import { summarize, type PeerResult } from './report.js';
import { startServerProcess } from './server-process.js';
import type { LoopReport } from './servers/child.js';

export const BENCH_ROOM = '#bench';
/** With --pin, the server's CPU; the generator takes the others (bench/cli.ts). */
export const SERVER_CPU = '0';
/** Client names are this and the client's index (short: CP names are at most 10 bytes). */
const NAME_PREFIX = 'bench';

/** The room each peer's clients meet in (ChatOS has the general chat only; CP has no rooms). */
function roomOf(peer: PeerKind): string | undefined {
  switch (peer) {
    case 'confab': return BENCH_ROOM;
    case 'chatos': return '#general';
    case 'cp': return undefined;
    case 'irc': case 'ngircd': case 'inspircd': return BENCH_ROOM;
    default: return BENCH_ROOM.slice(1);
  }
}

/** One peer's run; a bare peer name uses its own transport (confab: `o.transport`). */
export async function measurePeer(entry: PeerKind | PeerEntry, o: BenchOptions): Promise<PeerResult> {
  const { peer, transport } = typeof entry === 'string' ? { peer: entry, transport: transportOf(entry, o.transport) } : entry;
  const server = await startServerProcess(peer, {
    store: o.store,
    ...(peer === 'cp' ? { accounts: { prefix: NAME_PREFIX, count: o.clients } } : {}),
    ...(o.pin ? { cpus: SERVER_CPU } : {}),
    ircdNodelay: o.ircdNodelay,
  });
  const pid = server.info.pid;
  try {
    let cpuStart = { total: 0, kernel: 0 };
    let cpuEnd = { total: 0, kernel: 0 };
    let busyStart = 0;
    let busyEnd = 0;
    let loopStart: Promise<LoopReport> | undefined;
    let loopEnd: Promise<LoopReport> | undefined;
    let memory = { rss: 0, peak: 0 };
    const outcome = await runLoad(
      {
        peer,
        server: server.info,
        transport,
        ...loadOf(o),
        room: roomOf(peer),
        namePrefix: NAME_PREFIX,
      },
      {
        ...phasesOf(o),
        onWindowStart: () => {
          cpuStart = cpuSplitMicros(pid);
          busyStart = machineBusyMicros();
          loopStart = server.loop();
        },
        onWindowEnd: () => {
          cpuEnd = cpuSplitMicros(pid);
          busyEnd = machineBusyMicros();
          loopEnd = server.loop();
          memory = memoryBytes(pid);
        },
      },
    );
    const [a, b] = await Promise.all([loopStart, loopEnd]);
    // ngircd and InspIRCd have no event loop to report: both samples are zero.
    const loopTotal = a && b ? b.active + b.idle - a.active - a.idle : 0;
    const loopBusy = a && b && loopTotal > 0 ? (b.active - a.active) / loopTotal : 0;
    return summarize({
      peer,
      transport,
      ...(isIrcdPeer(peer) ? { nodelay: o.ircdNodelay } : {}),
      store: isConfabPeer(peer) ? o.store : undefined,
      clients: o.clients,
      senders: o.senders,
      rate: o.rate,
      windowMs: o.seconds * 1000,
      receiversPerMessage: receiversPerMessage(peer, o.clients),
      latency: outcome.latency,
      // IRC has no acknowledgement of a message.
      ack: isConfabPeer(peer) && !isIrcPeer(peer) ? outcome.ack : undefined,
      sentInWindow: outcome.sentInWindow.reduce((a, b) => a + b, 0),
      receivedInWindow: outcome.receivedInWindow,
      distinct: outcome.distinct,
      duplicates: outcome.duplicates,
      late: outcome.late,
      serverCpuMicros: cpuEnd.total - cpuStart.total,
      serverKernelMicros: cpuEnd.kernel - cpuStart.kernel,
      generatorCpuMicros: outcome.generatorCpuMicros,
      machineBusyMicros: busyEnd - busyStart,
      serverLoopBusy: loopBusy,
      sampledMs: outcome.observedWindowMs,
      serverRssBytes: memory.rss,
      serverPeakRssBytes: memory.peak,
      errors: outcome.errors,
      lostConnections: outcome.lostConnections,
      stray: outcome.stray,
    });
  } finally {
    await server.stop();
    await closeBenchQuic();
  }
}
