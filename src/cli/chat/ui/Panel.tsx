// Lines a command shows (/help, /rooms, /who) over the message pane until Esc.
import { Box, Text } from 'ink';
import type { Panel as PanelContent } from '../controller.js';
import { fit } from '../text-width.js';

export function Panel({ panel, width, height, scroll }: { panel: PanelContent; width: number; height: number; scroll: number }) {
  const room = height - 2;
  const start = Math.min(Math.max(0, scroll), Math.max(0, panel.lines.length - room));
  const shown = panel.lines.slice(start, start + room);
  const more = panel.lines.length > room ? ` (lines ${start + 1}-${start + shown.length} of ${panel.lines.length}; PageUp/PageDown)` : '';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate">
        {fit(panel.title + more, width)}
      </Text>
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate">
          {fit(l, width)}
        </Text>
      ))}
      {Array.from({ length: Math.max(0, room - shown.length) }, (_, i) => (
        <Text key={`pad${i}`}> </Text>
      ))}
      <Text wrap="truncate">{fit('Esc closes this panel', width)}</Text>
    </Box>
  );
}
