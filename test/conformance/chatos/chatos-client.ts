// A packet-level ChatOS client over a real TCP socket: sends exactly the bytes a test wants
// (including bad ones) and lets the test await the packets the server answers with.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import type { ChatNode } from '../../../src/core/node.js';
import {
  encodeChat, encodeLogin, Limits, PacketDecoder, type Packet, type PacketName,
} from '../../../src/gateways/chatos/codec.js';
import type { ChatosGatewayOptions } from '../../../src/gateways/chatos/context.js';
import { ChatosGateway } from '../../../src/gateways/chatos/gateway.js';
import { listenTcp } from '../../../src/transport/tcp.js';
import { RawClient } from '../../integration/raw-client.js';
import type { TestServer } from '../../integration/test-server.js';

export interface Address { host: string; port: number }
export type PacketOf<N extends PacketName> = Extract<Packet, { op: N }>;

export class ChatosClient {
  readonly packets: Packet[] = [];
  readonly closed: Promise<void>;
  isClosed = false;
  loggedIn = false;
  private readonly decoder = new PacketDecoder({ maxText: Limits.RELAYED_TEXT_BYTES });
  private waiters: (() => void)[] = [];

  private constructor(private readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.isClosed = true;
      this.wake();
      resolve();
    }));
    socket.on('data', (d: Buffer) => {
      for (const item of this.decoder.push(d)) {
        if (item.kind !== 'packet') throw new Error(`server sent an unreadable packet: ${item.text}`);
        this.packets.push(item.packet);
      }
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static async open(a: Address): Promise<ChatosClient> {
    const socket = connect({ host: a.host, port: a.port, noDelay: true });
    await new Promise<void>((resolve, reject) => { socket.once('connect', () => resolve()); socket.once('error', reject); });
    return new ChatosClient(socket);
  }

  /** Opens a connection and logs in; fails the test unless the login is acknowledged. */
  static async login(a: Address, nick: string): Promise<ChatosClient> {
    const c = await ChatosClient.open(a);
    c.send(encodeLogin(nick));
    const answer = await c.nextAny();
    assert.deepEqual(answer, { op: 'ACK', id: 0n }, `login of ${nick}`);
    c.loggedIn = true;
    return c;
  }

  send(bytes: Uint8Array | string): void {
    this.socket.write(bytes);
  }

  /** Sends a chat packet and returns its answer (the ACK or the error packet). */
  async chat(id: bigint, target: string, text: string): Promise<Packet> {
    this.send(encodeChat(id, target, text));
    return this.nextWhere((p) => (p.op === 'ACK' && p.id === id) || p.op === 'ERROR', `answer to ${id}`);
  }

  /** The next packet, in arrival order. */
  nextAny(timeoutMs = 5000): Promise<Packet> {
    return this.nextWhere(() => true, 'a packet', timeoutMs);
  }

  /** The first not yet consumed packet with this opcode (and matching `pred`); waits for it. */
  async next<N extends PacketName>(op: N, pred: (p: PacketOf<N>) => boolean = () => true, timeoutMs = 5000): Promise<PacketOf<N>> {
    return (await this.nextWhere((p) => p.op === op && pred(p as PacketOf<N>), op, timeoutMs)) as PacketOf<N>;
  }

  async nextWhere(pred: (p: Packet) => boolean, what: string, timeoutMs = 5000): Promise<Packet> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.packets.findIndex(pred);
      if (i >= 0) return this.packets.splice(i, 1)[0];
      if (this.isClosed) throw new Error(`connection closed while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; have ${JSON.stringify(this.packets, bigints)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  /** The next error packet; asserts its code. */
  async expectError(code: number, timeoutMs = 5000): Promise<PacketOf<'ERROR'>> {
    const e = await this.next('ERROR', () => true, timeoutMs);
    assert.equal(e.code, code, `error ${e.code} "${e.text}"`);
    return e;
  }

  /**
   * A round trip with no side effect: a packet whose answer is a known error. Answers keep the
   * order of packets, and events are written before later answers, so afterwards everything the
   * server sent before has arrived.
   */
  async sync(): Promise<void> {
    if (this.loggedIn) this.send(encodeLogin('sync'));
    else this.send(encodeChat(0n, '', 'sync'));
    const want = this.loggedIn ? 'already logged in' : 'log in first';
    await this.next('ERROR', (e) => e.code === 2 && e.text.endsWith(want));
  }

  /** No packet matching `pred` has arrived (checked after a round trip). */
  async none(pred: (p: Packet) => boolean): Promise<boolean> {
    await this.sync();
    return !this.packets.some(pred);
  }

  close(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

function bigints(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}

export function chatosAddress(srv: TestServer): Address {
  const a = srv.server.gateways.chatos;
  assert.ok(a, 'the chatos gateway is listening');
  return a;
}

/** A second ChatOS listener on the same node with its own options (short timeouts). */
export async function extraGateway(node: ChatNode, options: Partial<ChatosGatewayOptions>): Promise<{ address: Address; close(): Promise<void> }> {
  const gw = new ChatosGateway(node, options);
  const listener = await listenTcp({ host: '127.0.0.1', port: 0, shutdownGraceMs: 200 }, (conn) => gw.accept(conn));
  return {
    address: { host: listener.host, port: listener.port },
    async close() {
      gw.close();
      await listener.close();
    },
  };
}

/** A native user over TLS, logged in (registered account, or guest) and in #general. */
export async function nativeUser(srv: TestServer, name: string, opts: { guest?: boolean } = {}): Promise<RawClient> {
  const c = await RawClient.open(srv.endpoint('tls'));
  await c.hello();
  if (opts.guest) {
    await c.request({ type: 'LOGIN', ref: c.nextRef(), name, password: '', guest: true, token: '', since: 0 }, 'SESSION');
    await c.request({ type: 'JOIN', ref: c.nextRef(), room: '#general' }, 'JOINED');
  } else {
    await c.request({ type: 'REGISTER', ref: c.nextRef(), name, password: 'secret-pw' }, 'SESSION');
  }
  return c;
}

/** The code of an error packet, or undefined for any other packet. */
export function errorCode(p: Packet): number | undefined {
  return p.op === 'ERROR' ? p.code : undefined;
}
