import { isChatError } from '../../core/errors.js';
import type { ChatEvent, PublicRoomSettings, SessionSink } from '../../core/events.js';
import type { Session } from '../../core/session.js';
import type { TagNote } from '../../core/types.js';
import { ErrorCode } from '../../vocabulary/errors.js';
import { nameKey } from '../../vocabulary/name-keys.js';
import type { CloseReason, Connection } from '../../ports/connection.js';
import { connectionGone } from '../session-end.js';
import { formatMessage, isMiddle, LineReader, parseLine, type IrcMessage } from './codec.js';
import { commands } from './commands.js';
import type { IrcClient, IrcContext, IrcPhase } from './context.js';
import { chatFault } from './faults.js';
import { labeledReplies, splitLines, usableLabel } from './labels.js';
import { ERR } from './numerics.js';
import { messageTags, oneLine, sharedMessageBytes, sharedMessageLines, tagNoteLine, userSource } from './render.js';

let labelBatches = 0;

/** Events held at most while a JOIN is answered; past it the client is cut off as too slow. */
const HELD_MAX = 1000;

/**
 * One IRC client (docs/irc.md §4): reads lines, runs them one at a time in arrival order at the
 * pace fakelag allows, and is its session's sink once registered.
 */
export class IrcConnection implements SessionSink, IrcClient {
  phase: IrcPhase = 'register';
  nick = '*';
  username: string | undefined;
  realname = '';
  password: string | undefined;
  readonly caps = new Set<string>();
  negotiating = false;
  capVersion = 0;
  saslSession: Session | undefined;
  sasl: IrcClient['sasl'];
  session: Session | undefined;
  readonly modes = new Set<string>();
  readonly openedAt = Date.now();
  /** When the client last sent anything, and whether a PING of ours waits for it. */
  private heardAt = Date.now();
  private pinged = false;
  private readonly reader = new LineReader();
  /** Lines read and not yet run. */
  private readonly backlog: IrcMessage[] = [];
  /** Lines of the backlog that were not UTF-8: refused in turn, with their labels (§3.3). */
  private readonly notUtf8 = new WeakSet<IrcMessage>();
  private running = false;
  /** Fakelag: lines the client may still send at once, and when that was last reckoned. */
  private tokens: number;
  private reckoned = Date.now();
  private timer: NodeJS.Timeout | undefined;
  /** Own joins and parts being answered by their commands, as `join <key>` or `leave <key>`. */
  private readonly own = new Set<string>();
  /** Events held while a JOIN or the welcome is answered (see hold). */
  private held: ChatEvent[] | undefined;
  /**
   * While a labeled command runs (docs/irc.md §5.2): its replies, sent labeled once it has run,
   * and the lines of events shown meanwhile, sent after them; with the bytes of both.
   */
  private labeled: { label: string; replies: string[]; events: string[]; bytes: number } | undefined;
  /** An event is being shown: its lines are no command's reply. */
  private showing = false;
  /** The session's end has been dealt with (ended). */
  private isEnded = false;

  constructor(readonly conn: Connection, readonly gw: IrcContext, private readonly onGone: (c: IrcConnection) => void) {
    this.tokens = gw.options.floodBurst;
    conn.onData((bytes) => this.onData(bytes));
    conn.onClose((reason) => this.onClosed(reason));
  }

  get closed(): boolean {
    return this.phase === 'closed';
  }

  // ---- output ----

  send(line: string): void {
    if (this.phase === 'closed' || line === '') return;
    if (this.labeled) return this.collect(this.labeled, line);
    this.sendBytes(Buffer.from(line, 'utf8'));
  }

  /** Bytes to send as they are: they may be shared with other connections (Connection.send). */
  private sendBytes(bytes: Buffer): void {
    if (this.phase === 'closed' || bytes.length === 0) return;
    // A client that does not read is cut off before it holds more than its SendQ (§8.2).
    if (this.conn.bufferedBytes + bytes.length > this.gw.options.sendQBytes) {
      this.phase = 'closed';
      this.conn.destroy({ code: ErrorCode.SLOW_CONSUMER, text: 'SendQ exceeded' });
      return;
    }
    this.conn.send(bytes);
  }

  sendEvent(line: string): void {
    const was = this.showing;
    this.showing = true;
    try {
      this.send(line);
    } finally {
      this.showing = was;
    }
  }

