// Reads docs/protocol.md for the tests that hold the code and the specification together.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest directory up from here with docs/protocol.md (tests also run from dist/). */
export function repoRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'docs', 'protocol.md'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('docs/protocol.md not found above ' + import.meta.dirname);
    dir = up;
  }
  return dir;
}

let cached: string[] | undefined;

export function docLines(): string[] {
  cached ??= readFileSync(join(repoRoot(), 'docs', 'protocol.md'), 'utf8').split(/\r?\n/);
  return cached;
}

/** Index of the heading line matching `pattern` (tested against the heading text without #s). */
export function headingIndex(pattern: RegExp): number {
  const lines = docLines();
  const at = lines.findIndex((l) => /^#{1,6} /.test(l) && pattern.test(l.replace(/^#+ /, '')));
  if (at < 0) throw new Error(`docs/protocol.md has no heading matching ${pattern}`);
  return at;
}

/** The lines of a section: from its heading to the next heading of the same or a higher level. */
export function sectionLines(pattern: RegExp): string[] {
  const lines = docLines();
  const start = headingIndex(pattern);
  const level = /^#+/.exec(lines[start])?.[0].length ?? 1;
  let end = start + 1;
  while (end < lines.length) {
    const m = /^(#+) /.exec(lines[end]);
    if (m && m[1].length <= level) break;
    end++;
  }
  return lines.slice(start, end);
}

const cells = (row: string): string[] =>
  row.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim().replace(/`/g, ''));

/**
 * The `index`-th markdown table in `lines`, as rows of cells (header and separator removed),
 * with its header cells.
 */
export function table(lines: string[], index = 0): { header: string[]; rows: string[][] } {
  let seen = -1;
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i].trim().startsWith('|') || !/^\|?\s*:?-{3,}/.test(lines[i + 1].trim())) continue;
    if (++seen !== index) continue;
    const header = cells(lines[i]);
    const rows: string[][] = [];
    for (let j = i + 2; j < lines.length && lines[j].trim().startsWith('|'); j++) rows.push(cells(lines[j]));
    return { header, rows };
  }
  throw new Error(`table ${index} not found`);
}

/** The bytes of the first code block in `lines`: each line's hex pairs before two spaces. */
export function exampleBytes(lines: string[]): Uint8Array {
  const open = lines.findIndex((l) => l.startsWith('```'));
  const close = lines.findIndex((l, i) => i > open && l.startsWith('```'));
  if (open < 0 || close < 0) throw new Error('no code block');
  const bytes: number[] = [];
  for (const line of lines.slice(open + 1, close)) {
    const hex = line.split(/\s{2,}/)[0].trim();
    if (hex === '') continue;
    for (const pair of hex.split(' ')) {
      if (!/^[0-9a-f]{2}$/.test(pair)) throw new Error(`not a hex byte: ${pair} in "${line}"`);
      bytes.push(parseInt(pair, 16));
    }
  }
  return Uint8Array.from(bytes);
}

/** The error catalogue of §11: code, name, fatal. */
export function errorCatalogue(): { code: number; name: string; meaning: string; fatal: string }[] {
  const { header, rows } = table(sectionLines(/^11\. Error catalogue$/));
  if (header.join('|') !== 'Code|Name|Meaning|Fatal?') throw new Error(`unexpected error table header: ${header.join(' | ')}`);
  return rows.map(([code, name, meaning, fatal]) => ({ code: Number(code), name, meaning, fatal }));
}
