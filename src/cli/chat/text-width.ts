// Terminal columns of text: East Asian wide characters and most emoji take two, combining marks
// and zero-width characters none. An approximation of wcwidth, good enough to keep lines from
// wrapping (every line is also cut at the pane's width when drawn). Widths are those of the text
// as shown (visible.ts): a control character counts as its picture or name, so lines laid out
// here from text as received keep their width once it is made visible on its way to the screen.
import { shownAs } from './visible.js';

const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff],
  [0xa000, 0xa4cf], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff60],
  [0xffe0, 0xffe6], [0x1f300, 0x1f64f], [0x1f900, 0x1f9ff], [0x20000, 0x3fffd],
];

export function charWidth(ch: string): number {
  const shown = shownAs(ch);
  if (shown !== ch) return textWidth(shown);
  const code = ch.codePointAt(0) ?? 0;
  if (/\p{Mn}|\p{Me}|\u200b|\u200d|\ufe0f/u.test(ch)) return 0;
  for (const [from, to] of WIDE) if (code >= from && code <= to) return 2;
  return 1;
}

export function textWidth(text: string): number {
  let n = 0;
  for (const ch of text) n += charWidth(ch);
  return n;
}

/** The longest beginning of `text` that fits in `width` columns. */
export function cut(text: string, width: number): string {
  let n = 0;
  let out = '';
  for (const ch of text) {
    const w = charWidth(ch);
    if (n + w > width) break;
    n += w;
    out += ch;
  }
  return out;
}

/** `text` cut or padded with spaces to exactly `width` columns. */
export function fit(text: string, width: number): string {
  const c = cut(text, width);
  return c + ' '.repeat(Math.max(0, width - textWidth(c)));
}

/**
 * Breaks text into lines of at most `width` columns, at spaces where it can and inside a word
 * only when the word alone is too long. Line breaks in the text are kept.
 */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    const first = lines.length;
    let line = '';
    for (const word of paragraph.split(/(?<= )/)) {
      if (textWidth(line + word.trimEnd()) <= w) {
        line += word;
        continue;
      }
      if (line.trimEnd() !== '') lines.push(line.trimEnd());
      let rest = word;
      while (textWidth(rest.trimEnd()) > w) {
        // A character wider than the line still goes on a line of its own.
        const head = cut(rest, w) || [...rest][0];
        lines.push(head);
        rest = rest.slice(head.length);
      }
      line = rest;
    }
    // An empty paragraph is an empty line; a word broken to the end leaves nothing more.
    if (line.trimEnd() !== '' || lines.length === first) lines.push(line.trimEnd());
  }
  return lines;
}