  /** A labeled command's line kept until it has run; bounded by the SendQ as sent lines are (§8.2). */
  private collect(labeled: NonNullable<IrcConnection['labeled']>, line: string): void {
    labeled.bytes += Buffer.byteLength(line, 'utf8');
    if (this.conn.bufferedBytes + labeled.bytes > this.gw.options.sendQBytes) {
      this.phase = 'closed';
      this.labeled = undefined;
      this.conn.destroy({ code: ErrorCode.SLOW_CONSUMER, text: 'SendQ exceeded' });
      return;
    }
    (this.showing ? labeled.events : labeled.replies).push(...splitLines(line));
  }

  /** Sends a labeled command's replies with its label, then the events shown while it ran. */
  private endLabel(): void {
    const labeled = this.labeled;
    if (!labeled) return;
    this.labeled = undefined;
    const batch = this.caps.has('batch') ? `l${++labelBatches}` : undefined;
    this.send(labeledReplies(labeled.replies, labeled.label, this.gw.options.serverName, batch));
    if (labeled.events.length > 0) this.send(labeled.events.map((l) => `${l}\r\n`).join(''));
  }

  numeric(code: string, ...params: string[]): void {
    // A name echoed back may be what the client sent as a trailing parameter (`PRIVMSG :a b :hi`):
    // every parameter but the last is made a middle one.
    const all = [this.nick, ...params].map((p, i, a) => (i === a.length - 1 || isMiddle(p) ? p : asMiddle(p)));
    this.send(formatMessage({ source: this.gw.options.serverName, command: code, params: all }));
  }

  fail(text: string, reason: CloseReason): void {
    if (this.phase === 'closed') return;
    // A labeled command's replies so far go first; the ERROR is no reply to it (§5.2).
    if (this.labeled?.replies.length) this.endLabel();
    this.labeled = undefined;
    this.send(formatMessage({ command: 'ERROR', params: [`Closing Link: ${this.conn.remoteAddress} (${text})`] }));
    this.phase = 'closed';
    this.backlog.length = 0;
    this.conn.close(reason);
    // The user is gone now, as on every IRC server: its nick is free at once, though the socket
    // may wait for the peer to hang up (§4.6). Others are told what ended it (a QUIT's words, a
    // ping timeout).
    if (this.session) this.session.quitReason ??= text;
    this.ended(reason);
  }

  registered(session: Session): void {
    this.session = session;
    this.nick = session.name;
    this.phase = 'welcoming';
    this.hold();
  }

  expectOwn(event: 'join' | 'leave', roomKey: string): void {
    this.own.add(`${event} ${roomKey}`);
  }

  hold(): void {
    this.held ??= [];
  }

  release(played: ReadonlySet<number>): void {
    const events = this.held ?? [];
    this.held = undefined;
    if (this.phase === 'welcoming') this.phase = 'chat';
    for (const e of events) if (e.kind !== 'message' || !played.has(e.message.id)) this.notify(e);
  }

  // ---- SessionSink ----

  notify(event: ChatEvent): void {
    if (this.phase === 'closed' || !this.session) return;
    if (this.held) {
      if (this.held.length >= HELD_MAX) this.conn.destroy({ code: ErrorCode.SLOW_CONSUMER, text: 'SendQ exceeded' });
      else this.held.push(event);
      return;
    }
    // A sink must not throw into the core's delivery: a fault here is reported, and the event lost to this client only.
    this.showing = true;
    try {
      this.show(event);
    } catch (err) {
      this.gw.observer.internalError?.(err);
    } finally {
      this.showing = false;
    }
  }

