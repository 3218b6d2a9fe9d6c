import { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createLogger, type Logger } from '../log.js';
import type { RunningServer } from '../server.js';
import { redactUrl } from '../startup-errors.js';
import { addConfigFlags, flagValues } from './flags.js';
import type { CliIo } from './io.js';

/** The seed-protocol listeners as the banner names them (docs/cp.md, chatos.md, chatapp.md). */
const SEED_PROTOCOLS = [['cp', 'CP'], ['chatos', 'ChatOS'], ['chatapp', 'ChatApp']] as const;

/** After a stop signal, how long shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 10_000;

export function describeServer(server: RunningServer, config: Config): string {
  const lines = ['confab is running'];
  if (server.tls) {
    lines.push(`  native over TLS   ${server.tls.host}:${server.tls.port}`);
    lines.push(`    certificate SHA-256 ${server.fingerprint}${server.certificateGenerated ? ' (new, self-signed)' : ''}`);
  }
  if (server.quic) lines.push(`  native over QUIC  ${server.quic.host}:${server.quic.port}  (UDP; same certificate)`);
  if (server.http) {
    const base = `${server.http.host}:${server.http.port}`;
    lines.push(`  web client        http://${base}/`);
    lines.push(`  WebSocket         ws://${base}/ws`);
    lines.push(`  HTTP              http://${base}/healthz  http://${base}/metrics`);
  }
  if (server.tcp) lines.push(`  native over TCP   ${server.tcp.host}:${server.tcp.port}  (unencrypted)`);
  for (const [name, label] of SEED_PROTOCOLS) {
    const at = server.gateways[name];
    if (at) lines.push(`  ${label.padEnd(18)}${at.host}:${at.port}  (plain TCP)`);
  }
  if (server.irc) lines.push(`  IRC               ${server.irc.host}:${server.irc.port}  (plain TCP)`);
  if (server.ircs) lines.push(`  IRC over TLS      ${server.ircs.host}:${server.ircs.port}  (same certificate)`);
  lines.push(config.storeUrl !== undefined ? `  data              ${redactUrl(config.storeUrl)} (postgres)` : `  data              ${config.dataDir} (${config.store})`);
  if (config.brokerUrl !== undefined) lines.push(`  cluster           ${redactUrl(config.brokerUrl)}  (node slot ${server.slot ?? '?'})`);
  lines.push('Stop with Ctrl+C.');
  return `${lines.join('\n')}\n`;
}

/** Ends the server on SIGINT/SIGTERM; a second signal, or a shutdown past the deadline, exits at once. */
function stopOnSignals(server: RunningServer, log: Logger, io: CliIo): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn({ signal }, 'second stop signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error('shutdown took too long: exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    server.close().then(
      () => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        io.stderr.write('confab stopped\n');
        io.setExitCode(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

export function serveCommand(io: CliIo): Command {
  const serve = new Command('serve')
    .description('run the chat server (native protocol over TLS, WebSocket and HTTP; see docs/configuration.md)')
    .option('--config <file>', 'JSON config file; flags and CONFAB_* variables override it [CONFAB_CONFIG]');
  addConfigFlags(serve);
  serve.action(async (opts: { config?: string }, cmd: Command) => {
    const config = loadConfig({ file: opts.config, env: io.env, flags: flagValues(cmd) });
    const log = createLogger(config);
    // Loaded here, not at the top: `confab user` and `--help` need none of the server.
    const { startServer } = await import('../server.js');
    const server = await startServer(config, { logger: log });
    // Handlers first: whoever reads the banner may signal at once.
    stopOnSignals(server, log, io);
    // On stderr: stdout carries the JSON log lines when it is not a terminal.
    io.stderr.write(describeServer(server, config));
  });
  return serve;
}
