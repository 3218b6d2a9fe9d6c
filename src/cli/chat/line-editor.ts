// The input line as a value: its text, the cursor, and the lines entered before (recalled with
// Up and Down). Pure: each editing action returns a new editor.

export interface LineEditor {
  /** Characters (code points), so the cursor never splits a surrogate pair. */
  chars: readonly string[];
  cursor: number;
  /** Lines entered, oldest first. */
  past: readonly string[];
  /** While recalling: the index into `past`; the line being written is kept in `draft`. */
  recalling?: number;
  draft?: string;
}

export type EditAction =
  | { type: 'insert'; text: string }
  | { type: 'backspace' }
  | { type: 'delete-forward' }
  | { type: 'left' }
  | { type: 'right' }
  | { type: 'home' }
  | { type: 'end' }
  | { type: 'clear-line' }
  | { type: 'delete-word' }
  | { type: 'recall-previous' }
  | { type: 'recall-next' };

/** Lines kept for recall. */
const PAST_KEPT = 100;

export const EMPTY_LINE: LineEditor = { chars: [], cursor: 0, past: [] };

export function lineText(e: LineEditor): string {
  return e.chars.join('');
}

export function withText(e: LineEditor, text: string): LineEditor {
  const chars = [...text];
  return { chars, cursor: chars.length, past: e.past };
}

/** The line was entered: it is remembered for recall and the input starts empty. */
export function entered(e: LineEditor): LineEditor {
  const text = lineText(e);
  const past = text.trim() === '' || e.past.at(-1) === text ? e.past : [...e.past, text].slice(-PAST_KEPT);
  return { chars: [], cursor: 0, past };
}

export function edit(e: LineEditor, action: EditAction): LineEditor {
  const { chars, cursor } = e;
  switch (action.type) {
    case 'insert': {
      const added = [...action.text];
      return typed(e, [...chars.slice(0, cursor), ...added, ...chars.slice(cursor)], cursor + added.length);
    }
    case 'backspace':
      return cursor === 0 ? e : typed(e, [...chars.slice(0, cursor - 1), ...chars.slice(cursor)], cursor - 1);
    case 'delete-forward':
      return cursor >= chars.length ? e : typed(e, [...chars.slice(0, cursor), ...chars.slice(cursor + 1)], cursor);
    case 'left':
      return { ...e, cursor: Math.max(0, cursor - 1) };
    case 'right':
      return { ...e, cursor: Math.min(chars.length, cursor + 1) };
    case 'home':
      return { ...e, cursor: 0 };
    case 'end':
      return { ...e, cursor: chars.length };
    case 'clear-line':
      return typed(e, chars.slice(cursor), 0);
    case 'delete-word': {
      let start = cursor;
      while (start > 0 && chars[start - 1] === ' ') start--;
      while (start > 0 && chars[start - 1] !== ' ') start--;
      return typed(e, [...chars.slice(0, start), ...chars.slice(cursor)], start);
    }
    case 'recall-previous': {
      if (e.past.length === 0) return e;
      const index = e.recalling === undefined ? e.past.length - 1 : Math.max(0, e.recalling - 1);
      return recalled(e, index, e.recalling === undefined ? lineText(e) : (e.draft ?? ''));
    }
    case 'recall-next': {
      if (e.recalling === undefined) return e;
      if (e.recalling + 1 < e.past.length) return recalled(e, e.recalling + 1, e.draft ?? '');
      const chars = [...(e.draft ?? '')];
      return { chars, cursor: chars.length, past: e.past };
    }
  }
}

/** Editing a recalled line makes it the line being written. */
function typed(e: LineEditor, chars: string[], cursor: number): LineEditor {
  return { chars, cursor, past: e.past };
}

function recalled(e: LineEditor, index: number, draft: string): LineEditor {
  const chars = [...e.past[index]];
  return { chars, cursor: chars.length, past: e.past, recalling: index, draft };
}

/**
 * The part of the line that fits in `width` columns with the cursor visible: the text before
 * the cursor, the character under it, and the text after.
 */
export function visiblePart(e: LineEditor, width: number): { before: string; at: string; after: string } {
  const room = Math.max(1, width - 1);
  const start = Math.max(0, e.cursor - room);
  const end = start + width;
  return {
    before: e.chars.slice(start, e.cursor).join(''),
    at: e.chars[e.cursor] ?? ' ',
    after: e.chars.slice(e.cursor + 1, end).join(''),
  };
}
