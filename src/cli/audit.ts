import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../config/load.js';
import { parseRoomName } from '../core/names.js';
import type { AuditRecord } from '../core/types.js';
import { addConfigFlags, flagValues } from './flags.js';
import type { CliIo } from './io.js';

const MAX_LIMIT = 10_000;

function count(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw new InvalidArgumentError(`a whole number from 1 to ${MAX_LIMIT}`);
  return n;
}

function id(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('a record id');
  return n;
}

/** One record as a line: id, time (UTC), who, what, where, on whom, why. */
export function auditLine(r: AuditRecord): string {
  const fields = [String(r.id), new Date(r.at).toISOString(), r.actor, r.action, r.room || '-', r.target || '-'];
  return `${fields.join('  ')}${r.detail === '' ? '' : `  ${JSON.stringify(r.detail)}`}\n`;
}

/** `confab audit [--room R] [--limit N] [--before ID]`: the audit log (docs/protocol.md §7.18), read from the store. */
export function auditCommand(io: CliIo): Command {
  const audit = new Command('audit')
    .description('print the audit log of moderation actions, newest first, from the data directory or database (the server may be running)')
    .option('--config <file>', 'JSON config file [CONFAB_CONFIG]')
    .option('--room <room>', 'only this room\'s records')
    .option('--limit <n>', `most records to print (1-${MAX_LIMIT})`, count, 50)
    .option('--before <id>', 'only records older than this id (the last id printed, to read on)', id, 0);
  addConfigFlags(audit, ['dataDir', 'store', 'storeUrl']);
  audit.action(async (opts: { config?: string; room?: string; limit: number; before: number }, cmd: Command) => {
    const room = opts.room === undefined ? undefined : parseRoomName(opts.room.startsWith('#') ? opts.room : `#${opts.room}`).key;
    const config = loadConfig({ file: opts.config, env: io.env, flags: flagValues(cmd) });
    const { openStore, openStoreNow } = await import('../open-store.js');
    const store = openStore(config);
    await openStoreNow(store, config);
    try {
      const records = await store.auditLog({ room, before: opts.before, limit: opts.limit });
      if (records.length === 0) io.stderr.write('no records\n');
      for (const r of records) io.stdout.write(auditLine(r));
    } finally {
      await store.close();
    }
  });
  return audit;
}
