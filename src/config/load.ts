import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isHostEntry } from '../http/hosts.js';
import { isOriginEntry } from '../http/origins.js';
import { DEFAULTS } from './defaults.js';
import { CONFIG_FILE_ENV, OPTIONS, type OptionSpec } from './options.js';
import type { Config } from './schema.js';

export class ConfigError extends Error {}

/** Raw flag values by option key ('http.port'); strings as typed, booleans for on/off flags. */
export type FlagValues = Readonly<Record<string, string | number | boolean | undefined>>;

export interface ConfigSources {
  /** JSON config file; when absent, $CONFAB_CONFIG names it; without either there is none. */
  file?: string;
  /** Defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  flags?: FlagValues;
  /** Base of relative paths from the environment, flags and defaults (file paths are relative to the file). */
  cwd?: string;
}

type Value = string | number | boolean | readonly string[];

/** Where a value came from, for error messages. */
interface Origin {
  label: string;
  /** Base directory for relative paths. */
  base: string;
  /** JSON sources must use JSON's own types (8080, not "8080"); text sources are parsed. */
  typed: boolean;
}

const BOOL_WORDS: Record<string, boolean> = {
  true: true, yes: true, on: true, 1: true,
  false: false, no: false, off: false, 0: false,
};

/**
 * The configuration: defaults < config file < environment (CONFAB_*) < flags. Every value is
 * checked; the first bad one throws a ConfigError naming the option and where it was set.
 * The result is frozen.
 */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const cwd = sources.cwd ?? process.cwd();
  const values = new Map<string, Value | undefined>();
  const defaults: Origin = { label: 'default', base: cwd, typed: true };
  for (const spec of OPTIONS) {
    const value = lookup(DEFAULTS, spec.key);
    values.set(spec.key, value === undefined ? undefined : parse(spec, value, defaults));
  }

  const file = sources.file ?? nonEmpty(env[CONFIG_FILE_ENV]);
  if (file !== undefined) {
    const path = resolve(cwd, file);
    const origin: Origin = { label: `config file ${path}`, base: dirname(path), typed: true };
    for (const [key, raw] of readConfigFile(path)) values.set(key, parse(specOf(key), raw, origin));
  }

  for (const spec of OPTIONS) {
    const raw = nonEmpty(env[spec.env]);
    if (raw !== undefined) values.set(spec.key, parse(spec, raw, { label: `environment ${spec.env}`, base: cwd, typed: false }));
  }

  for (const [key, raw] of Object.entries(sources.flags ?? {})) {
    if (raw === undefined) continue;
    const spec = OPTIONS.find((o) => o.key === key);
    if (!spec) throw new ConfigError(`unknown option "${key}"`);
    values.set(key, parse(spec, raw, { label: `flag --${spec.flag}`, base: cwd, typed: typeof raw !== 'string' }));
  }

  const config = build(values);
  checkTogether(config);
  // The URL's scheme picks the engine.
  if (config.storeUrl !== undefined) (config as { store: string }).store = 'postgres';
  return deepFreeze(config);
}

function parse(spec: OptionSpec, raw: unknown, origin: Origin): Value {
  const fail = (expected: string): never => {
    throw new ConfigError(`${spec.key} (${origin.label}): must be ${expected}, got ${JSON.stringify(raw)}`);
  };
  const kind = spec.kind;
  switch (kind.type) {
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      if (!origin.typed && typeof raw === 'string' && raw.toLowerCase() in BOOL_WORDS) return BOOL_WORDS[raw.toLowerCase()];
      return fail('true or false');
    }
    case 'port':
    case 'int': {
      const [min, max] = kind.type === 'port' ? [0, 65_535] : [kind.min, kind.max];
      const expected = kind.type === 'port' ? `a port number from ${min} to ${max}` : `a whole number from ${min} to ${max}`;
      let n: number;
      if (typeof raw === 'number') n = raw;
      else if (!origin.typed && typeof raw === 'string' && /^\d+$/.test(raw.trim())) n = Number(raw.trim());
      else return fail(expected);
      if (!Number.isSafeInteger(n) || n < min || n > max) return fail(expected);
      return n;
    }
    case 'enum': {
      if (typeof raw === 'string' && kind.values.includes(raw)) return raw;
      return fail(`one of ${kind.values.join(', ')}`);
    }
    case 'host': {
      if (typeof raw === 'string' && /^\S+$/.test(raw)) return raw;
      return fail('a host name or IP address');
    }
    case 'serverName': {
      if (typeof raw === 'string' && isServerName(raw)) return raw;
      return fail('a host name with a dot, such as irc.example.com');
    }
    case 'origins': {
      let entries: unknown[];
      if (Array.isArray(raw)) entries = raw;
      else if (!origin.typed && typeof raw === 'string') entries = raw.split(',').map((e) => e.trim()).filter((e) => e !== '');
      else return fail(origin.typed ? 'a list of origins' : 'comma-separated origins');
      if (!entries.every((e): e is string => typeof e === 'string' && isOriginEntry(e))) {
        return fail('web origins such as https://chat.example.com (scheme, host and port only), or *');
      }
      return entries;
    }
    case 'hosts': {
      let entries: unknown[];
      if (Array.isArray(raw)) entries = raw;
      else if (!origin.typed && typeof raw === 'string') entries = raw.split(',').map((e) => e.trim()).filter((e) => e !== '');
      else return fail(origin.typed ? 'a list of host names' : 'comma-separated host names');
      const names = entries.map((e) => (typeof e === 'string' ? e.toLowerCase().replace(/\.$/, '') : e));
      if (!names.every((e): e is string => typeof e === 'string' && isHostEntry(e))) {
        return fail('host names such as chat.example.com (no scheme or port), .example.com for every name under it, or *');
      }
      return names;
    }
    case 'url': {
      if (typeof raw === 'string') {
        let url: URL | undefined;
        try {
          url = new URL(raw);
        } catch {
          url = undefined;
        }
        if (url && kind.schemes.includes(url.protocol) && url.hostname !== '') return raw;
      }
      return fail(`a URL such as ${kind.schemes[0]}//HOST:PORT`);
    }
    case 'path': {
      if (typeof raw === 'string' && raw.trim() !== '') return resolve(origin.base, raw);
      return fail('a file or directory path');
    }
  }
}

