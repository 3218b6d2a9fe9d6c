// The input line: a prompt naming where Enter sends, then the text with the cursor shown.
import { visiblePart, type LineEditor } from '../line-editor.js';
import { cut, textWidth } from '../text-width.js';
import { ScreenText } from './ScreenText.js';

export interface InputLineProps {
  prompt: string;
  editor: LineEditor;
  width: number;
  /** Show characters as '*' (passwords). */
  hidden?: boolean;
  /** Draw the cursor (only the field being typed into has one). */
  focused?: boolean;
}

export function InputLine({ prompt, editor, width, hidden = false, focused = true }: InputLineProps) {
  const shownPrompt = cut(prompt, Math.max(0, width - 10));
  const room = width - textWidth(shownPrompt);
  const shown = hidden ? { ...editor, chars: editor.chars.map(() => '*') } : editor;
  const { before, at, after } = visiblePart(shown, room);
  const used = textWidth(shownPrompt + before + at + after);
  return (
    <ScreenText wrap="truncate">
      {shownPrompt}
      {before}
      {focused ? <ScreenText inverse>{at}</ScreenText> : at}
      {after}
      {' '.repeat(Math.max(0, width - used))}
    </ScreenText>
  );
}
