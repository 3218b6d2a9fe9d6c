// The whole screen: the status line, then the login form or the chat. Follows the terminal's
// size as it changes.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { Box, useStdout } from 'ink';
import type { ChatController } from '../controller.js';
import { layoutFor } from '../layout.js';
import { LoginScreen } from './LoginScreen.js';
import { MainScreen } from './MainScreen.js';
import { StatusLine } from './StatusLine.js';
import { ThemeContext, type Theme } from './theme.js';

const HINT = 'Ctrl-N/P: switch  /help';

function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 }));
  useEffect(() => {
    const onResize = () => setSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

export function App({ controller, theme }: { controller: ChatController; theme: Theme }) {
  const screen = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  const { columns, rows } = useTerminalSize();
  const layout = layoutFor(columns, rows, undefined);
  const signedIn = screen.auth === 'signed-in';
  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={layout.columns} height={layout.height}>
        <StatusLine
          width={layout.columns}
          state={screen.connection.state}
          user={signedIn ? `${screen.chat.me}${screen.chat.guest ? ' (guest)' : ''}` : ''}
          url={controller.launch.url}
          hint={signedIn ? HINT : ''}
        />
        {signedIn ? (
          <MainScreen controller={controller} screen={screen} columns={columns} rows={rows} />
        ) : (
          <LoginScreen controller={controller} screen={screen} width={layout.columns} height={layout.height - 1} />
        )}
      </Box>
    </ThemeContext.Provider>
  );
}
