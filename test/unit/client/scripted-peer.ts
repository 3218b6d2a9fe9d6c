// A scripted server for client tests: real sockets on 127.0.0.1 (TCP, TLS or WebSocket), the real
// codec, and a test that decides frame by frame what the server says. It lets the tests drive
// reconnects, resumes, version mismatches and timeouts without the full server.
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeFrame, FrameDecoder } from '../../../src/protocol/codec.js';
import type { Frame, FrameOf, FrameTypeName } from '../../../src/protocol/frames.js';

const WAIT_MS = 3000;
const HOST = '127.0.0.1';

export type PeerTransport = 'tcp' | 'tls' | 'ws' | 'wss';

/** The server end of one connection, whatever the transport. */
interface Wire {
  write(bytes: Uint8Array): void;
  end(): void;
  destroy(): void;
}

export class ScriptedPeer {
  /** Every frame received, in order (consumed or not). */
  readonly received: Frame[] = [];
  /** Raw chunks (for WebSocket: messages) as they arrived. */
  readonly chunks: Uint8Array[] = [];
  readonly closed: Promise<void>;
  isClosed = false;
  private readonly unread: Frame[] = [];
  private readonly decoder = new FrameDecoder({ maxFrame: 1 << 20 });
  private waiters: (() => void)[] = [];
  private markClosed!: () => void;

  constructor(private readonly wire: Wire) {
    this.closed = new Promise((resolve) => {
      this.markClosed = resolve;
    });
  }

  /** Sends the frames in one write (one WebSocket message). */
  send(...frames: Frame[]): void {
    this.sendBytes(concat(frames.map((f) => encodeFrame(f))));
  }

  sendBytes(bytes: Uint8Array): void {
    if (!this.isClosed) this.wire.write(bytes);
  }

  /** Consumes the first unread frame of this type (matching `pred`), waiting for it. */
  async next<T extends FrameTypeName>(type: T, pred: (f: FrameOf<T>) => boolean = () => true): Promise<FrameOf<T>> {
    return (await this.take((f) => f.type === type && pred(f as FrameOf<T>), type)) as FrameOf<T>;
  }

  /** Consumes the next unread frame, whatever it is. */
  async nextFrame(): Promise<Frame> {
    return this.take(() => true, 'any frame');
  }

  /** Awaits HELLO and answers WELCOME. */
  async handshake(welcome: Partial<FrameOf<'WELCOME'>> = {}): Promise<FrameOf<'HELLO'>> {
    const hello = await this.next('HELLO');
    this.send({ type: 'WELCOME', version: 1, caps: hello.caps, server: 'scripted', maxFrame: 65_536, heartbeatMs: 25_000, ...welcome });
    return hello;
  }

  /** Awaits LOGIN and answers SESSION. */
  async acceptLogin(session: Partial<FrameOf<'SESSION'>> = {}): Promise<FrameOf<'LOGIN'>> {
    const login = await this.next('LOGIN');
    this.send({ type: 'SESSION', ref: login.ref, name: login.name, guest: login.guest, token: 'token-1', resumed: login.token !== '', rooms: ['#general'], ...session });
    return login;
  }

  /** Graceful close (FIN / WebSocket close). */
  end(): void {
    this.wire.end();
  }

  /** Drops the connection, as a crash or a network failure would. */
  destroy(): void {
    this.wire.destroy();
  }

  onBytes(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    for (const item of this.decoder.push(bytes)) {
      if (item.kind !== 'frame') continue;
      this.received.push(item.frame);
      this.unread.push(item.frame);
    }
    this.wake();
  }

  onClose(): void {
    this.isClosed = true;
    this.markClosed();
    this.wake();
  }

