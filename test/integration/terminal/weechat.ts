// Debian's WeeChat without its terminal interface (weechat-headless), driven the way its users
// script it: commands written to its FIFO (the fifo plugin) and what it shows read from its
// buffers' log files (the logger plugin, flushed at once). One home directory per instance.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const POLL_MS = 50;

export interface WeechatServer {
  port: number;
  nick: string;
  /** SASL PLAIN with the nick as the account when given; a guest otherwise. */
  password?: string;
  /** The TLS port (WeeChat 3.8 still calls it ssl): the certificate is self-signed, so it is not verified. */
  tls?: boolean;
}

export class Weechat {
  private readonly home = mkdtempSync(join(tmpdir(), 'confab-weechat-'));
  private readonly process: ChildProcess;
  private output = '';

  constructor(s: WeechatServer) {
    const sasl = s.password === undefined ? '' : ` -sasl_mechanism=plain -sasl_username=${s.nick} -sasl_password=${s.password}`;
    const setup = [
      '/set logger.file.flush_delay 0',
      '/set logger.file.time_format "%H:%M:%S"',
      '/set logger.level.irc 9',
      `/server add confab 127.0.0.1/${s.port} ${s.tls ? '-ssl -ssl_verify=off' : '-nossl'} -nicks=${s.nick} -username=${s.nick} -realname=${s.nick}_of_weechat${sasl}`,
      '/connect confab',
    ].join(';');
    this.process = spawn('weechat-headless', ['--dir', this.home, '--stdout', '--no-script', '--plugins', 'irc,fifo,logger', '--run-command', setup], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout?.on('data', (b: Buffer) => (this.output += b.toString()));
    this.process.stderr?.on('data', (b: Buffer) => (this.output += b.toString()));
  }

  /** Everything logged in the buffer whose log file name contains `buffer` ("server.confab", "#room"). */
  log(buffer: string): string {
    const dir = join(this.home, 'logs');
    if (!existsSync(dir)) return '';
    const file = readdirSync(dir).find((f) => f.includes(buffer.toLowerCase()));
    return file === undefined ? '' : readFileSync(join(dir, file), 'utf8');
  }

  /** Waits until the buffer's log shows `expected`. */
  async waitFor(buffer: string, expected: RegExp | string, timeoutMs = 15_000): Promise<string> {
    const test = typeof expected === 'string' ? (s: string) => s.includes(expected) : (s: string) => expected.test(s);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.log(buffer);
      if (test(text)) return text;
      if (Date.now() > deadline || this.process.exitCode !== null) {
        throw new Error(`weechat: no ${String(expected)} in ${buffer} within ${timeoutMs} ms; the log:\n${text}\nweechat:\n${this.output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** A command or text for a buffer ("irc.server.confab", "irc.confab.#room"), through the FIFO. */
  async type(buffer: string, line: string): Promise<void> {
    const fifo = await this.fifo();
    writeFileSync(fifo, `${buffer} *${line}\n`);
  }

  private async fifo(): Promise<string> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const name = readdirSync(this.home).find((f) => f.startsWith('weechat_fifo'));
      if (name !== undefined) return join(this.home, name);
      if (Date.now() > deadline) throw new Error(`weechat opened no FIFO:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async close(): Promise<void> {
    if (this.process.exitCode === null) {
      const gone = new Promise((resolve) => this.process.once('exit', resolve));
      this.process.kill('SIGTERM');
      await gone;
    }
    rmSync(this.home, { recursive: true, force: true });
  }
}
