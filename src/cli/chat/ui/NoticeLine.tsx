// The line above the input: the last error or notice, one line, marked by a sign as well as colour.
import type { Notice } from '../controller.js';
import { fit } from '../text-width.js';
import { ScreenText } from './ScreenText.js';
import { useTheme } from './theme.js';

export function NoticeLine({ notice, width }: { notice: Notice | undefined; width: number }) {
  const theme = useTheme();
  if (!notice) return <ScreenText>{' '.repeat(width)}</ScreenText>;
  const sign = notice.kind === 'error' ? '! ' : '- ';
  return (
    <ScreenText color={notice.kind === 'error' ? theme.error : theme.info} bold={notice.kind === 'error'} wrap="truncate">
      {fit(sign + notice.text, width)}
    </ScreenText>
  );
}
