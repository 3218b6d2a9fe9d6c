// A frame-level test client over real sockets: sends exactly the bytes a test wants (including
// bad ones) and lets the test await the frames the server answers with.
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import WebSocket from 'ws';
import { encodeFrame, FrameDecoder } from '../../src/protocol/codec.js';
import type { Frame, FrameOf, FrameTypeName } from '../../src/protocol/frames.js';

export type Transport = 'tls' | 'ws' | 'tcp';

export interface Endpoint { transport: Transport; host: string; port: number; fingerprint: string }

export interface Closed { code: number; reason: string }

export class RawClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<Closed>;
  private readonly decoder = new FrameDecoder({ maxFrame: 1 << 22 });
  private waiters: (() => void)[] = [];
  private markClosed!: (c: Closed) => void;
  isClosed = false;
  private refs = 0;

  private constructor(private readonly write: (b: Uint8Array) => void, private readonly end: () => void, readonly pause: () => void) {
    this.closed = new Promise((resolve) => { this.markClosed = resolve; });
  }

  /** `localAddress`: the loopback address to connect from (127.0.0.2 is another client address). */
  static async open(ep: Endpoint, localAddress?: string): Promise<RawClient> {
    if (ep.transport === 'ws') {
      const ws = new WebSocket(`ws://${ep.host}:${ep.port}/ws`, localAddress ? { localAddress } : {});
      ws.binaryType = 'nodebuffer';
      // A paused client cannot complete the closing handshake, so it hangs up instead.
      let paused = false;
      const c = new RawClient((b) => ws.send(b), () => (paused ? ws.terminate() : ws.close()), () => {
        paused = true;
        (ws as unknown as { _socket: { pause(): void } })._socket.pause();
      });
      ws.on('message', (data: Buffer) => c.onBytes(data));
      ws.on('close', (code, reason) => c.onClose({ code, reason: reason.toString() }));
      ws.on('error', () => undefined);
      await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
      return c;
    }
    if (ep.transport === 'tcp') {
      const sock = tcpConnect({ host: ep.host, port: ep.port, noDelay: true });
      const c = new RawClient((b) => sock.write(b), () => sock.end(), () => sock.pause());
      sock.on('data', (d: Buffer) => c.onBytes(d));
      sock.on('close', () => c.onClose({ code: 0, reason: '' }));
      sock.on('error', () => undefined);
      await new Promise<void>((resolve, reject) => { sock.once('connect', () => resolve()); sock.once('error', reject); });
      return c;
    }
    const sock: TLSSocket = tlsConnect({
      host: ep.host, port: ep.port, servername: 'localhost', rejectUnauthorized: false, ...(localAddress ? { localAddress } : {}),
    });
    const c = new RawClient((b) => sock.write(b), () => sock.end(), () => sock.pause());
    sock.on('data', (d: Buffer) => c.onBytes(d));
    sock.on('close', () => c.onClose({ code: 0, reason: '' }));
    sock.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => { sock.once('secureConnect', () => resolve()); sock.once('error', reject); });
    const fp = sock.getPeerCertificate().fingerprint256;
    if (fp !== ep.fingerprint) throw new Error(`certificate fingerprint ${fp} is not the pinned ${ep.fingerprint}`);
    return c;
  }

  nextRef(): number {
    return ++this.refs;
  }

  send(frame: Frame): void {
    this.write(encodeFrame(frame));
  }

  sendBytes(bytes: Uint8Array): void {
    this.write(bytes);
  }

  close(): void {
    this.end();
  }

  /** The first not yet consumed frame of this type (and matching `pred`); waits for it. */
  async next<T extends FrameTypeName>(type: T, pred: (f: FrameOf<T>) => boolean = () => true, timeoutMs = 5000): Promise<FrameOf<T>> {
    return (await this.nextWhere((f) => f.type === type && pred(f as FrameOf<T>), type, timeoutMs)) as FrameOf<T>;
  }

  async nextWhere(pred: (f: Frame) => boolean, what = 'frame', timeoutMs = 5000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex(pred);
      if (i >= 0) return this.frames.splice(i, 1)[0];
      if (this.isClosed) throw new Error(`connection closed while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; have ${this.frames.map((f) => f.type).join(',')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  /** No frame of this type has arrived (checked after a round trip, so anything sent before is in). */
  async none(type: FrameTypeName, pred: (f: Frame) => boolean = () => true): Promise<boolean> {
    await this.roundTrip();
    return !this.frames.some((f) => f.type === type && pred(f));
  }

  /** A PING/PONG round trip: every frame the server sent before it has been received. */
  async roundTrip(): Promise<void> {
    const n = 1_000_000 + this.nextRef();
    this.send({ type: 'PING', n });
    await this.next('PONG', (f) => f.n === n);
  }

  /** `extra`: capabilities offered beside the usual ones (e.g. 'message-edits'). */
  async hello(extra: readonly string[] = []): Promise<FrameOf<'WELCOME'>> {
    this.send({ type: 'HELLO', versions: [1], caps: ['resume', 'multi-target', 'presence', 'history', 'dm-consent', ...extra], agent: 'test' });
    return this.next('WELCOME');
  }

  async request<T extends FrameTypeName>(frame: Frame, answer: T): Promise<FrameOf<T>> {
    const ref = (frame as { ref?: number }).ref ?? 0;
    this.send(frame);
    const f = await this.nextWhere((x) => (x.type === answer || x.type === 'ERROR') && (x as { ref?: number }).ref === ref, answer);
    if (f.type === 'ERROR') throw Object.assign(new Error(`${f.code} ${f.text}`), { code: f.code });
    return f as FrameOf<T>;
  }

  async expectError(frame: Frame): Promise<number> {
    const ref = (frame as { ref?: number }).ref ?? 0;
    this.send(frame);
    return (await this.next('ERROR', (f) => f.ref === ref)).code;
  }

  private onBytes(bytes: Uint8Array): void {
    for (const item of this.decoder.push(bytes)) if (item.kind === 'frame') this.frames.push(item.frame);
    this.wake();
  }

  private onClose(c: Closed): void {
    this.isClosed = true;
    this.markClosed(c);
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
