// Keys to actions. Ink hands over one key at a time, except that text without escape
// sequences (typing faster than a render, a paste, tmux send-keys) arrives as one string that
// may hold Enter, Backspace or control characters too: those are split out here. Pure.

/** The parts of ink's Key that matter here (tests build them by hand). */
export interface KeyInfo {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
}

export type KeyAction =
  | { type: 'insert'; text: string }
  | { type: 'submit' }
  | { type: 'backspace' }
  | { type: 'delete-forward' }
  | { type: 'left' }
  | { type: 'right' }
  | { type: 'home' }
  | { type: 'end' }
  | { type: 'clear-line' }
  | { type: 'delete-word' }
  | { type: 'recall-previous' }
  | { type: 'recall-next' }
  | { type: 'next-conversation' }
  | { type: 'previous-conversation' }
  /** Alt-1..Alt-9: the conversation with that number in the sidebar (1-based). */
  | { type: 'open-conversation'; number: number }
  | { type: 'page-up' }
  | { type: 'page-down' }
  | { type: 'toggle-members' }
  | { type: 'tab' }
  | { type: 'escape' }
  /** Ctrl-C. */
  | { type: 'quit' }
  /** Ctrl-D: quits on an empty line, deletes forward otherwise (as in a shell). */
  | { type: 'end-of-input' };

/** Ctrl+letter, by letter. */
const CONTROL: Readonly<Record<string, KeyAction>> = {
  a: { type: 'home' },
  b: { type: 'left' },
  c: { type: 'quit' },
  d: { type: 'end-of-input' },
  e: { type: 'end' },
  f: { type: 'right' },
  h: { type: 'backspace' },
  i: { type: 'tab' },
  j: { type: 'submit' },
  m: { type: 'submit' },
  n: { type: 'next-conversation' },
  p: { type: 'previous-conversation' },
  t: { type: 'toggle-members' },
  u: { type: 'clear-line' },
  w: { type: 'delete-word' },
};

export function keyActions(input: string, key: KeyInfo): KeyAction[] {
  if (key.return) return [{ type: 'submit' }];
  if (key.pageUp) return [{ type: 'page-up' }];
  if (key.pageDown) return [{ type: 'page-down' }];
  if (key.upArrow) return [{ type: 'recall-previous' }];
  if (key.downArrow) return [{ type: 'recall-next' }];
  if (key.leftArrow) return [{ type: 'left' }];
  if (key.rightArrow) return [{ type: 'right' }];
  if (key.home) return [{ type: 'home' }];
  if (key.end) return [{ type: 'end' }];
  if (key.tab) return [{ type: 'tab' }];
  // Most terminals send DEL (0x7f) for Backspace, which ink reports as `delete`; the Delete
  // key itself is rarely used in a one-line input, and Ctrl-D deletes forward.
  if (key.backspace || key.delete) return [{ type: 'backspace' }];
  if (key.escape && input === '') return [{ type: 'escape' }];
  if (key.ctrl && input.length === 1) {
    const action = CONTROL[input.toLowerCase()];
    return action ? [action] : [];
  }
  if (key.meta) {
    if (/^[1-9]$/.test(input)) return [{ type: 'open-conversation', number: Number(input) }];
    if (input === 'n') return [{ type: 'next-conversation' }];
    if (input === 'p') return [{ type: 'previous-conversation' }];
    return [];
  }
  return textActions(input);
}

/** Plain text that may hold control characters (see the top of the file). */
export function textActions(text: string): KeyAction[] {
  const out: KeyAction[] = [];
  let run = '';
  const flush = (): void => {
    if (run !== '') out.push({ type: 'insert', text: run });
    run = '';
  };
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (ch === '\r' || ch === '\n') {
      flush();
      out.push({ type: 'submit' });
    } else if (ch === '\u007f' || ch === '\b') {
      flush();
      out.push({ type: 'backspace' });
    } else if (ch === '\t') {
      run += ' ';
    } else if (code < 0x20) {
      flush();
      const action = CONTROL[String.fromCharCode(code + 0x60)];
      if (action) out.push(action);
    } else if (code === 0x9b || (code >= 0x80 && code < 0xa0)) {
      // C1 controls: never printable.
    } else {
      run += ch;
    }
  }
  flush();
  return out;
}
