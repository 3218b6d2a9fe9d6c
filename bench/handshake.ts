// --handshakes N: how long a connection takes to set up on loopback, one at a time so each is
// timed on an otherwise idle server. Timed from the dial to "established" as the client sees it:
// - QUIC (confab, and the quicjs peer): our dialer from one shared UDP socket, Initial -> the
//   server's stateless Retry -> Initial with the token -> handshake done and the certificate
//   checked against the announced fingerprint; 2 round trips;
// - TLS (confab): TCP connect, then TLS 1.3 to `secureConnect` and the fingerprint check;
//   2 round trips.
// A warm-up batch first, not counted (module loading, JIT, the server's first handshakes).
import { connect as tlsConnect } from 'node:tls';
import { performance } from 'node:perf_hooks';
import { closeBenchQuic, dialBenchQuic } from './clients/byte-pipe.js';
import { within, type Address, type PeerKind } from './clients/types.js';
import { sampleSummary, type LatencySummary } from './report.js';
import { startServerProcess } from './server-process.js';

const WARMUP = 20;
/** Between two dials, so the previous connection's close is handled before the next is timed. */
const GAP_MS = 2;
const DIAL_TIMEOUT_MS = 10_000;

export interface HandshakeSeries {
  peer: PeerKind;
  transport: 'quic' | 'tls';
  /** Set-ups timed (warm-up excluded). */
  count: number;
  failed: number;
  /** Dial to established, ms. */
  ms: LatencySummary;
}

export interface HandshakeResult {
  warmup: number;
  series: HandshakeSeries[];
}

export async function measureHandshakes(n: number, say: (line: string) => void = () => undefined): Promise<HandshakeResult> {
  const series: HandshakeSeries[] = [];
  for (const peer of ['confab', 'quicjs'] as const) {
    const server = await startServerProcess(peer, { store: 'memory' });
    try {
      const { quic, tls, fingerprint } = server.info;
      if (!quic) throw new Error(`${peer} announced no QUIC address`);
      series.push(await timeSeries(peer, 'quic', n, () => dialQuicOnce(quic, fingerprint)));
      say(describe(series[series.length - 1]));
      if (tls) {
        series.push(await timeSeries(peer, 'tls', n, () => dialTlsOnce(tls, fingerprint)));
        say(describe(series[series.length - 1]));
      }
    } finally {
      await closeBenchQuic();
      await server.stop();
    }
  }
  return { warmup: WARMUP, series };
}

/** One set-up: resolves with its duration (ms) once established; the connection is closed again. */
type Dial = () => Promise<number>;

async function timeSeries(peer: PeerKind, transport: 'quic' | 'tls', n: number, dial: Dial): Promise<HandshakeSeries> {
  const samples: number[] = [];
  let failed = 0;
  for (let i = 0; i < WARMUP + n; i++) {
    try {
      const ms = await within(dial(), DIAL_TIMEOUT_MS, `${peer} ${transport} handshake`);
      if (i >= WARMUP) samples.push(ms);
    } catch {
      if (i >= WARMUP) failed++;
    }
    await new Promise((resolve) => setTimeout(resolve, GAP_MS));
  }
  return { peer, transport, count: samples.length, failed, ms: sampleSummary(samples) };
}

async function dialQuicOnce(at: Address, fingerprint: string | undefined): Promise<number> {
  const start = performance.now();
  const conn = await dialBenchQuic(at, fingerprint);
  const ms = performance.now() - start;
  conn.destroy();
  return ms;
}

function dialTlsOnce(at: Address, fingerprint: string | undefined): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const start = performance.now();
    const sock = tlsConnect({ host: at.host, port: at.port, servername: 'localhost', rejectUnauthorized: false });
    sock.once('secureConnect', () => {
      const seen = sock.getPeerCertificate().fingerprint256;
      const ms = performance.now() - start;
      sock.destroy();
      if (fingerprint !== undefined && seen !== fingerprint) reject(new Error(`certificate ${seen} is not the announced ${fingerprint}`));
      else resolve(ms);
    });
    sock.once('error', reject);
    sock.on('error', () => undefined);
  });
}

function describe(s: HandshakeSeries): string {
  return `handshakes: ${s.peer}/${s.transport}: p50 ${s.ms.p50} ms, p90 ${s.ms.p90}, p99 ${s.ms.p99}, max ${s.ms.max} (${s.count} timed, ${s.failed} failed)`;
}
