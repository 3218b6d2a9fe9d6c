import type { ThrottleSettings } from '../core/login-guard.js';
import type { PasswordSettings } from '../core/passwords.js';
import { DEFAULTS } from './defaults.js';
import type { Config, SecurityConfig } from './schema.js';

/** The node's password and throttling settings from the configuration's `security` options. */
export function securitySettings(config: Pick<Config, 'security'>): { passwords: PasswordSettings; throttle: Partial<ThrottleSettings> } {
  const s: SecurityConfig = config.security ?? (DEFAULTS.security as SecurityConfig);
  return {
    passwords: { scryptLog2N: s.scryptLog2N, concurrency: s.hashConcurrency, queue: s.hashQueue },
    throttle: {
      account: { free: s.accountFreeFailures, baseMs: s.loginDelayMs, maxMs: s.accountMaxDelayMs },
      address: { free: s.addressFreeFailures, baseMs: s.loginDelayMs, maxMs: s.addressMaxDelayMs },
      registrationsPerHour: s.registrationsPerHour,
    },
  };
}
