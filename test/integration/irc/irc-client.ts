// A raw IRC client for the tests: lines in and out over a real socket (plain or TLS), and waits
// for the lines a test expects. Parses with the gateway's codec only to read what came.
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { Limits, parseLine, type IrcMessage } from '../../../src/gateways/irc/codec.js';
import type { TestServer } from '../test-server.js';

export interface Received extends IrcMessage {
  raw: string;
}

export class IrcTestClient {
  /** Every line received, in order. */
  readonly lines: Received[] = [];
  private buffer = '';
  private readonly waiters: (() => void)[] = [];
  /** Where the next expect() starts looking. */
  private cursor = 0;
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      this.buffer += text;
      let at;
      while ((at = this.buffer.indexOf('\r\n')) >= 0) {
        const raw = this.buffer.slice(0, at);
        this.buffer = this.buffer.slice(at + 2);
        const p = parseLine(raw, Limits.TAG_BYTES);
        if (p.ok) this.lines.push({ ...p.message, raw });
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static async open(t: TestServer, tls = false): Promise<IrcTestClient> {
    const at = tls ? t.server.ircs : t.server.irc;
    if (!at) throw new Error('IRC is not listening');
    const socket = tls
      ? connectTls({ host: at.host, port: at.port, rejectUnauthorized: false })
      : connectTcp({ host: at.host, port: at.port });
    await new Promise<void>((resolve, reject) => {
      socket.once(tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new IrcTestClient(socket);
  }

  /** Opens a client and registers it as `nick` (a guest, or with PASS); waits for 001 and the end of the MOTD. */
  static async registered(t: TestServer, nick: string, opts: { password?: string; caps?: string[] } = {}): Promise<IrcTestClient> {
    const c = await IrcTestClient.open(t);
    if (opts.caps) c.send(`CAP REQ :${opts.caps.join(' ')}`);
    if (opts.password !== undefined) c.send(`PASS ${opts.password}`);
    c.send(`NICK ${nick}`);
    c.send(`USER ${nick} 0 * :${nick} tester`);
    if (opts.caps) {
      await c.expect((m) => m.command === 'CAP' && m.params[1] === 'ACK');
      c.send('CAP END');
    }
    await c.expect((m) => m.command === '001');
    await c.expect((m) => m.command === '376' || m.command === '422');
    return c;
  }

  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  writeRaw(bytes: string | Uint8Array): void {
    this.socket.write(bytes);
  }

  /** The next line (after the last one expected) that matches; fails after `ms`. */
  async expect(match: (m: Received) => boolean, ms = 10_000): Promise<Received> {
    const deadline = Date.now() + ms;
    for (;;) {
      for (let i = this.cursor; i < this.lines.length; i++) {
        if (match(this.lines[i])) {
          this.cursor = i + 1;
          return this.lines[i];
        }
      }
      if (this.closed) throw new Error(`closed without the line expected; got:\n${this.lines.slice(this.cursor).map((l) => l.raw).join('\n')}`);
      if (Date.now() > deadline) throw new Error(`no line expected in ${ms} ms; got:\n${this.lines.slice(this.cursor).map((l) => l.raw).join('\n')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** A numeric of this code. */
  numeric(code: string): Promise<Received> {
    return this.expect((m) => m.command === code);
  }

  /** Resolves when the server has closed the connection. */
  async ended(ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('the connection is still open');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
