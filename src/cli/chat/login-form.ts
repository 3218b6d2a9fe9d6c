// The login form as a value: which of log in / register / guest, the name, the password, and
// the field being typed into. Each key is one step; a step may ask to sign in or to quit. Pure.
import type { KeyAction } from './keys.js';
import type { Credentials, LoginMode } from './launch.js';
import { edit, EMPTY_LINE, lineText, withText, type LineEditor } from './line-editor.js';

export const MODES: readonly LoginMode[] = ['login', 'register', 'guest'];

export type Field = 'name' | 'password';

export interface LoginForm {
  mode: LoginMode;
  name: LineEditor;
  password: LineEditor;
  field: Field;
}

export interface FormStep {
  form: LoginForm;
  signIn?: Credentials;
  quit?: boolean;
  dismiss?: boolean;
}

export function newForm(mode: LoginMode, name: string): LoginForm {
  // A name given with --user: start at the password.
  return { mode, name: withText(EMPTY_LINE, name), password: EMPTY_LINE, field: name !== '' && mode !== 'guest' ? 'password' : 'name' };
}

export function fieldsOf(form: LoginForm): Field[] {
  return form.mode === 'guest' ? ['name'] : ['name', 'password'];
}

export function formStep(form: LoginForm, action: KeyAction): FormStep {
  const current = form.field === 'name' ? form.name : form.password;
  const set = (e: LineEditor): LoginForm => (form.field === 'name' ? { ...form, name: e } : { ...form, password: e });
  switch (action.type) {
    case 'quit':
      return { form, quit: true };
    case 'end-of-input':
      return lineText(current) === '' ? { form, quit: true } : { form: set(edit(current, { type: 'delete-forward' })) };
    case 'tab': {
      const mode = MODES[(MODES.indexOf(form.mode) + 1) % MODES.length];
      return { form: { ...form, mode, field: mode === 'guest' ? 'name' : form.field } };
    }
    case 'recall-previous':
    case 'recall-next':
      return fieldsOf(form).length > 1 ? { form: { ...form, field: form.field === 'name' ? 'password' : 'name' } } : { form };
    case 'escape':
      return { form, dismiss: true };
    case 'submit':
      return submit(form);
    case 'insert':
    case 'backspace':
    case 'delete-forward':
    case 'left':
    case 'right':
    case 'home':
    case 'end':
    case 'clear-line':
    case 'delete-word':
      return { form: set(edit(current, action)) };
    default:
      return { form };
  }
}

/** Enter: on to the password if it is still empty, else sign in with what is there. */
function submit(form: LoginForm): FormStep {
  const name = lineText(form.name).trim();
  const password = lineText(form.password);
  if (form.mode !== 'guest' && form.field === 'name' && password === '') return { form: name === '' ? form : { ...form, field: 'password' } };
  if (name === '') return { form: { ...form, field: 'name' } };
  if (form.mode !== 'guest' && password === '') return { form: { ...form, field: 'password' } };
  return { form: { ...form, password: EMPTY_LINE }, signIn: { mode: form.mode, name, password: form.mode === 'guest' ? '' : password } };
}
