// A client of the quicjs peer (bench/servers/quic-highlevel.ts), on our own lean QUIC dialer
// (src/transport/quic/dialer.ts) from the thread's shared UDP socket, so that the comparison
// with confab over QUIC measures the two servers, not two client stacks. Messages are
// newline-terminated text; every text sent comes back to every joined client, itself included.
//
// Set-up, bounded in attempts and time: that server refuses a stream whose first bytes arrive
// before it has finished starting the connection, which our first flight (sent with the
// handshake's last packet) nearly always does. So the client first probes with "hello" on
// throwaway side streams, each answered "ready" once the server's side is up (a refused one is
// reset, an unanswered one is given up after PROBE_WAIT_MS), then sends "join" on stream 0 and
// waits for "joined". A refused probe costs one stream, not the connection (stream 0 is
// untouched).
import type { QuicClientStream } from '../../src/transport/quic/dialer.js';
import { dialBenchQuic } from './byte-pipe.js';
import { encodeLine, LineSplitter } from './lines.js';
import { within, type BenchClient, type ClientSpec, type Inbox } from './types.js';

const SETUP_TIMEOUT_MS = 20_000;
/** Probes per connection before giving up. */
export const PROBE_ATTEMPTS = 50;
/** How long one probe waits for "ready" before the next is sent. */
export const PROBE_WAIT_MS = 1_000;

/** Probes sent and connections made ready in this thread (how often the first probe was refused). */
export const probeStats = { connections: 0, probes: 0 };

export async function openQuicjs(spec: ClientSpec, inbox: Inbox): Promise<BenchClient> {
  const at = spec.server.quic;
  if (!at) throw new Error('the quicjs peer announced no QUIC address');
  const conn = await dialBenchQuic(at, spec.server.fingerprint);
  let closed = false;
  let joined: (() => void) | undefined;
  let failSetup: ((e: Error) => void) | undefined;
  const lines = new LineSplitter();

  conn.onData((bytes) => {
    for (const line of lines.push(bytes)) {
      if (joined) {
        if (line === 'joined') joined();
        continue;
      }
      inbox.message(line);
    }
  });
  conn.onClose((c) => {
    failSetup?.(new Error(`${spec.name}: connection closed during setup (${c.message})`));
    if (!closed) inbox.lost();
    closed = true;
  });

  try {
    await within(probeUntilReady(conn), SETUP_TIMEOUT_MS, `${spec.name} hello`);
    await within(new Promise<void>((resolve, reject) => {
      joined = resolve;
      failSetup = reject;
      conn.send(encodeLine('join'));
    }), SETUP_TIMEOUT_MS, `${spec.name} join`);
  } catch (err) {
    closed = true;
    conn.destroy();
    throw err;
  } finally {
    joined = undefined;
    failSetup = undefined;
  }
  return {
    send: (text) => conn.send(encodeLine(text)),
    close: () => {
      closed = true;
      conn.destroy();
    },
  };
}

/** Sends "hello" on a new side stream until one is answered "ready". */
async function probeUntilReady(conn: QuicClientStream): Promise<void> {
  for (let attempt = 1; attempt <= PROBE_ATTEMPTS; attempt++) {
    const side = conn.openSideStream();
    if (!side) throw new Error('connection closed while probing');
    probeStats.probes++;
    const ready = await new Promise<boolean>((resolve) => {
      const lines = new LineSplitter();
      const timer = setTimeout(() => resolve(false), PROBE_WAIT_MS);
      side.onData((bytes) => {
        if (lines.push(bytes).includes('ready')) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      side.onClose(() => {
        clearTimeout(timer);
        resolve(false);
      });
      side.send(encodeLine('hello'));
    });
    if (ready) {
      side.close();
      probeStats.connections++;
      return;
    }
    side.destroy();
    if (conn.closed) throw new Error('connection closed while probing');
  }
  throw new Error(`no probe answered in ${PROBE_ATTEMPTS} attempts`);
}
