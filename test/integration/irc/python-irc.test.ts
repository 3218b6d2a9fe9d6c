// A third-party IRC library against the IRC gateway (docs/irc.md): Debian's python3-irc, run by
// python-irc-client.py beside this file. It logs in with SASL PLAIN as an account, joins a
// channel and gets its history and topic, chats with a native user both ways, and is kicked.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { connect } from '../../../src/client/node.js';
import type { ChatClient } from '../../../src/client/client.js';
import { startTestServer, type TestServer } from '../test-server.js';

const compiled = import.meta.url.endsWith('.js');
/** The script is not compiled: it is read from the source tree. */
const SCRIPT = join(import.meta.dirname, ...(compiled ? ['..', '..', '..', '..'] : ['..', '..', '..']), 'test', 'integration', 'irc', 'python-irc-client.py');
/** Debian's interpreter, whose packages python3-irc installs into. */
const PYTHON = '/usr/bin/python3';

type Seen = Record<string, string>;

/** The script's events, one JSON object a line, as they come. */
class PythonClient {
  readonly events: Seen[] = [];
  private readonly waiters: (() => void)[] = [];
  private exited = false;
  private stderr = '';

  constructor(args: string[]) {
    const child = spawn(PYTHON, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    createInterface({ input: child.stdout }).on('line', (line) => {
      this.events.push(JSON.parse(line) as Seen);
      this.wake();
    });
    child.stderr.on('data', (b: Buffer) => (this.stderr += b.toString()));
    child.on('exit', () => {
      this.exited = true;
      this.wake();
    });
  }

  async expect(match: (e: Seen) => boolean, ms = 15_000): Promise<Seen> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (this.exited || Date.now() > deadline) {
        throw new Error(`python-irc: not seen; events:\n${this.events.map((e) => JSON.stringify(e)).join('\n')}\n${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

describe('python3-irc against the IRC gateway', { timeout: 60_000 }, () => {
  let srv: TestServer;
  let nat: ChatClient;

  before(async () => {
    srv = await startTestServer({ gateways: ['irc'] });
    const a = srv.server.tls;
    if (!a) throw new Error('no TLS listener');
    const reg = await connect(`tls://${a.host}:${a.port}`, { fingerprint: srv.server.fingerprint, reconnect: false });
    await reg.register('pyotr', 'pyotr-password');
    await reg.close();
    await srv.quiet('pyotr');
    nat = await connect(`tls://${a.host}:${a.port}`, { fingerprint: srv.server.fingerprint, reconnect: false });
    await nat.register('nadia', 'nadia-password');
    await nat.create('#pytalk', 'python meets confab');
    await nat.send('#pytalk', 'said before pyotr came');
  });
  after(async () => {
    await nat?.close();
    await srv?.close();
  });

  it('registers with SASL, joins with history, chats with a native user, and is kicked', async () => {
    const irc = srv.server.irc;
    if (!irc) throw new Error('no IRC listener');
    const heard = nat.once('message', (m) => m.text === 'hello from python');
    const py = new PythonClient([irc.host, String(irc.port), 'pyotr', 'pyotr-password', '#pytalk']);

    assert.equal((await py.expect((e) => e.event === 'sasl')).code, '903');
    assert.equal((await py.expect((e) => e.event === 'welcome')).nick, 'pyotr');
    const history = await py.expect((e) => e.event === 'message' && e.text === 'said before pyotr came');
    assert.deepEqual([history.source, history.target], ['nadia', '#pytalk']);
    assert.equal((await py.expect((e) => e.event === 'topic' && e.channel === '#pytalk')).text, 'python meets confab');

    const m = await heard;
    assert.deepEqual([m.from, m.to], ['pyotr', ['#pytalk']]);
    await nat.send('#pytalk', 'welcome, pyotr');
    assert.equal((await py.expect((e) => e.event === 'message' && e.source === 'nadia' && e.text === 'welcome, pyotr')).target, '#pytalk');

    await nat.kick('#pytalk', 'pyotr', 'enough for today');
    assert.deepEqual(await py.expect((e) => e.event === 'kick'), { event: 'kick', by: 'nadia', who: 'pyotr', reason: 'enough for today' });
    await py.expect((e) => e.event === 'closed');
  });
});
