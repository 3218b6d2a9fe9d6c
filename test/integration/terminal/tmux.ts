// Real terminals for the terminal client's tests: a tmux server of its own (a unique socket),
// panes of a fixed size running a command, keys sent as a person types them, and the screen
// read back with capture-pane. Waiting is always for text on the screen, with a deadline.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const POLL_MS = 50;

/** Quotes one word for /bin/sh. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface PaneOptions {
  width?: number;
  height?: number;
  env?: Record<string, string>;
  cwd?: string;
}

export interface TmuxOptions {
  /** More lines for the server's configuration (e.g. `set -g set-clipboard on`). */
  conf?: readonly string[];
}

export class Tmux {
  private readonly dir = mkdtempSync(join(tmpdir(), 'confab-tmux-'));
  /** A socket of its own, in a directory of its own (removed at the end with the socket). */
  readonly socket = join(this.dir, 'tmux.sock');
  private readonly conf = join(this.dir, 'tmux.conf');
  private readonly pids: number[] = [];

  constructor(o: TmuxOptions = {}) {
    // No status bar (the pane is the whole terminal); a pane whose program ended stays, so a
    // crash is on screen for the failure message.
    const conf = ['set -g status off', 'set -g remain-on-exit on', 'set -g history-limit 0', ...(o.conf ?? [])];
    writeFileSync(this.conf, `${conf.join('\n')}\n`);
  }

  async tmux(...args: string[]): Promise<string> {
    const { stdout } = await run('tmux', ['-u', '-S', this.socket, '-f', this.conf, ...args], { timeout: 10_000 });
    return stdout;
  }

  /** Starts `command` in a new session named `name`. */
  async start(name: string, command: readonly string[], o: PaneOptions = {}): Promise<Pane> {
    // CI is set on purpose: the client must draw its full screen in a terminal even then (ink
    // alone would fall back to printing only its last frame).
    const env = { LANG: 'C.UTF-8', TERM: 'screen', CI: 'true', ...o.env };
    const line = `exec env ${Object.entries(env).map(([k, v]) => shellWord(`${k}=${v}`)).join(' ')} ${command.map(shellWord).join(' ')}`;
    await this.tmux('new-session', '-d', '-s', name, '-x', String(o.width ?? 80), '-y', String(o.height ?? 24), ...(o.cwd ? ['-c', o.cwd] : []), line);
    const pane = new Pane(this, name);
    this.pids.push(await pane.pid());
    return pane;
  }

  /** The paste buffers' contents: what programs put on the clipboard with OSC 52 (set-clipboard on). */
  async buffers(): Promise<string[]> {
    const out = await this.tmux('list-buffers', '-F', '#{buffer_sample}');
    return out.split('\n').filter((l) => l !== '');
  }

  /** Ends the tmux server and, should one outlive it, every program it ran. */
  async close(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
    for (const pid of this.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // ended already
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class Pane {
  constructor(private readonly tmux: Tmux, readonly name: string) {}

  async pid(): Promise<number> {
    return Number((await this.tmux.tmux('display-message', '-p', '-t', this.name, '#{pane_pid}')).trim());
  }

  /** Keys by tmux name (Enter, PPage, C-n, M-1, ...). */
  async keys(...keys: string[]): Promise<void> {
    await this.tmux.tmux('send-keys', '-t', this.name, ...keys);
  }

  /** Text typed as it is. */
  async type(text: string): Promise<void> {
    await this.tmux.tmux('send-keys', '-t', this.name, '-l', text);
  }

  /** Types a line and presses Enter. */
  async enter(text: string): Promise<void> {
    await this.type(text);
    await this.keys('Enter');
  }

  /** The screen as text, one string per row. */
  async screen(): Promise<string[]> {
    const out = await this.tmux.tmux('capture-pane', '-p', '-t', this.name);
    return out.replace(/\n$/, '').split('\n');
  }

  /** The pane's title, as programs set it with OSC 0 or OSC 2. */
  async title(): Promise<string> {
    return (await this.tmux.tmux('display-message', '-p', '-t', this.name, '#{pane_title}')).replace(/\n$/, '');
  }

  /** Resizes the terminal (the program sees SIGWINCH). */
  async resize(width: number, height: number): Promise<void> {
    await this.tmux.tmux('resize-window', '-t', this.name, '-x', String(width), '-y', String(height));
  }

  /** The screen with its attributes as escape sequences (capture-pane -e). */
  async styledScreen(): Promise<string> {
    return this.tmux.tmux('capture-pane', '-p', '-e', '-t', this.name);
  }

  /** Whether the program in the pane has ended. */
  async dead(): Promise<boolean> {
    return (await this.tmux.tmux('display-message', '-p', '-t', this.name, '#{pane_dead}')).trim() === '1';
  }

  /** Waits until the screen shows what `expected` matches (or the predicate holds); returns the screen. */
  async waitFor(expected: RegExp | string | ((screen: string) => boolean), timeoutMs = 10_000): Promise<string> {
    const test =
      typeof expected === 'function' ? expected : typeof expected === 'string' ? (s: string) => s.includes(expected) : (s: string) => expected.test(s);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const last = (await this.screen()).join('\n');
      if (test(last)) return last;
      if (Date.now() > deadline) throw new Error(`pane ${this.name}: no ${String(expected)} within ${timeoutMs} ms; the screen:\n${last}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
