// ScreenText, the one path from text to the terminal (protocol.md §13.9): every string inside it,
// in nested ScreenTexts and in fragments too, is made visible before ink writes it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { ReactNode } from 'react';
import { Box, render } from 'ink';
import { ScreenText } from '../../../../../src/cli/chat/ui/ScreenText.js';

/** What ink writes for `node`, drawn once into a stream that stands for an 80-column terminal. */
async function drawn(node: ReactNode): Promise<string> {
  const stdout = Object.assign(new PassThrough(), { columns: 80, rows: 24 });
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const app = render(node, { stdout: stdout as unknown as NodeJS.WriteStream, debug: true, patchConsole: false, exitOnCtrlC: false });
  app.unmount();
  await app.waitUntilExit();
  return Buffer.concat(chunks).toString('utf8');
}

describe('protocol.md §13.9 ScreenText', () => {
  it('writes no control character of a peer to the terminal, however the text is nested', async () => {
    const out = await drawn(
      <Box flexDirection="column">
        <ScreenText>{'title\u001b]2;PWNED\u0007'}</ScreenText>
        <ScreenText>
          {'a\rb'}
          <ScreenText>{'\u009b2J'}</ScreenText>
          <>{'\u202egnp.exe'}</>
          {['\u001b[8m', 7]}
        </ScreenText>
      </Box>,
    );
    // ink styles nothing here, so no escape at all may be in what it wrote (line breaks are ink's).
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(out, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    assert.match(out, /title␛\]2;PWNED␇/);
    assert.match(out, /a␍b<CSI>2J<RLO>gnp\.exe␛\[8m7/);
  });
});
