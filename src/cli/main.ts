import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/load.js';
import { isChatError } from '../core/errors.js';
import { CertificateError } from '../tls/certificate.js';
import { SlotError, UnreachableError } from '../startup-errors.js';
import { TokenKeyError } from '../token-key.js';
import { auditCommand } from './audit.js';
import { chatCommand } from './chat/command.js';
import { processIo, type CliIo } from './io.js';
import { PromptCancelled } from './prompt.js';
import { serveCommand } from './serve.js';
import { CliError, userCommand } from './user.js';

/** The package version, from the package.json above this file (in src/ or in dist/src/). */
function version(): string {
  for (let dir = import.meta.dirname; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'confab' && pkg.version) return pkg.version;
    } catch {
      // not here: look further up
    }
  }
  return 'unknown';
}

interface BenchModule { runBench(args: string[]): Promise<void> }

function benchCommand(): Command {
  return new Command('bench')
    .description('measure throughput, latency and memory against comparison servers (`confab bench --help` for its options)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_opts: unknown, cmd: Command) => {
      // The benchmark suite is optional in a build: import it only when asked for.
      const url = new URL('../../bench/cli.js', import.meta.url).href;
      let bench: BenchModule;
      try {
        bench = (await import(url)) as BenchModule;
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes('bench')) {
          throw new CliError('the benchmark suite is not part of this installation');
        }
        throw err;
      }
      await bench.runBench(cmd.args);
    });
}

export function buildProgram(io: CliIo): Command {
  const program = new Command('confab')
    .description('confab: a real-time chat server. Run `confab serve` to start it.')
    .version(version(), '-V, --version');
  program.addCommand(serveCommand(io));
  program.addCommand(userCommand(io));
  program.addCommand(auditCommand(io));
  program.addCommand(chatCommand(io));
  program.addCommand(benchCommand());
  // Errors and help go through io, and never end the process from inside commander.
  const configure = (cmd: Command): void => {
    cmd.exitOverride()
      .showHelpAfterError('(add --help for usage)')
      .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
    cmd.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** Runs the confab command line; argv as in process.argv (node, script, then the arguments). */
export async function main(argv: string[], io: CliIo = processIo()): Promise<void> {
  try {
    await buildProgram(io).parseAsync(argv);
  } catch (err) {
    io.setExitCode(report(err, io));
  }
}

/** Prints an error the way a user can act on it; returns the exit status. */
function report(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    // Commander printed its message (or the help) already.
    return err.exitCode;
  }
  if (err instanceof PromptCancelled) return 130;
  if (err instanceof ConfigError || err instanceof CliError || err instanceof CertificateError || err instanceof TokenKeyError || err instanceof UnreachableError || err instanceof SlotError || isChatError(err)) {
    io.stderr.write(`confab: ${(err as Error).message}\n`);
    return 1;
  }
  const e = err as NodeJS.ErrnoException;
  if (e && (e.code === 'EADDRINUSE' || e.code === 'EACCES') && e.syscall === 'listen') {
    io.stderr.write(`confab: cannot listen on ${(e as { address?: string }).address ?? ''}:${(e as { port?: number }).port ?? ''}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : 'permission denied'}\n`);
    return 1;
  }
  io.stderr.write(`confab: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(err)}\n`);
  return 1;
}