  private async take(pred: (f: Frame) => boolean, what: string): Promise<Frame> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const i = this.unread.findIndex(pred);
      if (i >= 0) return this.unread.splice(i, 1)[0];
      if (this.isClosed) throw new Error(`connection closed while the peer waited for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`peer timed out waiting for ${what}; unread: ${this.unread.map((f) => f.type).join(',') || 'none'}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

export interface ScriptedServerOptions {
  transport?: PeerTransport;
  /** For 'tls' and 'wss'. */
  tls?: TlsOptions;
  /** Keep a TCP/TLS connection open after the client half-closes (to test close timeouts). */
  allowHalfOpen?: boolean;
}

export class ScriptedServer {
  readonly host = HOST;
  port = 0;
  /** Connections accepted so far. */
  accepted = 0;
  readonly peers: ScriptedPeer[] = [];
  private readonly pending: ScriptedPeer[] = [];
  private waiters: (() => void)[] = [];
  private net: NetServer | undefined;
  private wss: WebSocketServer | undefined;
  private https: HttpsServer | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly websockets = new Set<WebSocket>();

  private constructor(readonly transport: PeerTransport) {}

  static async start(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
    const s = new ScriptedServer(options.transport ?? 'tcp');
    await s.listen(options);
    return s;
  }

  /** The URL a client connects to. */
  get url(): string {
    const ws = this.transport === 'ws' || this.transport === 'wss';
    return ws ? `${this.transport}://${HOST}:${this.port}/ws` : `${this.transport}://${HOST}:${this.port}`;
  }

  /** Frames received on all connections. */
  get framesReceived(): number {
    return this.peers.reduce((n, p) => n + p.received.length, 0);
  }

  /** The next accepted connection (in order), waiting for it. */
  async nextPeer(): Promise<ScriptedPeer> {
    const deadline = Date.now() + WAIT_MS;
    while (this.pending.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no client connected to the scripted server');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.pending.shift() as ScriptedPeer;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    for (const ws of this.websockets) ws.terminate();
    if (this.wss) await new Promise<void>((resolve) => (this.wss as WebSocketServer).close(() => resolve()));
    if (this.https) {
      this.https.closeAllConnections();
      await new Promise<void>((resolve) => (this.https as HttpsServer).close(() => resolve()));
    }
    if (this.net) await new Promise<void>((resolve) => (this.net as NetServer).close(() => resolve()));
  }

  private add(peer: ScriptedPeer): void {
    this.accepted++;
    this.peers.push(peer);
    this.pending.push(peer);
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async listen(options: ScriptedServerOptions): Promise<void> {
    if (this.transport === 'wss') {
      const https = createHttpsServer({ ...options.tls });
      this.https = https;
      https.on('tlsClientError', () => undefined);
      const wss = new WebSocketServer({ server: https, path: '/ws' });
      this.wss = wss;
      wss.on('connection', (ws) => this.acceptWebSocket(ws));
      await new Promise<void>((resolve, reject) => {
        https.once('error', reject);
        https.listen(0, HOST, () => resolve());
      });
      this.port = (https.address() as { port: number }).port;
      return;
    }
    if (this.transport === 'ws') {
      const wss = new WebSocketServer({ host: HOST, port: 0, path: '/ws' });
      this.wss = wss;
      wss.on('connection', (ws) => this.acceptWebSocket(ws));
      await new Promise<void>((resolve, reject) => {
        wss.once('listening', resolve);
        wss.once('error', reject);
      });
      this.port = (wss.address() as { port: number }).port;
      return;
    }
    const allowHalfOpen = options.allowHalfOpen ?? false;
    const server =
      this.transport === 'tls'
        ? createTlsServer({ ...options.tls, allowHalfOpen }, (s) => this.acceptSocket(s))
        : createTcpServer({ allowHalfOpen }, (s) => this.acceptSocket(s));
    this.net = server;
    // A client that rejects our certificate aborts the handshake: not a test failure.
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, HOST, () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
  }

  private acceptSocket(socket: Socket): void {
    this.sockets.add(socket);
    const peer = new ScriptedPeer({ write: (b) => socket.write(b), end: () => socket.end(), destroy: () => socket.destroy() });
    socket.on('data', (b: Buffer) => peer.onBytes(b));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sockets.delete(socket);
      peer.onClose();
    });
    this.add(peer);
  }

  private acceptWebSocket(ws: WebSocket): void {
    this.websockets.add(ws);
    const peer = new ScriptedPeer({ write: (b) => ws.send(b), end: () => ws.close(1000), destroy: () => ws.terminate() });
    ws.on('message', (data: Buffer) => peer.onBytes(new Uint8Array(data)));
    ws.on('error', () => undefined);
    ws.on('close', () => {
      this.websockets.delete(ws);
      peer.onClose();
    });
    this.add(peer);
  }
}

/** A port with nothing listening on it (a server that was started and closed). */
export async function deadPort(): Promise<number> {
  const s = await ScriptedServer.start();
  const port = s.port;
  await s.close();
  return port;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
