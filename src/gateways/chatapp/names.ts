import { ChatError } from '../../core/errors.js';
import { byteLength, Limits } from './codec.js';
import { AppErrorCode, AppFault } from './errors.js';

// ChatApp rooms have no '#'; the core's do. 'games' is the core's '#games', and '#general',
// which every server has, is ChatApp's 'general' (docs/chatapp.md §8.2).

/** The core's name of a ChatApp room; a leading '#' is accepted too. */
export function coreRoom(name: string): string {
  return name.startsWith('#') ? name : `#${name}`;
}

/** ChatApp's name of a core room. */
export function appRoom(coreName: string): string {
  return coreName.startsWith('#') ? coreName.slice(1) : coreName;
}

/** The checks of seed §6 every name field gets: not empty (20), at most MAX_NAME bytes (21). */
export function checkName(value: string, what: string): string {
  const v = value.trim();
  if (v === '') throw new AppFault(AppErrorCode.EMPTY, `ERROR: empty string submitted (${what})`);
  if (byteLength(v) > Limits.MAX_NAME) throw new AppFault(AppErrorCode.NAME_TOO_LONG, `ERROR: name exceeds MAX length ${Limits.MAX_NAME}`);
  return v;
}

/** A core name rule broken (characters the core does not allow): the seed's nearest code is 21. */
export function nameFault(err: unknown): unknown {
  if (err instanceof ChatError && err.errorName === 'INVALID_NAME') return new AppFault(AppErrorCode.NAME_TOO_LONG, `ERROR: ${err.message}`);
  return err;
}