  private show(event: ChatEvent): void {
    switch (event.kind) {
      case 'message': return this.message(event.message);
      case 'tags': return this.tagNote(event.note);
      case 'presence': return this.presence(event);
      case 'topic':
        return this.send(formatMessage({ tags: messageTags(this.caps, Date.now()), source: userSource(event.by), command: 'TOPIC', params: [event.room, oneLine(event.topic)] }));
      case 'kick':
        return this.send(formatMessage({ tags: messageTags(this.caps, Date.now()), source: userSource(event.by), command: 'KICK', params: [event.room, event.user, event.reason === '' ? event.by : oneLine(event.reason)] }));
      case 'role': {
        if (event.was !== undefined) {
          // What changed: +o, -o+v, -v and the like (§6.10); nothing when nothing did.
          const modes = roleChange(event.was, event.role);
          if (modes === '') return;
          const params = modes.replace(/[+-]/g, '').split('').map(() => event.user);
          return this.send(formatMessage({ tags: messageTags(this.caps, Date.now()), source: userSource(event.by), command: 'MODE', params: [event.room, modes, ...params] }));
        }
        // Roles are exclusive in confab: the line takes away whichever prefix mode the user had.
        const [modes, params] = event.role === 'operator' ? ['+o', [event.user]] : event.role === 'voiced' ? ['-o+v', [event.user, event.user]] : ['-ov', [event.user, event.user]];
        return this.send(formatMessage({ tags: messageTags(this.caps, Date.now()), source: userSource(event.by), command: 'MODE', params: [event.room, modes, ...params] }));
      }
      case 'settings': {
        const modes = event.before ? settingsChange(event.before, event.settings) : settingsModes(event.settings);
        // A change that changes nothing is not told (as a MODE of a mode already set).
        if (modes[0] === '') return;
        return this.send(formatMessage({ tags: messageTags(this.caps, Date.now()), source: userSource(event.by), command: 'MODE', params: [event.room, ...modes] }));
      }
      case 'invite':
        return this.send(formatMessage({ tags: messageTags(this.caps, Date.now()), source: userSource(event.by), command: 'INVITE', params: [this.nick, event.room] }));
      case 'invited':
        // invite-notify: the channel's members see who was invited, the invited user its own INVITE.
        if (!this.caps.has('invite-notify') || nameKey(event.user) === nameKey(this.nick)) return;
        return this.send(formatMessage({ tags: messageTags(this.caps, Date.now()), source: userSource(event.by), command: 'INVITE', params: [event.user, event.room] }));
      case 'mute': {
        const what = event.seconds === 0 ? `${event.user} may speak again` : `${event.user} is muted for ${event.seconds} s${event.reason === '' ? '' : `: ${oneLine(event.reason)}`}`;
        return this.send(formatMessage({ tags: messageTags(this.caps, Date.now()), source: this.gw.options.serverName, command: 'NOTICE', params: [event.room, `${what} (by ${event.by})`] }));
      }
      case 'nick': return this.renamed(event);
      case 'consent-ask':
        return this.serverNotice(`${event.from} asks to send you direct messages: answer from another confab client`);
      case 'consent':
        return this.serverNotice(`${event.from} ${event.accept ? 'accepted' : 'refused'} your request to send direct messages`);
      default:
        // Room creations and typing notices have no IRC form here (docs/irc.md §11).
        return;
    }
  }

  terminate(code: number, text: string): void {
    this.fail(text, { code, text });
  }

  private serverNotice(text: string): void {
    this.send(formatMessage({ source: this.gw.options.serverName, command: 'NOTICE', params: [this.nick, text] }));
  }

  private message(m: ChatMessage): void {
    const s = this.session;
    if (!s) return;
    const mine = m.fromKey === s.key;
    const keys = targetKeys(m);
    const shown: string[] = [];
    for (let i = 0; i < m.to.length; i++) {
      const target = m.to[i];
      if (target.startsWith('#')) {
        if (s.rooms.has(keys[i])) shown.push(target);
      } else if (mine) {
        // Sent by another session of this user: shown as sent by it (docs/irc.md §7.3).
        shown.push(target);
      }
    }
    if (!mine && m.users.includes(s.key)) shown.push(s.name);
    if (this.labeled) return this.send(shown.map((t) => sharedMessageLines(m, t, this.caps)).join(''));
    // The usual case, one channel, leaves as the very bytes every other member with the same tag
    // capabilities gets: encoded once per message, not per receiver.
    if (shown.length === 1) return this.sendBytes(sharedMessageBytes(m, shown[0], this.caps));
    if (shown.length > 1) this.sendBytes(Buffer.concat(shown.map((t) => sharedMessageBytes(m, t, this.caps))));
  }

  /** TAGMSG, to clients with message-tags only (docs/irc.md §5.3); targets as for a message. */
  private tagNote(note: TagNote): void {
    const s = this.session;
    if (!s || !this.caps.has('message-tags')) return;
    if (note.room && !s.rooms.has(nameKey(note.to))) return;
    // A DM: to the recipient as to its nick; to the sender's other sessions as sent.
    const target = note.room || note.fromKey === s.key ? note.to : s.name;
    this.send(tagNoteLine(note, userSource(note.from), target, this.caps));
  }

