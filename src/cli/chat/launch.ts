// From the command line to what the client does first: which server (the URL, completed with
// the defaults), whether its certificate is pinned, and how to log in (at once from flags and
// the environment, or through the form on screen).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeFingerprint } from '../../client/fingerprint.js';
import type { Config } from '../../config/schema.js';
import { fingerprintOf } from '../../tls/certificate.js';
import { CliError } from '../user.js';

/** Where `confab chat` goes with no URL: a server on this machine, over QUIC. */
export const DEFAULT_URL = 'quic://127.0.0.1:7443';
/** The environment variable with the password for --user (scripts never type it). */
export const PASSWORD_VARIABLE = 'CONFAB_PASSWORD';
/** The server's HTTP port by default, where its WebSocket endpoint is. */
const DEFAULT_WS_PORT = '8080';
const SCHEMES = ['quic:', 'tls:', 'ws:', 'wss:', 'tcp:'];

import type { Credentials, LoginMode } from '../../client/session-types.js';

export type { Credentials, LoginMode };

export interface ChatFlags {
  fingerprint?: string;
  user?: string;
  register?: boolean;
  guest?: string;
  /** The server's config file, where its data directory (and certificate) is found. */
  config?: string;
}

export interface Launch {
  url: string;
  fingerprint?: string;
  /** Log in with these as soon as the connection is up. */
  credentials?: Credentials;
  /** Otherwise the login form opens with these. */
  form: { mode: LoginMode; name: string };
}

/**
 * The URL to connect to: no URL is DEFAULT_URL, a host[:port] without a scheme is QUIC, and a
 * ws:// or wss:// URL without a path goes to the server's /ws (ws:// on port 8080 if none).
 */
export function chatUrl(raw: string | undefined): string {
  const given = (raw ?? '').trim();
  if (given === '') return DEFAULT_URL;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(given) ? given : `quic://${given}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new CliError(`not a URL: ${given}`);
  }
  if (!SCHEMES.includes(url.protocol)) {
    throw new CliError(`unsupported URL scheme ${url.protocol} in ${given}: use quic://, tls://, ws:// or wss://`);
  }
  if (url.hostname === '') throw new CliError(`no host in ${given}`);
  if (url.protocol === 'ws:' || url.protocol === 'wss:') {
    if (url.pathname === '/' || url.pathname === '') url.pathname = '/ws';
    if (url.protocol === 'ws:' && url.port === '') url.port = DEFAULT_WS_PORT;
    return url.href;
  }
  // The other schemes are a host and a port: drop a trailing slash the URL class adds.
  return url.href.replace(/\/$/, '');
}

export function planLaunch(rawUrl: string | undefined, flags: ChatFlags, env: Readonly<Record<string, string | undefined>>): Launch {
  const url = chatUrl(rawUrl);
  let fingerprint: string | undefined;
  if (flags.fingerprint !== undefined) {
    try {
      normalizeFingerprint(flags.fingerprint);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    fingerprint = flags.fingerprint;
  }
  if (flags.guest !== undefined && (flags.user !== undefined || flags.register)) {
    throw new CliError('--guest cannot go with --user or --register');
  }
  const plan: Launch = { url, ...(fingerprint ? { fingerprint } : {}), form: { mode: flags.register ? 'register' : 'login', name: flags.user ?? '' } };
  if (flags.guest !== undefined) return { ...plan, credentials: { mode: 'guest', name: flags.guest, password: '' } };
  const password = env[PASSWORD_VARIABLE];
  if (flags.user !== undefined && password !== undefined && password !== '') {
    return { ...plan, credentials: { mode: flags.register ? 'register' : 'login', name: flags.user, password } };
  }
  return plan;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/i;

/** The certificate `confab serve` presents with this configuration: a configured one, else its own self-signed one. */
export function serverCertificatePath(config: Config): string {
  return config.tls.cert ?? join(config.dataDir, 'tls', 'cert.pem');
}

/**
 * With no --fingerprint, a server on this machine is trusted by its own certificate, found where
 * `confab serve` keeps it: `serverConfig` loads the configuration as `confab serve` would (its
 * config file, CONFAB_* variables and --data-dir; ./data when none says otherwise), and is called
 * only for such a server. Whoever can read that file runs the server, so pinning it is as safe
 * as pinning the fingerprint the server prints. Anything else keeps the normal CA check.
 */
export function pinLocalServer(launch: Launch, serverConfig: () => Config): Launch {
  if (launch.fingerprint !== undefined) return launch;
  const url = new URL(launch.url);
  if (url.protocol === 'ws:' || url.protocol === 'tcp:' || !LOOPBACK.test(url.hostname)) return launch;
  // A configuration that does not load is an error to report, as `confab serve` would.
  const path = serverCertificatePath(serverConfig());
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch {
    return launch; // no server has run with this data directory: the normal check applies
  }
  try {
    return { ...launch, fingerprint: fingerprintOf(pem) };
  } catch {
    return launch; // not a certificate: the normal check applies, and its error says what to do
  }
}
