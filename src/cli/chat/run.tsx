// Runs the terminal client: the alternate screen (so the shell's screen comes back afterwards),
// the ink app, the controller; returns once the user quit and the client said goodbye.
import { render } from 'ink';
import type { CliIo } from '../io.js';
import { CliError } from '../user.js';
import { ChatController } from './controller.js';
import type { Launch } from './launch.js';
import { App } from './ui/App.js';
import { themeFor } from './ui/theme.js';

const ALTERNATE_SCREEN = '\u001b[?1049h\u001b[H';
const NORMAL_SCREEN = '\u001b[?1049l';

export async function runChat(launch: Launch, io: CliIo): Promise<void> {
  if (!io.stdin.isTTY || !(io.stdout as { isTTY?: boolean }).isTTY) {
    throw new CliError('confab chat needs a terminal (standard input and output)');
  }
  const stdout = io.stdout as NodeJS.WriteStream;
  const stdin = io.stdin as NodeJS.ReadStream;
  let quitDone: () => void = () => undefined;
  const quit = new Promise<void>((resolve) => (quitDone = resolve));
  const controller = new ChatController(launch, { onQuit: () => quitDone() });
  const onSignal = (): void => void controller.quit();
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  stdout.write(ALTERNATE_SCREEN);
  const app = render(<App controller={controller} theme={themeFor(io.env)} />, {
    stdout,
    stdin,
    stderr: io.stderr as NodeJS.WriteStream,
    // Ctrl-C quits through the controller, which says goodbye to the server first.
    exitOnCtrlC: false,
    patchConsole: true,
  });
  try {
    controller.start();
    await quit;
  } finally {
    app.unmount();
    await app.waitUntilExit().catch(() => undefined);
    stdout.write(NORMAL_SCREEN);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}