  /** A guest took another nickname (docs/irc.md §6.11): one NICK line, from its old mask. */
  private renamed(e: Extract<ChatEvent, { kind: 'nick' }>): void {
    const line = formatMessage({ tags: messageTags(this.caps, Date.now()), source: userSource(e.user), command: 'NICK', params: [e.name] });
    if (nameKey(e.user) !== nameKey(this.nick) || this.session?.name !== e.name) return this.send(line);
    // The client's own: always the answer to its own NICK, so a reply to it (labeled with it).
    this.nick = e.name;
    const was = this.showing;
    this.showing = false;
    try {
      this.send(line);
    } finally {
      this.showing = was;
    }
  }

  private presence(e: Extract<ChatEvent, { kind: 'presence' }>): void {
    const tags = messageTags(this.caps, Date.now());
    const source = userSource(e.user);
    const self = nameKey(e.user) === nameKey(this.nick);
    // Its own joins and parts are answered by the commands themselves (commands/channels.ts).
    if (self && (e.event === 'join' || e.event === 'leave') && this.own.delete(`${e.event} ${nameKey(e.room)}`)) return;
    if (e.event === 'join') {
      // An IRC user of this gateway is known here: its account and real name (extended-join), its away message.
      const joiner = this.caps.has('extended-join') || this.caps.has('away-notify') ? this.joiner(e) : undefined;
      const params = this.caps.has('extended-join') ? [e.room, joiner?.account ?? '*', joiner?.realname || e.user] : [e.room];
      this.send(formatMessage({ tags, source, command: 'JOIN', params }));
      // away-notify: a user who joins while away is told away right after its JOIN (docs/irc.md §6.9).
      const away = this.caps.has('away-notify') && !self ? joiner?.away : undefined;
      if (away !== undefined) this.send(formatMessage({ tags, source, command: 'AWAY', params: [away] }));
    } else if (e.event === 'leave') {
      // A guest's leaves as it quits were told by its QUIT (below).
      if (e.quit) return;
      this.send(formatMessage({ tags, source, command: 'PART', params: e.reason ? [e.room, oneLine(e.reason)] : [e.room] }));
    } else if (e.event === 'quit' && e.leaves && !self) {
      // A guest quit: its memberships end, which IRC says with one QUIT (docs/irc.md §6.2).
      this.send(formatMessage({ tags, source, command: 'QUIT', params: [oneLine(e.reason ?? 'Client Quit')] }));
    } else if (this.caps.has('away-notify') && !self) {
      // A member that goes offline stays a member (an account) or leaves next (a guest): §7.2.
      this.send(formatMessage({ tags, source, command: 'AWAY', params: e.event === 'quit' ? ['offline'] : [] }));
    }
  }

  /**
   * The IRC user of this gateway who joined, if it is one: its account ('*' for a guest), real name
   * and away message (§6.9). Looked up once per event, whatever the number of members told.
   */
  private joiner(e: object & { user: string }): IrcUserInfo | undefined {
    let found = joiners.get(e);
    if (found === undefined) {
      found = null;
      for (const other of this.gw.clients()) {
        const o = other.session;
        if (o && nameKey(o.name) === nameKey(e.user)) found = { account: o.guest ? '*' : o.name, realname: other.realname, away: this.gw.away.get(o.key) };
      }
      joiners.set(e, found);
    }
    return found ?? undefined;
  }

  // ---- timers (the gateway's sweep) ----

  checkTimers(now: number): void {
    const o = this.gw.options;
    if (this.phase === 'register' && now - this.openedAt >= o.registrationTimeoutMs) {
      return this.fail('Registration timeout', { code: ErrorCode.LOGIN_TIMEOUT, text: 'no registration in time' });
    }
    if (this.phase !== 'chat') return;
    const silent = now - this.heardAt;
    if (silent >= o.pingTimeoutMs) return this.fail(`Ping timeout: ${Math.round(silent / 1000)} seconds`, { code: ErrorCode.KEEPALIVE_TIMEOUT, text: 'Ping timeout' });
    if (silent >= o.pingMs && !this.pinged) {
      this.pinged = true;
      this.showing = true;
      this.send(formatMessage({ command: 'PING', params: [o.serverName] }));
      this.showing = false;
    }
  }

  // ---- input ----

