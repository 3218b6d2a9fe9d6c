// `confab chat [URL]`: the terminal client as a command-line command.
import { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { addConfigFlags, flagValues } from '../flags.js';
import type { CliIo } from '../io.js';
import { DEFAULT_URL, PASSWORD_VARIABLE, pinLocalServer, planLaunch, type ChatFlags } from './launch.js';

/** After quitting, how long the program may take to wind down by itself. */
const QUIT_GRACE_MS = 300;

/**
 * ink draws only the final frame when CI or CONTINUOUS_INTEGRATION is set, which leaves a
 * person in a terminal inside a CI job (or with CI exported in their shell) looking at a blank
 * screen. On a terminal the client is interactive whatever the environment says, so the
 * variables are cleared before ink is first loaded (it reads them once, at load).
 */
function renderInteractively(io: CliIo): void {
  if (!io.stdin.isTTY || !(io.stdout as { isTTY?: boolean }).isTTY) return;
  delete process.env['CI'];
  delete process.env['CONTINUOUS_INTEGRATION'];
}

export function chatCommand(io: CliIo): Command {
  const chat = new Command('chat')
    .description('chat in the terminal (full screen); see docs/terminal-client.md')
    .argument('[url]', `the server: quic://, tls://, ws:// or wss:// (no scheme: quic://; default ${DEFAULT_URL})`)
    .option(
      '--fingerprint <sha256>',
      "pin the server's certificate by its SHA-256 fingerprint (confab serve prints it); for a server on this machine, the certificate in its data directory (--data-dir, --config) is pinned when this is not given",
    )
    .option('--config <file>', "the server's JSON config file, for its data directory [CONFAB_CONFIG]")
    .option('--user <name>', `log in as this user, with the password from ${PASSWORD_VARIABLE} (else typed on screen)`)
    .option('--register', 'register the account first (with --user, or on the login screen)')
    .option('--guest <nick>', 'enter as a guest under this nickname');
  addConfigFlags(chat, ['dataDir']);
  return chat
    .addHelpText(
      'after',
      `
Keys: Enter sends; Ctrl-N/Ctrl-P or Alt-1..9 switch conversations; PageUp/PageDown scroll back
into history; Ctrl-T shows or hides the member list; Ctrl-C or /quit leaves. /help lists the
slash commands (/join, /leave, /rooms, /who, /msg, /topic, /accept, /refuse, /send, /get, ...).`,
    )
    .action(async (url: string | undefined, flags: ChatFlags, cmd: Command) => {
      // The local server's certificate is found as `confab serve` finds its data directory.
      const serverConfig = () => loadConfig({ file: flags.config, env: io.env, flags: flagValues(cmd) });
      const launch = pinLocalServer(planLaunch(url, flags, io.env), serverConfig);
      renderInteractively(io);
      // Loaded here: the other commands need neither React nor ink.
      const { runChat } = await import('./run.js');
      await runChat(launch, io);
      // The user has quit: a connection attempt still under way (a QUIC dial to a server that
      // does not answer runs to its own timeout) must not keep the program alive.
      setTimeout(() => process.exit(), QUIT_GRACE_MS).unref();
    });
}
