// The conversations, one line each (see sidebar.ts), cut to the height there is.
import { Box } from 'ink';
import type { ChatModel } from '../../../client/conversations.js';
import { sidebarLines } from '../sidebar.js';
import { ScreenText } from './ScreenText.js';
import { useTheme } from './theme.js';

export function Sidebar({ model, width, height }: { model: ChatModel; width: number; height: number }) {
  const theme = useTheme();
  const lines = sidebarLines(model, width);
  // Keep the open conversation in view when the list is longer than the column.
  const activeAt = lines.findIndex((l) => l.active);
  const start = activeAt >= height ? activeAt - height + 1 : 0;
  const shown = lines.slice(start, start + height);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {shown.map((l, i) => (
        <ScreenText
          key={i}
          wrap="truncate"
          bold={l.kind === 'heading' || l.unread > 0}
          inverse={l.active}
          color={l.kind === 'request' ? theme.accent : undefined}
        >
          {l.text}
        </ScreenText>
      ))}
    </Box>
  );
}
