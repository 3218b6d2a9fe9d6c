// A message-level ChatApp client over a real TCP socket: sends exactly the bytes a test wants
// (including bad ones) and lets the test await what the server sends.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import type { ChatNode } from '../../../src/core/node.js';
import { encodeBody, encodeMessage, MessageDecoder, type AppMessage, type Body, type MessageType } from '../../../src/gateways/chatapp/codec.js';
import type { ChatappGatewayOptions } from '../../../src/gateways/chatapp/context.js';
import { ChatappGateway } from '../../../src/gateways/chatapp/gateway.js';
import { listenTcp } from '../../../src/transport/tcp.js';
import { RawClient } from '../../integration/raw-client.js';
import type { TestServer } from '../../integration/test-server.js';

export interface Address { host: string; port: number }

export class ChatappClient {
  readonly bodies: Body[] = [];
  readonly closed: Promise<void>;
  isClosed = false;
  private readonly decoder = new MessageDecoder(1 << 20);
  private waiters: (() => void)[] = [];

  private constructor(private readonly socket: Socket, public name = '') {
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.isClosed = true;
      this.wake();
      resolve();
    }));
    socket.on('data', (d: Buffer) => {
      for (const item of this.decoder.push(d)) {
        if (item.kind !== 'message') throw new Error(`server sent an unreadable message: ${item.text}`);
        this.bodies.push(item.body);
      }
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static async open(a: Address): Promise<ChatappClient> {
    const socket = connect({ host: a.host, port: a.port, noDelay: true });
    await new Promise<void>((resolve, reject) => { socket.once('connect', () => resolve()); socket.once('error', reject); });
    return new ChatappClient(socket);
  }

  /** Opens a connection and CONNECTs; waits for the room snapshot to end (a round trip). */
  static async connect(a: Address, name: string): Promise<ChatappClient> {
    const c = await ChatappClient.open(a);
    c.name = name;
    c.msg('ConnectionMessage', 'Server', 'CONNECT', name);
    await c.sync();
    assert.ok(!c.bodies.some((b) => b.type === 'Error'), `CONNECT of ${name}: ${JSON.stringify(c.bodies)}`);
    return c;
  }

  send(bytes: Uint8Array | string): void {
    this.socket.write(bytes);
  }

  msg(type: MessageType, dest: string, data: string, sender = this.name): void {
    this.send(encodeMessage(type, sender, dest, data, '22/11/2026 12:00:00'));
  }

  body(b: Body): void {
    this.send(encodeBody(b));
  }

  /** The next body matching `pred`, in arrival order (others stay queued). */
  async next(pred: (b: Body) => boolean = () => true, timeoutMs = 5000): Promise<Body> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.bodies.findIndex(pred);
      if (i >= 0) return this.bodies.splice(i, 1)[0];
      if (this.isClosed) throw new Error(`connection closed while waiting; have ${JSON.stringify(this.bodies)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; have ${JSON.stringify(this.bodies)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  async expectError(code: number): Promise<Extract<Body, { type: 'Error' }>> {
    const e = await this.next((b) => b.type === 'Error');
    assert.equal(e.type === 'Error' && e.code, code, JSON.stringify(e));
    return e as Extract<Body, { type: 'Error' }>;
  }

  async nextOf(type: MessageType, pred: (m: AppMessage) => boolean = () => true): Promise<AppMessage> {
    return (await this.next((b) => b.type === type && pred(b as AppMessage))) as AppMessage;
  }

  /**
   * A round trip with no side effect: a message whose answer is a known error. Answers keep the
   * order of requests, so afterwards everything the server sent before has arrived.
   */
  async sync(): Promise<void> {
    this.body({ type: 'ConnectionMessage', timestamp: '', sender: '', dest: 'Server', data: 'SYNC' });
    await this.next((b) => b.type === 'Error' && /CONNECT or QUIT|already connected/.test(b.data));
  }

  /** Nothing matching `pred` has arrived (checked after a round trip). */
  async none(pred: (b: Body) => boolean): Promise<boolean> {
    await this.sync();
    return !this.bodies.some(pred);
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

export function chatappAddress(srv: TestServer): Address {
  const a = srv.server.gateways.chatapp;
  if (!a) throw new Error('the chatapp gateway is not listening');
  return a;
}

/** A second ChatApp listener on the same node with its own options (short timeouts for tests). */
export async function extraGateway(node: ChatNode, options: Partial<ChatappGatewayOptions>): Promise<{ address: Address; close(): Promise<void> }> {
  const gw = new ChatappGateway(node, options);
  const l = await listenTcp({ host: '127.0.0.1', port: 0 }, (conn) => gw.accept(conn));
  return {
    address: { host: l.host, port: l.port },
    async close() {
      gw.close();
      await l.close();
    },
  };
}

/** A registered native user over TLS. */
export async function nativeUser(srv: TestServer, name: string): Promise<RawClient> {
  const c = await RawClient.open(srv.endpoint('tls'));
  await c.hello();
  await c.request({ type: 'REGISTER', ref: c.nextRef(), name, password: 'secret-pw' }, 'SESSION');
  return c;
}
