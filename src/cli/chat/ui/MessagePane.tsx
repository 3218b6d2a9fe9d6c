// The open conversation: its name and topic, then the messages in view (see pane.ts).
import { Box } from 'ink';
import type { Conversation } from '../../../client/conversations.js';
import type { PaneLine } from '../pane.js';
import { fit } from '../text-width.js';
import { ScreenText } from './ScreenText.js';
import { useTheme } from './theme.js';

export function conversationTitle(conv: Conversation | undefined): string {
  if (!conv) return 'No conversation open: /join a room or /msg someone (/help for more)';
  if (conv.kind === 'room') return conv.topic ? `${conv.name}: ${conv.topic}` : conv.name;
  return `Direct: ${conv.name}`;
}

export interface MessagePaneProps {
  conv: Conversation | undefined;
  lines: readonly PaneLine[];
  width: number;
  height: number;
  /** Lines scrolled up from the newest (0: following the conversation). */
  scroll: number;
  /** "bob is typing…", or ''. */
  typing: string;
}

export function MessagePane({ conv, lines, width, height, scroll, typing }: MessagePaneProps) {
  const theme = useTheme();
  const title = conversationTitle(conv) + (typing ? `  (${typing})` : '') + (scroll > 0 ? `  [scrolled up ${scroll} lines: PageDown]` : '');
  const body = lines.slice(-(height - 1));
  const padding = Math.max(0, height - 1 - body.length);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <ScreenText bold wrap="truncate">
        {fit(title, width)}
      </ScreenText>
      {Array.from({ length: padding }, (_, i) => (
        <ScreenText key={`pad${i}`}> </ScreenText>
      ))}
      {body.map((l, i) => (
        <PaneRow key={i} line={l} width={width} ownColour={theme.own} />
      ))}
    </Box>
  );
}

function PaneRow({ line, width, ownColour }: { line: PaneLine; width: number; ownColour: string | undefined }) {
  const text = fit(line.text, width);
  if (line.kind === 'note' || line.kind === 'marker') {
    return (
      <ScreenText wrap="truncate" bold={line.kind === 'marker'}>
        {text}
      </ScreenText>
    );
  }
  const sender = line.sender === '' ? '' : text.slice(0, line.sender.length);
  return (
    <ScreenText wrap="truncate" color={line.kind === 'own' ? ownColour : undefined}>
      <ScreenText bold inverse={line.kind === 'mention'}>
        {sender}
      </ScreenText>
      {text.slice(sender.length)}
    </ScreenText>
  );
}
