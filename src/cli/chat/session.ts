// The terminal client's session: the SDK's session controller (src/client/session.ts) on the
// transport of the launch URL, with what only the terminal has: one notice line, a panel over
// the messages, file numbers, and the controller's notices in the terminal's words. The ink
// components read its state through subscribe/getSnapshot; nothing here draws.
import { ChatClient, ChatSession, transportFor, type IncomingMessage, type SessionNotice, type SessionView, type TransportFactory } from '../../client/node.js';
import { describeError } from './errors.js';
import { FileNumbers } from './files.js';
import type { Launch } from './launch.js';

export type { AuthState } from '../../client/node.js';

export interface Notice {
  kind: 'error' | 'info';
  text: string;
}

export interface Panel {
  title: string;
  lines: readonly string[];
}

export interface ChatScreen extends SessionView {
  notice?: Notice;
  panel?: Panel;
}

/** First-connection retries and reconnects back off up to this. */
const MAX_RETRY_MS = 5_000;

export interface SessionOptions {
  /** A transport of one's own (tests); default: the one for the launch URL. */
  transport?: TransportFactory;
  /** Called once the client has closed after /quit or Ctrl-C. */
  onQuit?: () => void;
}

export class TerminalSession extends ChatSession<ChatScreen> {
  readonly files = new FileNumbers();

  constructor(readonly launch: Launch, private readonly options: SessionOptions = {}) {
    const transport = options.transport ?? transportFor(launch.url, launch.fingerprint ? { fingerprint: launch.fingerprint } : {});
    const client = new ChatClient(transport, {
      agent: 'confab-terminal/0.1',
      // Messages queued across a reconnect wait this long for their ACK before they count as failed.
      requestTimeoutMs: 30_000,
      connectTimeoutMs: 5_000,
      reconnect: { initialMs: 250, maxMs: MAX_RETRY_MS },
    });
    super(client, {}, launch.credentials ? { credentials: launch.credentials } : {});
  }

  /** /quit and Ctrl-C: says goodbye to the server, then the program ends. */
  override async quit(): Promise<void> {
    if (this.state.quitting) return;
    await super.quit().finally(() => this.options.onQuit?.());
  }

  closePanel(): void {
    if (this.state.panel) this.update({ panel: undefined });
  }

  show(title: string, lines: readonly string[]): void {
    this.update({ panel: { title, lines } });
  }

  info(text: string): void {
    this.update({ notice: { kind: 'info', text } });
  }

  error(text: string): void {
    this.update({ notice: { kind: 'error', text } });
  }

  dismissNotice(): void {
    if (this.state.notice) this.update({ notice: undefined });
  }

  protected override describe(err: unknown): string {
    return describeError(err);
  }

  protected override seen(messages: readonly IncomingMessage[]): void {
    for (const m of messages) this.files.note(m.files ?? []);
  }

  protected override notify(n: SessionNotice): void {
    switch (n.kind) {
      case 'error':
        return this.error(describeError(n.error));
      case 'failed':
        return this.error(n.doing === 'join' ? describeError(n.error) : `could not ${n.doing}: ${describeError(n.error)}`);
      case 'connection-lost':
        return this.error(`connection lost (${n.detail}): reconnecting`);
      case 'resumed':
        return this.info(`reconnected, session resumed: ${n.missed === 0 ? 'nothing new' : `${n.missed} new message${n.missed === 1 ? '' : 's'}`} while away`);
      case 'session-ended':
        return this.update({ loginError: 'your session has ended: log in again' });
      case 'topic':
        return this.info(`${n.by} set the topic of ${n.room}: ${n.topic}`);
      case 'nick':
        return this.info(n.me ? `you are now known as ${n.name}` : `${n.user} is now known as ${n.name}`);
      case 'kick': {
        const why = n.reason === '' ? '' : `: ${n.reason}`;
        return n.me ? this.error(`${n.by} removed you from ${n.room}${why}`) : this.info(`${n.by} removed ${n.user} from ${n.room}${why}`);
      }
      case 'role':
        return this.info(`${n.by} made ${n.me ? 'you' : n.user} ${n.role === 'member' ? 'a plain member' : n.role === 'voiced' ? 'voiced' : 'an operator'} in ${n.room}`);
      case 'settings':
        return this.info(`${n.by} changed the settings of ${n.room}${n.moderated ? ' (moderated)' : ''}${n.inviteOnly ? ' (invite-only)' : ''}${n.keyed ? ' (with a key)' : ''}: /set shows them`);
      case 'invite':
        return this.info(`${n.by} invited you to ${n.room}: /join ${n.room}`);
      case 'mute': {
        const who = n.me ? 'you' : n.user;
        const why = n.reason === '' ? '' : `: ${n.reason}`;
        return n.seconds === 0 ? this.info(`${n.by} lifted the mute of ${who} in ${n.room}`) : (n.me ? this.error : this.info).call(this, `${n.by} muted ${who} in ${n.room} for ${n.seconds} s${why}`);
      }
      case 'consent-ask':
        return this.info(`${n.user} asks to send you direct messages: /accept ${n.user} or /refuse ${n.user}`);
      case 'consent-answer':
        return this.info(n.accept ? `${n.user} accepted your direct messages` : `${n.user} refused your direct messages`);
    }
  }
}
