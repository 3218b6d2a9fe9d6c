// The open room's members: '@' for operators, '(off)' for those not connected.
import { Box } from 'ink';
import type { Conversation } from '../../../client/conversations.js';
import { displayKey } from '../../../vocabulary/names.js';
import { fit } from '../text-width.js';
import { ScreenText } from './ScreenText.js';

export function memberLines(conv: Conversation | undefined, width: number): string[] {
  if (!conv || conv.kind !== 'room') return [fit('Members', width), fit('  (not a room)', width)];
  const sorted = [...conv.members].sort((a, b) => Number(b.online) - Number(a.online) || displayKey(a.name).localeCompare(displayKey(b.name)));
  return [fit(`Members (${conv.members.length})`, width), ...sorted.map((m) => fit(`${m.operator ? '@' : ' '}${m.name}${m.online ? '' : ' (off)'}`, width))];
}

export function Members({ conv, width, height }: { conv: Conversation | undefined; width: number; height: number }) {
  const lines = memberLines(conv, width);
  const shown = lines.length > height ? [...lines.slice(0, height - 1), fit(`  +${lines.length - height + 1} more`, width)] : lines;
  return (
    <Box flexDirection="column" width={width} height={height}>
      {shown.map((l, i) => (
        <ScreenText key={i} wrap="truncate" bold={i === 0}>
          {l}
        </ScreenText>
      ))}
    </Box>
  );
}
