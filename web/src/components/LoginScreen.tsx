import { useState, type FormEvent } from 'react';
import type { AppState, LoginMode } from '../session/session';
import { ConnectionStatus } from './ConnectionStatus';
import { useSession } from './context';
import { Notices } from './Notices';

const MODES: readonly { mode: LoginMode; label: string; submit: string }[] = [
  { mode: 'login', label: 'Log in', submit: 'Log in' },
  { mode: 'register', label: 'Register', submit: 'Create account' },
  { mode: 'guest', label: 'Guest', submit: 'Join as guest' },
];

export function LoginScreen({ state }: { state: AppState }) {
  const session = useSession();
  const [mode, setMode] = useState<LoginMode>('login');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const busy = state.auth === 'signing-in';
  const current = MODES.find((m) => m.mode === mode) ?? MODES[0];

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(undefined);
    const problem = await session.signIn({ mode, name: name.trim(), password: mode === 'guest' ? '' : password });
    if (problem) setError(problem);
    else setPassword('');
  };

  return (
    <div className="app login-screen">
      <header className="topbar">
        <h1 className="brand">confab</h1>
        <ConnectionStatus connection={state.connection} />
      </header>
      <main className="login">
        <Notices notices={state.notices} />
        <form className="card login-card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
          <h2 id="login-title">Welcome to confab</h2>
          <fieldset className="segmented">
            <legend className="sr-only">How to join</legend>
            {MODES.map((m) => (
              <label key={m.mode} className={m.mode === mode ? 'selected' : undefined}>
                <input type="radio" name="mode" value={m.mode} checked={m.mode === mode} onChange={() => setMode(m.mode)} />
                {m.label}
              </label>
            ))}
          </fieldset>
          <label className="field">
            <span>{mode === 'guest' ? 'Nickname' : 'Name'}</span>
            <input name="name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="username" required maxLength={32} autoFocus spellCheck={false} autoCapitalize="none" />
          </label>
          {mode !== 'guest' && (
            <label className="field">
              <span>Password</span>
              <input
                name="password"
                type="password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                autoComplete={mode === 'register' ? 'new-password' : 'current-password'}
                required
              />
            </label>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Please wait…' : current.submit}
          </button>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          {mode === 'guest' && <p className="hint">Guests keep their nickname only while connected and get no offline messages.</p>}
        </form>
      </main>
    </div>
  );
}

/** After a reload, while the tab's session is resumed: no login form flashes up. */
export function Restoring({ state }: { state: AppState }) {
  return (
    <div className="app login-screen">
      <header className="topbar">
        <h1 className="brand">confab</h1>
        <ConnectionStatus connection={state.connection} />
      </header>
      <main className="login">
        <p className="card login-card" role="status">
          Restoring your session…
        </p>
      </main>
    </div>
  );
}
