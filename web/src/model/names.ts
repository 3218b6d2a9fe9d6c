// Names as the server compares them: case-insensitively, after Unicode NFC normalisation.

export function keyOf(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

export function isRoom(target: string): boolean {
  return target.startsWith('#');
}

/**
 * Splits what a user typed as recipients ("#general, bob carol") into targets, without
 * duplicates (compared as the server compares names).
 */
export function parseTargets(input: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of input.split(/[\s,;]+/)) {
    const t = raw.trim();
    if (t === '' || t === '#') continue;
    const key = keyOf(t);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(t);
  }
  return out;
}
