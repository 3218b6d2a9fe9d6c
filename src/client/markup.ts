// Light formatting in message text, as both user interfaces show it: **bold**, *italic* or
// _italic_, `inline code`, ``` code blocks ```, "> " quotes, http(s) links and @mentions.
// Messages travel as plain text (protocols without formatting show the signs as typed); this
// parser only decides how a client draws them. It returns data, never markup: each UI builds its
// own elements from it, so no message can inject HTML or terminal controls through formatting.
import { displayKey } from '../vocabulary/names.js';

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'bold'; children: Inline[] }
  | { kind: 'italic'; children: Inline[] }
  | { kind: 'code'; text: string }
  /** Only ever an http: or https: URL, normalised by the URL parser. */
  | { kind: 'link'; href: string; text: string }
  /** `me`: it names the reader. */
  | { kind: 'mention'; name: string; me: boolean };

export type Block =
  | { kind: 'paragraph'; lines: Inline[][] }
  | { kind: 'quote'; lines: Inline[][] }
  | { kind: 'code'; text: string };

/** A message longer than this is shown as one plain paragraph: formatting is for chat lines. */
const MAX_FORMATTED = 4000;
/** Emphasis inside emphasis goes this deep; deeper signs stay as typed. */
const MAX_DEPTH = 3;

const FENCE = /^```[\p{L}\p{N}_+-]*\s*$/u;
const LINK = /https?:\/\/[^\s<>"'`]+/giu;
/** A mention starts a word: after the start or a character that cannot be in a name. */
const MENTION = /(?<![\p{L}\p{N}_.@-])@([\p{L}\p{N}][\p{L}\p{N}_.-]{0,31})/gu;
const TRAILING = /^[.,;:!?'"\]]$/u;

/** The blocks of a message's text, for a reader named `me` ('' for none). */
export function parseMarkup(text: string, me = ''): Block[] {
  const meKey = me === '' ? '' : displayKey(me);
  if (text.length > MAX_FORMATTED) return [{ kind: 'paragraph', lines: [[{ kind: 'text', text }]] }];
  const blocks: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (FENCE.test(line)) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i].trimEnd() !== '```'; i++) body.push(lines[i]);
      blocks.push({ kind: 'code', text: body.join('\n') });
      continue;
    }
    const quoted = /^> ?/.exec(line);
    const kind = quoted ? 'quote' : 'paragraph';
    const inline = parseInline(quoted ? line.slice(quoted[0].length) : line, meKey, 0);
    const last = blocks.at(-1);
    if (last && last.kind === kind) last.lines.push(inline);
    else blocks.push({ kind, lines: [inline] });
  }
  return blocks;
}

/** Does this text mention `me` where a reader would see it (not inside code)? */
export function mentions(text: string, me: string): boolean {
  const meKey = displayKey(me);
  const seen = (inline: Inline[]): boolean =>
    inline.some((i) => (i.kind === 'mention' ? i.me : i.kind === 'bold' || i.kind === 'italic' ? seen(i.children) : false));
  return parseMarkup(text, me).some((b) => b.kind !== 'code' && b.lines.some((l) => seen(l)) && meKey !== '');
}

/** The text as a terminal shows it: signs of emphasis dropped, quotes and code blocks marked. */
export function plainLines(blocks: Block[]): string[] {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.kind === 'code') for (const l of b.text.split('\n')) out.push(`  ${l}`);
    else for (const l of b.lines) out.push((b.kind === 'quote' ? '│ ' : '') + plainInline(l));
  }
  return out;
}

function plainInline(inline: Inline[]): string {
  return inline
    .map((i) => {
      switch (i.kind) {
        case 'text': return i.text;
        case 'code': return `\`${i.text}\``;
        case 'link': return i.text;
        case 'mention': return `@${i.name}`;
        default: return plainInline(i.children);
      }
    })
    .join('');
}

interface Hit { at: number; end: number; node: Inline }