  private onData(bytes: Uint8Array): void {
    if (this.phase === 'closed') return;
    this.heardAt = Date.now();
    this.pinged = false;
    for (const item of this.reader.push(bytes)) {
      if (item.kind === 'refused') {
        // docs/irc.md §3.2: a NUL ends the connection; an over-long line is answered 417.
        if (item.why === 'nul') return this.fail('NUL byte in line', { code: ErrorCode.PROTOCOL_ERROR, text: 'NUL byte in line' });
        this.numeric(ERR.INPUTTOOLONG, 'Input line was too long');
        continue;
      }
      const parsed = parseLine(item.text);
      if (!parsed.ok) {
        if (parsed.fault === 'too-long' || parsed.fault === 'tags-too-long') this.numeric(ERR.INPUTTOOLONG, 'Input line was too long');
        continue;
      }
      if (this.backlog.length >= this.gw.options.floodBacklog) {
        return this.fail('Excess Flood', { code: ErrorCode.RATE_LIMITED, text: 'Excess Flood' });
      }
      if (item.invalidUtf8) this.notUtf8.add(parsed.message);
      this.backlog.push(parsed.message);
    }
    this.pump();
  }

  /** Runs the waiting lines, one at a time, as fast as the fakelag allows (§8.1). */
  private pump(): void {
    if (this.running || this.timer || this.phase === 'closed') return;
    const next = this.backlog[0];
    if (!next) return;
    const o = this.gw.options;
    const now = Date.now();
    this.tokens = Math.min(o.floodBurst, this.tokens + ((now - this.reckoned) / 1000) * o.floodPerSecond);
    this.reckoned = now;
    if (this.tokens < 1) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, Math.ceil(((1 - this.tokens) / o.floodPerSecond) * 1000));
      return;
    }
    this.tokens -= 1;
    this.backlog.shift();
    this.running = true;
    void this.dispatch(next).finally(() => {
      this.running = false;
      this.pump();
    });
  }

  private async dispatch(m: IrcMessage): Promise<void> {
    // labeled-response: every command's replies, whatever the command (docs/irc.md §5.2).
    const label = m.tags.get('label');
    if (this.caps.has('labeled-response') && usableLabel(label)) this.labeled = { label, replies: [], events: [], bytes: 0 };
    try {
      await this.run(m);
    } finally {
      this.endLabel();
      // A command that failed half way (or the welcome) must not leave events held.
      if (this.held && this.phase !== 'register') this.release(new Set());
      this.own.clear();
    }
  }

  private async run(m: IrcMessage): Promise<void> {
    // UTF8ONLY: a line that is not UTF-8 is not run, so nothing of it reaches anyone (§3.3).
    if (this.notUtf8.has(m)) {
      return this.send(formatMessage({ source: this.gw.options.serverName, command: 'FAIL', params: [m.command.slice(0, 32), 'INVALID_UTF8', 'Message rejected: this server takes UTF-8 only'] }));
    }
    const entry = Object.hasOwn(commands, m.command) ? commands[m.command] : undefined;
    if (!entry) {
      if (this.phase === 'register') return this.numeric(ERR.NOTREGISTERED, 'You have not registered');
      return this.numeric(ERR.UNKNOWNCOMMAND, m.command.slice(0, 32), 'Unknown command');
    }
    if (!entry.preReg && this.phase === 'register') return this.numeric(ERR.NOTREGISTERED, 'You have not registered');
    if (m.params.length < entry.minParams) return this.numeric(ERR.NEEDMOREPARAMS, m.command, 'Not enough parameters');
    try {
      await entry.run(this, m);
    } catch (err) {
      if (isChatError(err)) return chatFault(this, m.command, err);
      this.gw.observer.internalError?.(err);
      this.send(formatMessage({ source: this.gw.options.serverName, command: 'FAIL', params: [m.command, 'INTERNAL', 'Internal error'] }));
    }
  }

  private onClosed(reason: CloseReason): void {
    this.phase = 'closed';
    this.backlog.length = 0;
    this.ended(reason);
  }

  /** The end of the client's session, once: when the server ends it or the socket closes. */
  private ended(reason: CloseReason): void {
    if (this.isEnded) return;
    this.isEnded = true;
    if (this.timer) clearTimeout(this.timer);
    this.held = undefined;
    const session = this.session ?? this.saslSession;
    // WHOWAS remembers clients that registered (§6.16).
    if (this.session) this.gw.whowas.record({ name: this.session.name, username: this.username ?? this.session.name, realname: this.realname || this.session.name, at: Date.now() });
    this.session = undefined;
    this.saslSession = undefined;
    if (session) this.gw.away.delete(session.key);
    this.onGone(this);
    connectionGone(this.gw.node, this.gw.observer, reason, session);
  }
}

