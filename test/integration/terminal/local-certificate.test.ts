// `confab chat` with no --fingerprint trusts a server on this machine by the certificate in the
// server's data directory, found the way `confab serve` finds it: --data-dir, a config file's
// dataDir (--config or CONFAB_CONFIG), CONFAB_DATA_DIR, and ./data only when none is given. Each
// client runs in a directory with no ./data of its own, so only the configured directory can
// have given it the certificate.
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { chatCommand, startChatServer, type ChatServer } from './harness.js';
import { Tmux } from './tmux.js';

describe('protocol.md §13.1 confab chat pins the local server by the certificate in its configured data directory', { timeout: 90_000 }, () => {
  let server: ChatServer;
  const tmux = new Tmux();
  let elsewhere: string;
  let configFile: string;

  before(async () => {
    server = await startChatServer();
    elsewhere = mkdtempSync(join(tmpdir(), 'confab-elsewhere-'));
    // Beside the data directory, naming it relative to the file, as a config file may.
    configFile = join(dirname(server.dataDir), `${basename(server.dataDir)}.json`);
    writeFileSync(configFile, JSON.stringify({ dataDir: basename(server.dataDir) }));
  });
  after(async () => {
    await tmux.close();
    await server?.close();
    rmSync(elsewhere, { recursive: true, force: true });
    rmSync(configFile, { force: true });
  });

  /** A guest's `confab chat` to the server's QUIC port, with no --fingerprint. */
  async function guest(nick: string, args: string[], env: Record<string, string> = {}, cwd = elsewhere) {
    return tmux.start(nick, chatCommand([server.quicUrl(), '--guest', nick, ...args]), { cwd, env: { NO_COLOR: '1', ...env } });
  }

  it('protocol.md §13.1 finds it by --data-dir, a config file (--config, CONFAB_CONFIG) and CONFAB_DATA_DIR', { timeout: 60_000 }, async () => {
    const panes = await Promise.all([
      guest('byflag', ['--data-dir', server.dataDir]),
      guest('byrelativeflag', ['--data-dir', basename(server.dataDir)], {}, dirname(server.dataDir)),
      guest('byconfig', ['--config', configFile]),
      guest('byconfigenv', [], { CONFAB_CONFIG: configFile }),
      guest('byenv', [], { CONFAB_DATA_DIR: server.dataDir }),
    ]);
    for (const pane of panes) await pane.waitFor(new RegExp(`\\[Connected\\] ${pane.name} \\(guest\\) @ quic:`), 20_000);
  });

  it('protocol.md §13.1 without one, looks in ./data, and says to pin the certificate when it is not there', { timeout: 30_000 }, async () => {
    const pane = await guest('nowhere', []);
    await pane.waitFor(/pin the server's certificate[\s\S]*--fingerprint/, 20_000);
  });
});
