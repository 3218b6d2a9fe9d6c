// The one sanitiser between text from the network and the terminal (protocol.md §13.9). A
// terminal obeys control characters wherever they appear in its output: a message could set the
// clipboard (OSC 52), retitle the window (OSC 0/2), hide text (SGR 8), disguise a link (OSC 8),
// move the cursor, or overwrite what is already shown (CR, BS). Bidi controls reorder what
// follows them, so "invoice\u202Efdp.exe" reads as "invoiceexe.pdf". Every such character is
// replaced by something one can see: C0 controls and DEL by their control pictures (ESC -> ␛),
// C1 controls and bidi controls by their abbreviation in angle brackets (U+009B -> <CSI>,
// U+202E -> <RLO>). Everything else, wide characters and emoji included, is left as it is.
// Line breaks are not special here: where a layout breaks lines (message texts) it splits them
// off before the text comes here, and anywhere else a line break is shown too (␊).

/** ISO 6429 names of the C1 controls U+0080..U+009F. */
const C1_NAMES = [
  'PAD', 'HOP', 'BPH', 'NBH', 'IND', 'NEL', 'SSA', 'ESA', 'HTS', 'HTJ', 'VTS', 'PLD', 'PLU', 'RI', 'SS2', 'SS3',
  'DCS', 'PU1', 'PU2', 'STS', 'CCH', 'MW', 'SPA', 'EPA', 'SOS', 'SGCI', 'SCI', 'CSI', 'ST', 'OSC', 'PM', 'APC',
] as const;

/** The Unicode abbreviations of the bidirectional formatting characters. */
const BIDI_NAMES: Readonly<Record<number, string>> = {
  0x061c: 'ALM', 0x200e: 'LRM', 0x200f: 'RLM',
  0x202a: 'LRE', 0x202b: 'RLE', 0x202c: 'PDF', 0x202d: 'LRO', 0x202e: 'RLO',
  0x2066: 'LRI', 0x2067: 'RLI', 0x2068: 'FSI', 0x2069: 'PDI',
};

/** The control pictures block: U+2400 + n stands for C0 control n; U+2421 for DEL. */
const CONTROL_PICTURES = 0x2400;
const DEL_PICTURE = '\u2421';

/**
 * Everything a terminal or the bidi algorithm would act on rather than show, and UTF-16 halves
 * without their other half (which no encoder can write as they are).
 */
// eslint-disable-next-line no-control-regex
const ACTIVE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** What one character (a code point) looks like on the screen: itself, unless it would act. */
export function shownAs(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20) return String.fromCharCode(CONTROL_PICTURES + code);
  if (code === 0x7f) return DEL_PICTURE;
  if (code >= 0x80 && code <= 0x9f) return `<${C1_NAMES[code - 0x80]}>`;
  const bidi = BIDI_NAMES[code];
  if (bidi !== undefined) return `<${bidi}>`;
  if (code >= 0xd800 && code <= 0xdfff) return '\ufffd';
  return ch;
}

/** `text` with every character that would act on the terminal or reorder the line made visible. */
export function visible(text: string): string {
  return text.replace(ACTIVE, shownAs);
}
