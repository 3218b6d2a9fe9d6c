// Lines a command shows (/help, /rooms, /who) over the message pane until Esc.
import { Box } from 'ink';
import type { Panel as PanelContent } from '../controller.js';
import { fit, wrap } from '../text-width.js';
import { ScreenText } from './ScreenText.js';

/** A panel line too long for the pane goes on below, indented. */
const HANGING_INDENT = 4;

export function panelLines(panel: PanelContent, width: number): string[] {
  return panel.lines.flatMap((l) => {
    const [first, ...rest] = wrap(l, width);
    return [first, ...wrap(rest.join(' '), width - HANGING_INDENT).filter((r) => r !== '').map((r) => ' '.repeat(HANGING_INDENT) + r)];
  });
}

export function Panel({ panel, width, height, scroll }: { panel: PanelContent; width: number; height: number; scroll: number }) {
  const room = height - 2;
  const lines = panelLines(panel, width);
  const start = Math.min(Math.max(0, scroll), Math.max(0, lines.length - room));
  const shown = lines.slice(start, start + room);
  const more = lines.length > room ? ` (${start + 1}-${start + shown.length} of ${lines.length}; PageUp/PageDown)` : '';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <ScreenText bold wrap="truncate">
        {fit(panel.title + more, width)}
      </ScreenText>
      {shown.map((l, i) => (
        <ScreenText key={i} wrap="truncate">
          {fit(l, width)}
        </ScreenText>
      ))}
      {Array.from({ length: Math.max(0, room - shown.length) }, (_, i) => (
        <ScreenText key={`pad${i}`}> </ScreenText>
      ))}
      <ScreenText wrap="truncate">{fit('Esc closes this panel', width)}</ScreenText>
    </Box>
  );
}
