// The message pane as lines: everything loaded for a conversation, laid out for the pane's
// width, and the window of it shown at the current scroll position. Scrolling counts lines from
// the bottom, so a page of older messages added at the top leaves the view where it was; and
// it counts from the newest message of when it was set, so messages arriving while one reads
// back do not move the view either.
import type { WireFile } from '../../client/node.js';
import { markerIndex, type Conversation } from '../../client/conversations.js';
import { messageLines } from './format.js';
import { cut } from './text-width.js';

export type PaneLineKind = 'message' | 'own' | 'mention' | 'marker' | 'note';

export interface PaneLine {
  kind: PaneLineKind;
  text: string;
  /** The sender part at the start of `text` ('' if none). */
  sender: string;
  /** The message the line belongs to (see messageKey); '' for notes. */
  message: string;
}

/** Where the pane is scrolled to: `fromBottom` lines up from the last line of message `newest`. */
export interface ScrollPosition {
  fromBottom: number;
  newest: string;
}

export const AT_BOTTOM: ScrollPosition = { fromBottom: 0, newest: '' };

export interface PaneView {
  lines: PaneLine[];
  /** Lines up from the bottom, clamped to what there is. */
  scroll: number;
  /** The same place, to be kept across new messages. */
  position: ScrollPosition;
  /** The largest scroll position (the oldest line at the top). */
  maxScroll: number;
  /** The first loaded line is in view: scrolling further up fetches older messages. */
  atTop: boolean;
}

/** What is known about older messages, as the pane's first line says it. */
function olderNote(conv: Conversation): string {
  switch (conv.older) {
    case 'loading':
      return '-- loading older messages... --';
    case 'none':
      return conv.messages.length === 0 ? '-- no messages yet --' : '-- start of the conversation --';
    default:
      return '-- PageUp for older messages --';
  }
}

export function allLines(conv: Conversation, width: number, fileNumber: (f: WireFile) => number, me = ''): PaneLine[] {
  const lines: PaneLine[] = [{ kind: 'note', text: olderNote(conv), sender: '', message: '' }];
  const marker = markerIndex(conv);
  let hole = 0;
  const byId = new Map(conv.messages.filter((m) => m.id > 0).map((m) => [m.id, m]));
  conv.messages.forEach((m, i) => {
    // A known hole before this message: say so where it is.
    while (hole < conv.holes.length && m.id > 0 && conv.holes[hole].before <= m.id) {
      lines.push({ kind: 'note', text: '-- some messages here are not loaded --', sender: '', message: '' });
      hole++;
    }
    if (i === marker) lines.push({ kind: 'marker', text: cut(`-- new messages ${'-'.repeat(width)}`, width), sender: '', message: '' });
    const key = messageKey(m);
    const quoted = m.replyTo !== undefined ? byId.get(m.replyTo) : undefined;
    for (const l of messageLines(m, width, fileNumber, quoted, me)) {
      lines.push({ kind: m.own ? 'own' : l.mention ? 'mention' : 'message', text: l.text, sender: l.sender, message: key });
    }
  });
  return lines;
}

/** A message's identity in the pane: its id once stored, its cid before. */
export function messageKey(m: { id: number; cid: string }): string {
  return m.id > 0 ? `id:${m.id}` : `cid:${m.cid}`;
}

/** Lines up from the bottom for `position`, counting the lines added after its newest message. */
function linesUp(lines: readonly PaneLine[], position: ScrollPosition): number {
  if (position.fromBottom === 0) return 0;
  if (position.newest === '') return position.fromBottom;
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].message === position.newest) return position.fromBottom + (lines.length - 1 - i);
  return position.fromBottom;
}

/** The `height` lines in view at `position`. */
export function paneView(conv: Conversation, width: number, height: number, position: ScrollPosition, fileNumber: (f: WireFile) => number, me = ''): PaneView {
  const lines = allLines(conv, width, fileNumber, me);
  const maxScroll = Math.max(0, lines.length - height);
  const s = Math.min(Math.max(0, linesUp(lines, position)), maxScroll);
  const end = lines.length - s;
  const start = Math.max(0, end - height);
  let newest = '';
  for (let i = lines.length - 1; i >= 0 && newest === ''; i--) newest = lines[i].message;
  return { lines: lines.slice(start, end), scroll: s, position: { fromBottom: s, newest }, maxScroll, atTop: start === 0 };
}