/** The earliest formatted span of `text` from `from`, or none. */
function nextHit(text: string, from: number, meKey: string, depth: number): Hit | undefined {
  let best: Hit | undefined;
  const consider = (h: Hit | undefined): void => {
    if (h && (!best || h.at < best.at)) best = h;
  };
  const tick = text.indexOf('`', from);
  if (tick >= 0) {
    const close = text.indexOf('`', tick + 1);
    if (close > tick + 1) consider({ at: tick, end: close + 1, node: { kind: 'code', text: text.slice(tick + 1, close) } });
  }
  consider(linkAt(text, from));
  MENTION.lastIndex = from;
  const m = MENTION.exec(text);
  if (m) {
    const name = m[1].replace(/[.-]+$/u, '');
    const at = m.index;
    consider({ at, end: at + 1 + name.length, node: { kind: 'mention', name, me: meKey !== '' && displayKey(name) === meKey } });
  }
  if (depth < MAX_DEPTH) consider(emphasisAt(text, from, meKey, depth));
  return best;
}

function linkAt(text: string, from: number): Hit | undefined {
  LINK.lastIndex = from;
  for (let m = LINK.exec(text); m; m = LINK.exec(text)) {
    let raw = m[0];
    // The sentence's punctuation is not the link's; a closing parenthesis is when the link opened one.
    for (;;) {
      if (TRAILING.test(raw.at(-1) ?? '')) raw = raw.slice(0, -1);
      else if (raw.endsWith(')') && count(raw, '(') < count(raw, ')')) raw = raw.slice(0, -1);
      else break;
    }
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      continue;
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') continue;
    return { at: m.index, end: m.index + raw.length, node: { kind: 'link', href: url.href, text: raw } };
  }
  return undefined;
}

/**
 * `**x**` is bold; `*x*` and `_x_` are italic: the signs hug the words, `_` does not sit inside
 * a word, and a run of underscores (`__init__`, `snake__case`) is only underscores.
 */
function emphasisAt(text: string, from: number, meKey: string, depth: number): Hit | undefined {
  const wordChar = (ch: string | undefined): boolean => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
  const space = (ch: string | undefined): boolean => ch !== undefined && /\s/u.test(ch);
  for (let at = from; at < text.length; at++) {
    const c = text[at];
    if (c !== '*' && c !== '_') continue;
    if (c === '_' && (text[at + 1] === '_' || text[at - 1] === '_')) {
      while (text[at + 1] === '_') at++;
      continue;
    }
    const sign = c === '*' && text[at + 1] === '*' ? '**' : c;
    const open = at + sign.length;
    if (open >= text.length || space(text[open]) || (c === '_' && wordChar(text[at - 1]))) {
      at += sign.length - 1;
      continue;
    }
    const closes = (i: number): boolean => {
      if (space(text[i - 1])) return false;
      if (sign === '*') return text[i + 1] !== '*' && text[i - 1] !== '*';
      if (sign === '_') return text[i + 1] !== '_' && text[i - 1] !== '_' && !wordChar(text[i + 1]);
      return true;
    };
    let close = text.indexOf(sign, open + 1);
    while (close > 0 && !closes(close)) close = text.indexOf(sign, close + 1);
    if (close < 0) {
      at += sign.length - 1;
      continue;
    }
    const children = parseInline(text.slice(open, close), meKey, depth + 1);
    return { at, end: close + sign.length, node: { kind: sign === '**' ? 'bold' : 'italic', children } };
  }
  return undefined;
}

function parseInline(text: string, meKey: string, depth: number): Inline[] {
  const out: Inline[] = [];
  let at = 0;
  while (at < text.length) {
    const hit = nextHit(text, at, meKey, depth);
    if (!hit) break;
    if (hit.at > at) out.push({ kind: 'text', text: text.slice(at, hit.at) });
    out.push(hit.node);
    at = hit.end;
  }
  if (at < text.length) out.push({ kind: 'text', text: text.slice(at) });
  return out;
}

function count(s: string, c: string): number {
  let n = 0;
  for (const x of s) if (x === c) n++;
  return n;
}
