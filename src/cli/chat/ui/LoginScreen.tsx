// Logging in on screen (see login-form.ts): log in, register or enter as a guest (Tab changes
// which), a name, and a password shown as stars.
import { useRef, useState } from 'react';
import { Box, useInput } from 'ink';
import type { ChatController, ChatScreen } from '../controller.js';
import { keyActions } from '../keys.js';
import type { LoginMode } from '../launch.js';
import { lineText } from '../line-editor.js';
import { fieldsOf, formStep, MODES, newForm, type Field } from '../login-form.js';
import { fit, wrap } from '../text-width.js';
import { InputLine } from './InputLine.js';
import { ScreenText } from './ScreenText.js';
import { useTheme } from './theme.js';

const MODE_NAMES: Readonly<Record<LoginMode, string>> = { login: 'log in', register: 'register', guest: 'guest' };

export interface LoginScreenProps {
  controller: ChatController;
  screen: ChatScreen;
  width: number;
  height: number;
}

export function LoginScreen({ controller, screen, width, height }: LoginScreenProps) {
  const theme = useTheme();
  const [form, setForm] = useState(() => newForm(controller.launch.form.mode, controller.launch.form.name));
  // Keys that come in one chunk are applied one after the other before the next render.
  const latest = useRef(form);
  latest.current = form;
  const busy = screen.auth === 'signing-in';

  useInput((input, key) => {
    let f = latest.current;
    for (const action of keyActions(input, key)) {
      // While signing in only quitting does anything.
      if (busy && action.type !== 'quit') continue;
      const step = formStep(f, action);
      f = step.form;
      if (step.quit) void controller.quit();
      if (step.dismiss) controller.dismissNotice();
      if (step.signIn) void controller.signIn(step.signIn);
    }
    latest.current = f;
    setForm(f);
  });

  const modeLine = MODES.map((m) => `[${m === form.mode ? 'x' : ' '}] ${MODE_NAMES[m]}`).join('   ');
  const label = (f: Field): string => `${f === form.field ? '>' : ' '} ${f === 'name' ? (form.mode === 'guest' ? 'Nickname' : 'Name') : 'Password'}: `;
  const intro = ['', ` Connect to ${controller.launch.url}`, '', `   ${modeLine}    (Tab changes)`, ''];
  const fields = fieldsOf(form);
  const action = form.mode === 'register' ? 'Registering' : form.mode === 'guest' ? 'Entering' : 'Logging in';
  const status = busy ? ` ${action} as ${lineText(form.name).trim()}...` : screen.loginError ? ` ! ${screen.loginError}` : '';
  const help = ' Enter: next field, then go.  Up/Down: change field.  Ctrl-C: quit.';
  // Until a connection is up, why it failed (it is tried again and again meanwhile).
  const problem = screen.connection.state !== 'connected' && screen.connection.detail ? wrap(`! ${screen.connection.detail}; trying again`, width - 2).slice(0, 4) : [];
  const used = intro.length + fields.length + 3 + (problem.length > 0 ? problem.length + 1 : 0);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {intro.map((l, i) => (
        <ScreenText key={i} wrap="truncate" bold={i === 1}>
          {fit(l, width)}
        </ScreenText>
      ))}
      {fields.map((f) => (
        <InputLine key={f} prompt={`  ${label(f)}`} editor={f === 'name' ? form.name : form.password} hidden={f === 'password'} focused={!busy && f === form.field} width={width} />
      ))}
      <ScreenText> </ScreenText>
      <ScreenText wrap="truncate" color={screen.loginError && !busy ? theme.error : undefined}>
        {fit(status, width)}
      </ScreenText>
      <ScreenText wrap="truncate">{fit(help, width)}</ScreenText>
      {problem.length > 0 && <ScreenText> </ScreenText>}
      {problem.map((l, i) => (
        <ScreenText key={`problem${i}`} wrap="truncate" color={theme.error}>
          {fit(` ${l}`, width)}
        </ScreenText>
      ))}
      {Array.from({ length: Math.max(0, height - used) }, (_, i) => (
        <ScreenText key={`pad${i}`}> </ScreenText>
      ))}
    </Box>
  );
}