/** The room keys of the message being fanned out (one per target, '' for a user), made once for its receivers. */
let keysOf: ChatMessage | undefined;
let keysOfTargets: string[] = [];
function targetKeys(m: ChatMessage): readonly string[] {
  if (keysOf !== m) {
    keysOf = m;
    keysOfTargets = m.to.map((t) => (t.startsWith('#') ? nameKey(t) : ''));
  }
  return keysOfTargets;
}

/** A parameter as a middle one: not empty, no space, no ':' first. */
function asMiddle(p: string): string {
  return p === '' ? '*' : p.replace(/[ \r\n\0]/g, '_').replace(/^:/, '_');
}

type ChatMessage = Extract<ChatEvent, { kind: 'message' }>['message'];

/** What is known of an IRC user of this gateway who joins a channel (extended-join, away-notify). */
interface IrcUserInfo { account: string; realname: string; away: string | undefined }
/** By join event: the joiner, looked up once for all the members told of it (null: not an IRC user here). */
const joiners = new WeakMap<object, IrcUserInfo | null>();

/** A change of role as channel modes: the prefix taken away, then the one given (`-o+v`); '' for none. */
export function roleChange(was: MemberRole, role: MemberRole): string {
  if (was === role) return '';
  const letter = (r: MemberRole): string => (r === 'operator' ? 'o' : r === 'voiced' ? 'v' : '');
  const off = letter(was);
  const on = letter(role);
  return (off === '' ? '' : `-${off}`) + (on === '' ? '' : `+${on}`);
}

type MemberRole = 'member' | 'voiced' | 'operator';

/** Letters of the channel modes that are room settings, in the order lines give them (`k` and `l` take parameters). */
type SettingMode = [letter: string, set: boolean, param?: string];

function settingModes(v: PublicRoomSettings): SettingMode[] {
  return [
    ['i', v.inviteOnly], ['m', v.moderated], ['n', v.membersOnly], ['s', v.secret], ['t', v.topicLocked],
    ['k', v.keyed, '*'], ['l', v.limit > 0, v.limit > 0 ? String(v.limit) : undefined],
  ];
}

/**
 * What a change of a room's settings changed, as a MODE line says it (docs/irc.md §6.10): the
 * flags set, then those cleared; `+k *` / `-k *` (a SETTINGS event never carries the key); `+l n`
 * for a new limit, `-l` when there is none any more. Empty when nothing changed.
 */
export function settingsChange(before: PublicRoomSettings, after: PublicRoomSettings): string[] {
  const was = settingModes(before);
  const changed = settingModes(after).filter(([ch, set, param], i) => set !== was[i][1] || (ch === 'l' && set && param !== was[i][2]));
  const on = changed.filter(([, set]) => set);
  const off = changed.filter(([, set]) => !set);
  const text = (list: SettingMode[], sign: string): string => (list.length === 0 ? '' : sign + list.map(([ch]) => ch).join(''));
  const params = [...on.flatMap(([, , p]) => (p === undefined ? [] : [p])), ...off.flatMap(([ch]) => (ch === 'k' ? ['*'] : []))];
  return [text(on, '+') + text(off, '-'), ...params];
}

/**
 * A room's settings as one MODE change that states them all (docs/irc.md §6.10): each flag set or
 * cleared, the key as `*` (a SETTINGS event never carries the key; `k` takes a parameter both
 * ways, CHANMODES type B), the limit when set.
 */
export function settingsModes(v: PublicRoomSettings): string[] {
  const modes: [string, boolean, string?][] = [
    ['i', v.inviteOnly], ['m', v.moderated], ['n', v.membersOnly], ['s', v.secret], ['t', v.topicLocked],
    ['k', v.keyed, '*'], ['l', v.limit > 0, v.limit > 0 ? String(v.limit) : undefined],
  ];
  const on = modes.filter(([, set]) => set);
  const off = modes.filter(([, set]) => !set);
  const text = (list: typeof modes, sign: string): string => (list.length === 0 ? '' : sign + list.map(([ch]) => ch).join(''));
  const params = [...on, ...off].flatMap(([, , p]) => (p === undefined ? [] : [p]));
  return [text(on, '+') + text(off, '-'), ...params];
}
