// The data directory holds the accounts' password hashes, every message, users' files, the key
// that signs resume tokens and the TLS private key: nothing in it is for other accounts of the
// machine. It is made private (0700, files 0600); an existing one is never loosened, and one
// that others can enter is reported, not changed (its owner may have a reason, such as backups).
import { mkdirSync, statSync } from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Makes the directory (and missing parents) 0700; an existing one keeps its mode. */
export function prepareDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

export interface OpenPath {
  path: string;
  /** Its permission bits, e.g. 0o755. */
  mode: number;
}

/**
 * Those of `paths` that exist and that users other than the owner may read, write or enter
 * (any group or other permission bit). Nothing on Windows, whose files have no such bits.
 */
export function openToOthers(paths: readonly string[]): OpenPath[] {
  if (process.platform === 'win32') return [];
  const out: OpenPath[] = [];
  for (const path of paths) {
    let mode: number;
    try {
      mode = statSync(path).mode & 0o777;
    } catch {
      continue;
    }
    if ((mode & 0o077) !== 0) out.push({ path, mode });
  }
  return out;
}
