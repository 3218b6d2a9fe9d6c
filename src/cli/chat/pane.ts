// The message pane as lines: everything loaded for a conversation, laid out for the pane's
// width, and the window of it shown at the current scroll position. Scrolling counts lines from
// the bottom, so a page of older messages added at the top leaves the view where it was.
import type { WireFile } from '../../client/node.js';
import { markerIndex, type Conversation } from '../../client/conversations.js';
import { messageLines } from './format.js';
import { cut } from './text-width.js';

export type PaneLineKind = 'message' | 'own' | 'marker' | 'note';

export interface PaneLine {
  kind: PaneLineKind;
  text: string;
  /** The sender part at the start of `text` ('' if none). */
  sender: string;
}

export interface PaneView {
  lines: PaneLine[];
  /** The scroll position, clamped to what there is. */
  scroll: number;
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

export function allLines(conv: Conversation, width: number, fileNumber: (f: WireFile) => number): PaneLine[] {
  const lines: PaneLine[] = [{ kind: 'note', text: olderNote(conv), sender: '' }];
  const marker = markerIndex(conv);
  let hole = 0;
  conv.messages.forEach((m, i) => {
    // A known hole before this message: say so where it is.
    while (hole < conv.holes.length && m.id > 0 && conv.holes[hole].before <= m.id) {
      lines.push({ kind: 'note', text: '-- some messages here are not loaded --', sender: '' });
      hole++;
    }
    if (i === marker) lines.push({ kind: 'marker', text: cut(`-- new messages ${'-'.repeat(width)}`, width), sender: '' });
    for (const l of messageLines(m, width, fileNumber)) lines.push({ kind: m.own ? 'own' : 'message', text: l.text, sender: l.sender });
  });
  return lines;
}

/** The `height` lines in view when scrolled `scroll` lines up from the newest. */
export function paneView(conv: Conversation, width: number, height: number, scroll: number, fileNumber: (f: WireFile) => number): PaneView {
  const lines = allLines(conv, width, fileNumber);
  const maxScroll = Math.max(0, lines.length - height);
  const s = Math.min(Math.max(0, scroll), maxScroll);
  const end = lines.length - s;
  const start = Math.max(0, end - height);
  return { lines: lines.slice(start, end), scroll: s, maxScroll, atTop: start === 0 };
}
