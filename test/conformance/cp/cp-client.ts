// A line-level CP client over a real TCP socket: sends exactly the bytes a test wants (including
// bad ones) and lets the test await the server's replies in order.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { ReplyDecoder, type CpReply } from '../../../src/gateways/cp/codec.js';
import { listenTcp } from '../../../src/transport/tcp.js';
import { CpGateway } from '../../../src/gateways/cp/gateway.js';
import type { CpGatewayOptions } from '../../../src/gateways/cp/context.js';
import type { ChatNode } from '../../../src/core/node.js';
import { RawClient } from '../../integration/raw-client.js';
import type { TestServer } from '../../integration/test-server.js';

export interface Address { host: string; port: number }

export class CpClient {
  readonly replies: CpReply[] = [];
  readonly closed: Promise<void>;
  isClosed = false;
  private readonly decoder = new ReplyDecoder();
  private waiters: (() => void)[] = [];

  private constructor(private readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.isClosed = true;
      this.wake();
      resolve();
    }));
    socket.on('data', (d: Buffer) => {
      this.replies.push(...this.decoder.push(d));
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  /** `localAddress`: the loopback address to connect from (127.0.0.2 is another client address). */
  static async open(a: Address, localAddress?: string): Promise<CpClient> {
    const socket = connect({ host: a.host, port: a.port, noDelay: true, ...(localAddress ? { localAddress } : {}) });
    await new Promise<void>((resolve, reject) => { socket.once('connect', () => resolve()); socket.once('error', reject); });
    return new CpClient(socket);
  }

  /** Sends `line` followed by CRLF. */
  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  sendBytes(bytes: Uint8Array | string): void {
    this.socket.write(bytes);
  }

  /** The next reply, in order. */
  async next(timeoutMs = 5000): Promise<CpReply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.replies.shift();
      if (r) return r;
      if (this.isClosed) throw new Error('connection closed while waiting for a reply');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a reply');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  /** Sends a PDU and checks the code of the next reply; returns the reply. */
  async expect(line: string | null, code: number): Promise<CpReply> {
    if (line !== null) this.send(line);
    const r = await this.next();
    assert.equal(r.code, code, `after ${JSON.stringify(line)}: got ${r.code} ${r.text}`);
    return r;
  }

  async login(name: string, password: string): Promise<void> {
    await this.expect(`USER ${name}`, 220);
    await this.expect(`PASS ${password}`, 230);
  }

  /** Every reply of one RMSG: the 250 payloads, then 255 or 256 (checked). */
  async download(): Promise<string[]> {
    this.send('RMSG');
    const got: string[] = [];
    for (;;) {
      const r = await this.next();
      if (r.code === 250) got.push(r.text);
      else if (r.code === 255 || r.code === 256) {
        assert.equal(r.code, got.length > 0 ? 255 : 256);
        return got;
      } else assert.fail(`unexpected reply to RMSG: ${r.code} ${r.text}`);
    }
  }

  /** Nothing has been answered that is not consumed yet (after a reply-producing round trip). */
  async quietAfter(line: string | null, code: number): Promise<void> {
    await this.expect(line, code);
    assert.deepEqual(this.replies, []);
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

let counter = 0;
/** A fresh user name (for this process's server) of at most 10 bytes, CP's limit. */
export function uniqueName(prefix: string): string {
  return `${prefix.slice(0, 5)}${(++counter).toString(36)}`;
}

/** Makes an account through the native protocol (REGISTER) and ends that session. */
export async function registerUser(srv: TestServer, name: string, password: string): Promise<void> {
  const c = await RawClient.open(srv.endpoint('tls'));
  await c.hello();
  await c.request({ type: 'REGISTER', ref: c.nextRef(), name, password }, 'SESSION');
  c.close();
  await srv.quiet(name);
}

export function cpAddress(srv: TestServer): Address {
  const a = srv.server.gateways.cp;
  if (!a) throw new Error('the cp gateway is not listening');
  return a;
}

/** A second CP listener on the same node with its own options (short timeouts for tests). */
export async function extraGateway(node: ChatNode, options: Partial<CpGatewayOptions>): Promise<{ address: Address; close(): Promise<void> }> {
  const gw = new CpGateway(node, options);
  const listener = await listenTcp({ host: '127.0.0.1', port: 0, shutdownGraceMs: 200 }, (conn) => gw.accept(conn));
  return {
    address: { host: listener.host, port: listener.port },
    async close() {
      gw.close();
      await listener.close();
    },
  };
}

/** The password the CP tests give an account: 8 to 15 bytes, as CP's PASS and the core allow. */
export function passwordOf(name: string): string {
  return `pw-${name}`.padEnd(8, '-');
}

/** A new account (see uniqueName, registerUser) with passwordOf its name. */
export async function newAccount(srv: TestServer, prefix = 'u'): Promise<string> {
  const name = uniqueName(prefix);
  await registerUser(srv, name, passwordOf(name));
  return name;
}

/** A new account logged in over CP at `at` (the server's CP listener by default). */
export async function loggedInUser(srv: TestServer, at: Address = cpAddress(srv)): Promise<{ c: CpClient; name: string }> {
  const name = await newAccount(srv);
  const c = await CpClient.open(at);
  await c.login(name, passwordOf(name));
  return { c, name };
}

