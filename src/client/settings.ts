import { MAX_BODY } from '../protocol/codec.js';
import { CAPABILITIES, PROTOCOL_VERSIONS } from '../protocol/frames.js';
import type { ReconnectOptions } from './backoff.js';
import type { ClientOptions, HeartbeatOptions } from './types.js';

const AGENT = 'confab-client/0.1';

/** ClientOptions with every default filled in. */
export interface Settings {
  versions: number[];
  caps: string[];
  agent: string;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  closeTimeoutMs: number;
  reconnect: ReconnectOptions | false;
  heartbeat: HeartbeatOptions | false;
  maxPending: number;
  maxUnacked: number;
  maxFrame: number;
  dedupeWindow: number;
}

export function settingsOf(o: ClientOptions): Settings {
  return {
    versions: [...(o.versions ?? PROTOCOL_VERSIONS)],
    caps: [...(o.caps ?? CAPABILITIES)],
    agent: o.agent ?? AGENT,
    requestTimeoutMs: o.requestTimeoutMs ?? 10_000,
    connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
    closeTimeoutMs: o.closeTimeoutMs ?? 2_000,
    reconnect: o.reconnect === undefined ? { initialMs: 250, maxMs: 30_000 } : o.reconnect,
    heartbeat: o.heartbeat ?? false,
    maxPending: o.maxPending ?? 1024,
    maxUnacked: o.maxUnacked ?? 1024,
    maxFrame: Math.min(o.maxFrame ?? MAX_BODY, MAX_BODY),
    dedupeWindow: o.dedupeWindow ?? 4096,
  };
}
