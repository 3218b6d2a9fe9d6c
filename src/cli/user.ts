import { Command } from 'commander';
import type { AccountAdmin } from '../core/accounts-admin.js';
import { loadConfig } from '../config/load.js';
import { addConfigFlags, flagValues } from './flags.js';
import type { CliIo } from './io.js';
import { promptHidden, readFirstLine } from './prompt.js';

export class CliError extends Error {}

/** The password from --password, the terminal (typed twice, no echo), or the first line of stdin. */
async function newPassword(io: CliIo, name: string, given: string | undefined): Promise<string> {
  if (given !== undefined) return given;
  if (io.stdin.isTTY) {
    const first = await promptHidden(io, `Password for ${name}: `);
    const second = await promptHidden(io, 'Repeat the password: ');
    if (first !== second) throw new CliError('the passwords do not match');
    return first;
  }
  const line = await readFirstLine(io);
  if (line === undefined) throw new CliError('no password: give --password, type it at a terminal, or pipe one line to standard input');
  return line;
}

async function withAdmin<T>(io: CliIo, cmd: Command, work: (admin: AccountAdmin) => Promise<T>): Promise<T> {
  const opts = cmd.optsWithGlobals<{ config?: string }>();
  const config = loadConfig({ file: opts.config, env: io.env, flags: { ...flagValues(cmd.parent ?? cmd), ...flagValues(cmd) } });
  const [{ openAccountAdmin }, { openStore, openStoreNow }, { securitySettings }] = await Promise.all([
    import('../core/accounts-admin.js'), import('../open-store.js'), import('../config/security.js'),
  ]);
  const store = openStore(config);
  await openStoreNow(store, config);
  const admin = await openAccountAdmin(store, { passwords: securitySettings(config).passwords });
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

/** `confab user add|passwd|list|delete`: accounts in the server's data directory. */
export function userCommand(io: CliIo): Command {
  const user = new Command('user')
    .description('manage user accounts in the data directory (the server may be running)')
    .option('--config <file>', 'JSON config file [CONFAB_CONFIG]');
  addConfigFlags(user, ['dataDir', 'store', 'storeUrl']);
  user.configureHelp({ showGlobalOptions: true });

  user.command('add')
    .description('create a user account (also joins #general); asks for the password when --password is not given')
    .argument('<name>', 'user name: 1-32 letters, digits, "_", "-", "." starting with a letter or digit')
    .option('--password <password>', 'the password (visible to other local users in the process list; prefer the prompt or stdin)')
    .option('--admin', 'make the user a server admin')
    .action(async (name: string, opts: { password?: string; admin?: boolean }, cmd: Command) => {
      const password = await newPassword(io, name, opts.password);
      await withAdmin(io, cmd, (admin) => admin.add(name, password, { admin: opts.admin === true }));
      io.stdout.write(`added user ${name}${opts.admin ? ' (admin)' : ''}\n`);
    });

  user.command('admin')
    .description('make a user a server admin (on) or not (off); only this command can')
    .argument('<name>', 'user name')
    .argument('<on|off>', 'on or off')
    .action(async (name: string, state: string, _opts: unknown, cmd: Command) => {
      if (state !== 'on' && state !== 'off') throw new CliError(`say on or off, not ${JSON.stringify(state)}`);
      await withAdmin(io, cmd, (admin) => admin.setAdmin(name, state === 'on'));
      io.stdout.write(`${name} is ${state === 'on' ? 'now' : 'no longer'} a server admin\n`);
    });

  user.command('passwd')
    .description("set a user's password")
    .argument('<name>', 'user name')
    .option('--password <password>', 'the new password (prefer the prompt or stdin)')
    .action(async (name: string, opts: { password?: string }, cmd: Command) => {
      const password = await newPassword(io, name, opts.password);
      await withAdmin(io, cmd, (admin) => admin.passwd(name, password));
      io.stdout.write(`changed the password of ${name}\n`);
    });

  user.command('suspend')
    .description('suspend an account (on) or lift it (off): it cannot log in; sessions open now go on until they end (an admin\'s SUSPEND from a client ends them at once)')
    .argument('<name>', 'user name')
    .argument('<on|off>', 'on or off')
    .action(async (name: string, state: string, _opts: unknown, cmd: Command) => {
      if (state !== 'on' && state !== 'off') throw new CliError(`say on or off, not ${JSON.stringify(state)}`);
      await withAdmin(io, cmd, (admin) => admin.setSuspended(name, state === 'on'));
      io.stdout.write(`${name} is ${state === 'on' ? 'now suspended' : 'no longer suspended'}\n`);
    });

  user.command('list')
    .description('list user accounts with their creation time (UTC), and which are server admins')
    .action(async (_opts: unknown, cmd: Command) => {
      const users = await withAdmin(io, cmd, (admin) => admin.list());
      if (users.length === 0) io.stderr.write('no users\n');
      const width = Math.max(0, ...users.map((u) => u.name.length));
      for (const u of users) io.stdout.write(`${u.name.padEnd(width)}  ${new Date(u.createdAt).toISOString()}${u.admin ? '  admin' : ''}${u.suspended ? '  suspended' : ''}\n`);
    });

  user.command('delete')
    .description('delete a user account, its memberships and waiting messages (its messages stay in history)')
    .argument('<name>', 'user name')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const removed = await withAdmin(io, cmd, (admin) => admin.remove(name));
      if (!removed) throw new CliError(`there is no user ${name}`);
      io.stdout.write(`deleted user ${name}\n`);
    });

  return user;
}