/** Reads the JSON file into (option key, raw value) pairs; unknown keys are errors (typos). */
function readConfigFile(path: string): [string, unknown][] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(json)) throw new ConfigError(`config file ${path} must hold a JSON object`);
  const out: [string, unknown][] = [];
  const walk = (obj: Record<string, unknown>, prefix: string): void => {
    for (const [name, value] of Object.entries(obj)) {
      const key = prefix + name;
      const spec = OPTIONS.find((o) => fileKeyOf(o) === key);
      const nested = OPTIONS.some((o) => fileKeyOf(o).startsWith(`${key}.`));
      // `"store": "sqlite"` is the engine; `"store": {"url": ...}` holds the options beside it.
      if (spec && !(nested && isObject(value))) {
        if (value !== null) out.push([spec.key, value]);
      } else if (isObject(value) && nested) {
        walk(value, `${key}.`);
      } else {
        throw new ConfigError(`config file ${path}: unknown option "${key}" (see docs/configuration.md)`);
      }
    }
  };
  walk(json, '');
  return out;
}

/** Where an option sits in the JSON config file. */
export function fileKeyOf(spec: OptionSpec): string {
  return spec.fileKey ?? spec.key;
}

function specOf(key: string): OptionSpec {
  return OPTIONS.find((o) => o.key === key) as OptionSpec;
}

function build(values: Map<string, Value | undefined>): Config {
  const root: Record<string, unknown> = {};
  for (const [key, value] of values) {
    if (value === undefined) continue;
    const parts = key.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]] = value;
  }
  return root as unknown as Config;
}

function checkTogether(c: Config): void {
  if (c.heartbeatTimeoutMs <= c.heartbeatMs) {
    throw new ConfigError(`heartbeatTimeoutMs (${c.heartbeatTimeoutMs}) must be greater than heartbeatMs (${c.heartbeatMs})`);
  }
  if (c.maxQueueBytes < c.maxFrame) {
    throw new ConfigError(`maxQueueBytes (${c.maxQueueBytes}) must be at least maxFrame (${c.maxFrame}), or no full frame could be queued`);
  }
  if ((c.tls.cert === undefined) !== (c.tls.key === undefined)) {
    throw new ConfigError('tls.cert and tls.key must be given together');
  }
  if (c.storeUrl !== undefined && c.store === 'memory') {
    throw new ConfigError('store is memory but store.url names a PostgreSQL database: give one or the other');
  }
  if (c.nodeSlot !== undefined && c.brokerUrl === undefined) {
    throw new ConfigError('nodeSlot is for a cluster: it needs broker.url');
  }
  if (!c.http.enabled && !c.tls.enabled && !c.tcp.enabled) {
    throw new ConfigError('http.enabled, tls.enabled and tcp.enabled are all false: the server would not listen at all');
  }
}

/**
 * A server name as IRC carries it: dot-separated labels of letters, digits and inner hyphens, at
 * least two, at most 63 characters (RFC 2812 §2.3.1 "servername"; the dot tells it from a nick).
 */
function isServerName(s: string): boolean {
  return s.length <= 63 && /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(s);
}

function lookup(obj: unknown, key: string): Value | undefined {
  let node = obj;
  for (const part of key.split('.')) node = isObject(node) ? node[part] : undefined;
  return node as Value | undefined;
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === '' ? undefined : s;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepFreeze<T>(obj: T): T {
  if (isObject(obj)) for (const v of Object.values(obj)) deepFreeze(v);
  return Object.freeze(obj);
}
