// A UDP socket and the QUIC connections behind it. Incoming datagrams are matched to their
// connection by destination connection id (read straight from the header bytes); what is left
// goes to `unmatched` (the server's acceptor). Connections that have something to send are
// flushed once at the end of the event-loop turn, so the frames of one turn share packets, and
// one timer (a deadline heap) serves quiche's timers of every connection.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { lookup as resolve, type LookupOneOptions } from 'node:dns';
import { isIP, isIPv6 } from 'node:net';
import { scheduleFlush, type Flushable } from '../flush-scheduler.js';
import { CID_LENGTH, type QuicheAddress } from './binding.js';
import { DeadlineQueue, monotonicMs } from './deadlines.js';
import type { QuicSession, SessionHost } from './session.js';

/** Room for any datagram quiche writes (it keeps to max_send_udp_payload_size). */
const SEND_BUFFER_BYTES = 1500;
/** Datagrams one connection sends in one flush at most; the rest waits for the next turn. */
export const MAX_DATAGRAMS_PER_FLUSH = 256;
/** The largest stream read at once. */
const READ_BUFFER_BYTES = 64 * 1024;
/** Asked of the kernel so a burst of handshakes is not dropped (it may grant less). */
export const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

export interface EndpointCounters {
  datagramsIn: number;
  datagramsOut: number;
  /** Datagrams too short to hold a connection id. */
  malformed: number;
}

/** A datagram with no connection: the server's acceptor looks at it. */
export type Unmatched = (datagram: Buffer, from: QuicheAddress, endpoint: QuicEndpoint) => void;

export class QuicEndpoint implements SessionHost, Flushable {
  readonly readBuffer = new Uint8Array(READ_BUFFER_BYTES);
  readonly counters: EndpointCounters = { datagramsIn: 0, datagramsOut: 0, malformed: 0 };
  private readonly sessions = new Map<string, QuicSession>();
  private dirty: QuicSession[] = [];
  private flushScheduled = false;
  private spare: Buffer | undefined;
  private readonly deadlines = new DeadlineQueue<QuicSession>((s) => s.onDeadline());
  private closed = false;
  /** Datagrams handed to the socket whose send has not completed (closing waits for them). */
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private readonly sent = (): void => {
    if (--this.inFlight === 0 && this.drained) this.drained();
  };
  private readonly onMessage = (msg: Buffer, rinfo: RemoteInfo): void => this.received(msg, rinfo);

  private constructor(
    private socket: Socket,
    /** The address quiche knows as this end of every path (fixed even if the socket is rebound). */
    readonly local: QuicheAddress,
    private readonly unmatched: Unmatched | undefined,
  ) {
    this.listen(socket);
  }

  /** Binds a UDP socket on host:port (0: any free port). */
  static async bind(host: string, port: number, unmatched?: Unmatched): Promise<QuicEndpoint> {
    const socket = await openSocket(host, port);
    const address = socket.address();
    return new QuicEndpoint(socket, { host: address.address, port: address.port }, unmatched);
  }

  /** The port the socket is bound to now. */
  get port(): number {
    return this.socket.address().port;
  }

  now(): number {
    return monotonicMs();
  }

  register(key: string, session: QuicSession): void {
    this.sessions.set(key, session);
    session.keys.push(key);
  }

