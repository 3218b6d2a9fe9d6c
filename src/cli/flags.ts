import { Option, type Command } from 'commander';
import type { FlagValues } from '../config/load.js';
import { DEFAULTS } from '../config/defaults.js';
import { OPTIONS, type OptionSpec } from '../config/options.js';

function group(spec: OptionSpec): string {
  const top = spec.key.split('.')[0];
  if (top === 'dataDir' || top === 'store' || top === 'storeUrl') return 'Storage:';
  if (top === 'brokerUrl' || top === 'nodeSlot') return 'Cluster:';
  if (top === 'http' || top === 'tls' || top === 'tcp') return 'Listeners:';
  if (top === 'log') return 'Logging:';
  return 'Sessions and limits:';
}

function defaultOf(key: string): unknown {
  let node: unknown = DEFAULTS;
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  return node;
}

/** The commander options of one config option: a value flag, or --x/--no-x for a boolean. */
function optionsOf(spec: OptionSpec): Option[] {
  const heading = group(spec);
  const value = defaultOf(spec.key);
  if (spec.kind.type === 'bool') {
    return [
      new Option(`--${spec.flag}`, `${spec.description} (default: ${value ? 'on' : 'off'}) [${spec.env}]`).helpGroup(heading),
      new Option(`--no-${spec.flag}`, `the opposite of --${spec.flag}`).helpGroup(heading),
    ];
  }
  const shown = value === undefined ? '' : Array.isArray(value) ? ` (default: ${value.length ? value.join(',') : 'none'})` : ` (default: ${String(value)})`;
  return [new Option(`--${spec.flag} <${spec.valueName ?? 'value'}>`, `${spec.description}${shown} [${spec.env}]`).helpGroup(heading)];
}

/** Adds a flag for every config option (or only the given keys) to the command. */
export function addConfigFlags(cmd: Command, keys?: readonly string[]): Command {
  for (const spec of OPTIONS) {
    if (keys && !keys.includes(spec.key)) continue;
    for (const o of optionsOf(spec)) cmd.addOption(o);
  }
  return cmd;
}

/** The config values given on the command line (not commander's defaults), by option key. */
export function flagValues(cmd: Command): FlagValues {
  const out: Record<string, string | boolean> = {};
  for (const spec of OPTIONS) {
    const name = new Option(`--${spec.flag}`).attributeName();
    if (cmd.getOptionValueSource(name) !== 'cli') continue;
    const value: unknown = cmd.getOptionValue(name);
    if (typeof value === 'string' || typeof value === 'boolean') out[spec.key] = value;
  }
  return out;
}
