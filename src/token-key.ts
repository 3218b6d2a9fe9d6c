// The key that signs resume tokens (docs/protocol.md §13.5), kept in the data directory so that
// tokens survive a restart. Whoever reads it can make a token for any user: it is as secret as
// every password together.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fchmodSync, fstatSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const TOKEN_KEY_FILE = 'token.key';
/** HMAC-SHA-256 wants a key of at least its output size; a shorter one is guessable sooner. */
export const MIN_TOKEN_KEY_BYTES = 32;
const MODE = 0o600;

/** The key file is unusable: the server refuses to start rather than sign with a weak key. */
export class TokenKeyError extends Error {}

/**
 * The token key of this data directory, made on the first start. A key file shorter than
 * MIN_TOKEN_KEY_BYTES, or one that cannot be read, stops the start with a message naming it.
 */
export function loadTokenKey(dataDir: string): Uint8Array {
  const path = join(dataDir, TOKEN_KEY_FILE);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return createTokenKey(path);
    throw new TokenKeyError(`cannot read the resume token key ${path}: ${(err as Error).message}`);
  }
  let key: Buffer;
  try {
    // Made by an earlier version, or copied in by hand: nobody but the server's user may read it.
    if ((fstatSync(fd).mode & 0o077) !== 0) chmodSync(path, MODE);
    key = readFileSync(fd);
  } catch (err) {
    throw new TokenKeyError(`cannot read the resume token key ${path}: ${(err as Error).message}`);
  } finally {
    closeSync(fd);
  }
  if (key.length < MIN_TOKEN_KEY_BYTES) {
    throw new TokenKeyError(
      `the resume token key ${path} has ${key.length} bytes; it needs at least ${MIN_TOKEN_KEY_BYTES}. ` +
      'Put a longer random key there, or delete the file to have a new one made (every resume token then becomes invalid).',
    );
  }
  return key;
}

/**
 * Writes a new random key so that the file is never seen partly written, even after a crash: into
 * a temporary file of its own (a leftover of a crashed start is never read), flushed, renamed over
 * the final name, and the directory flushed so that the rename itself is durable.
 */
function createTokenKey(path: string): Uint8Array {
  const key = randomBytes(MIN_TOKEN_KEY_BYTES);
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, 'wx', MODE);
    try {
      fchmodSync(fd, MODE); // the mode given to open is filtered by the umask
      for (let done = 0; done < key.length;) done += writeSync(fd, key, done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    syncDirectory(dirname(path));
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new TokenKeyError(`cannot write the resume token key ${path}: ${(err as Error).message}`);
  }
  return key;
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