  markDirty(session: QuicSession): void {
    if (session.dirty) return;
    session.dirty = true;
    this.dirty.push(session);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      scheduleFlush(this);
    }
  }

  /** Flushable: the end of the turn. */
  flush(): void {
    this.flushScheduled = false;
    const list = this.dirty;
    this.dirty = [];
    for (const session of list) {
      session.dirty = false;
      session.flush();
    }
  }

  sendPackets(session: QuicSession): void {
    if (this.closed) return;
    const conn = session.conn;
    // Bounded per turn: whatever quiche has to send (a full congestion window, or a connection
    // that keeps producing packets while it is torn down), the event loop gets its turn between
    // two bursts, so no peer can make the server spin. What is left goes out in the next flush.
    for (let n = 0; n < MAX_DATAGRAMS_PER_FLUSH; n++) {
      const out = this.spare ?? Buffer.allocUnsafe(SEND_BUFFER_BYTES);
      let sent;
      try {
        sent = conn.send(out);
      } catch {
        sent = null;
      }
      if (sent === null || sent[0] === 0) {
        this.spare = out;
        return;
      }
      this.spare = undefined;
      this.sendDatagram(out.subarray(0, sent[0]), sent[1].to);
    }
    this.markDirty(session);
  }

  /** One datagram out; losses are QUIC's business, so send errors are ignored. */
  sendDatagram(bytes: Uint8Array, to: QuicheAddress): void {
    if (this.closed) return;
    this.counters.datagramsOut++;
    this.inFlight++;
    this.socket.send(bytes, to.port, to.host, this.sent);
  }

  setDeadline(session: QuicSession, at: number): void {
    if (at === Infinity) this.deadlines.delete(session);
    else this.deadlines.set(session, at);
  }

  forget(session: QuicSession): void {
    for (const key of session.keys) {
      if (this.sessions.get(key) === session) this.sessions.delete(key);
    }
    this.deadlines.delete(session);
  }

  /**
   * Moves to a new socket on a new port, as a NAT rebinding would: the connections keep their
   * ids and quiche's view of the local address, and the peer sees them arrive from elsewhere.
   */
  async rebind(): Promise<void> {
    const fresh = await openSocket(this.local.host, 0);
    const old = this.socket;
    this.socket = fresh;
    this.listen(fresh);
    old.off('message', this.onMessage);
    old.close();
  }

  /** Closes the socket once what the sessions have to send (their CONNECTION_CLOSE) is out. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.deadlines.stop();
    if (this.inFlight > 0) await new Promise<void>((resolve) => { this.drained = resolve; });
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private listen(socket: Socket): void {
    socket.on('message', this.onMessage);
    // Errors on a UDP socket are ICMP reports about single datagrams; QUIC recovers by itself.
    socket.on('error', ignore);
  }

  private received(msg: Buffer, rinfo: RemoteInfo): void {
    this.counters.datagramsIn++;
    const key = dcidKey(msg);
    if (key === undefined) {
      this.counters.malformed++;
      return;
    }
    const from = { host: rinfo.address, port: rinfo.port };
    const session = this.sessions.get(key);
    if (session) session.receive(msg, from);
    else this.unmatched?.(msg, from, this);
  }
}

/** The table key of a connection id. */
export function cidKey(cid: Uint8Array): string {
  return Buffer.from(cid.buffer, cid.byteOffset, cid.byteLength).toString('latin1');
}

/**
 * The destination connection id of a datagram's first packet, as a table key: long headers
 * carry its length (RFC 9000, 17.2), short ones have our fixed-length ids right after byte 0.
 */
export function dcidKey(msg: Buffer): string | undefined {
  if (msg.length < 1) return undefined;
  if ((msg[0] & 0x80) !== 0) {
    if (msg.length < 6) return undefined;
    const n = msg[5];
    if (n > 20 || msg.length < 6 + n) return undefined;
    return msg.toString('latin1', 6, 6 + n);
  }
  if (msg.length < 1 + CID_LENGTH) return undefined;
  return msg.toString('latin1', 1, 1 + CID_LENGTH);
}

function openSocket(host: string, port: number): Promise<Socket> {
  const socket = createSocket({
    type: isIPv6(host) ? 'udp6' : 'udp4',
    lookup: literalLookup,
    recvBufferSize: SOCKET_BUFFER_BYTES,
    sendBufferSize: SOCKET_BUFFER_BYTES,
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

type LookupDone = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * dgram resolves the address of every datagram it sends; the default resolver answers even an
 * IP literal on the next tick, one process.nextTick per datagram. The addresses we send to are
 * literals (from received datagrams, or resolved once by the dialer), so they are answered at
 * once; anything else still goes to the resolver.
 */
function literalLookup(address: string, options: LookupOneOptions | number, done: LookupDone): void {
  const family = isIP(address);
  if (family !== 0) done(null, address, family);
  else resolve(address, typeof options === 'number' ? { family: options } : options, done);
}

function ignore(): void {
  // see sendDatagram and listen
}
