// Unicode's confusables mapping (UTS #39, confusables.txt) as the unhomoglyph package ships it:
// each source code point to its prototype string. Read once, into a Map keyed by code point.
import table from 'unhomoglyph/data.json' with { type: 'json' };

const prototypes = new Map<number, string>();
for (const [source, prototype] of Object.entries(table as Record<string, string>)) {
  const cp = source.codePointAt(0);
  if (cp !== undefined) prototypes.set(cp, prototype);
}

/**
 * The UTS #39 skeleton of `text`: NFD, each code point replaced by its prototype, NFD again.
 * Two strings that look alike (Latin `a` and Cyrillic `а`, `rn` and `m`) have one skeleton.
 * Not meant to be shown: it only compares.
 *
 * With `keepAscii`, ASCII characters stand for themselves: only the table's mappings of other
 * characters apply (Cyrillic `а` is still `a`, but `m` stays `m` and `0` stays `0`).
 */
export function skeleton(text: string, keepAscii = false): string {
  let out = '';
  for (const ch of text.normalize('NFD')) {
    const cp = ch.codePointAt(0) as number;
    out += keepAscii && cp < 0x80 ? ch : (prototypes.get(cp) ?? ch);
  }
  return out.normalize('NFD');
}
