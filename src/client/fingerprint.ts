/** 'aa:bb:..' or 'AABB..' -> 'AABB..'; throws unless it is a SHA-256 digest (32 bytes). */
export function normalizeFingerprint(fingerprint: string): string {
  const hex = fingerprint.replace(/:/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw new Error(`not a SHA-256 certificate fingerprint: ${fingerprint}`);
  }
  return hex;
}

export function fingerprintMatches(actual: string | undefined, pinned: string): boolean {
  if (!actual) return false;
  return actual.replace(/:/g, '').toUpperCase() === pinned;
}
