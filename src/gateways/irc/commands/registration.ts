// Registration and connection commands (docs/irc.md §4, §5): PASS, NICK, USER, CAP,
// AUTHENTICATE, PING, PONG, QUIT.
import { isChatError } from '../../../core/errors.js';
import { isUserName } from '../../../vocabulary/names.js';
import { formatMessage } from '../codec.js';
import { IRC_PROTOCOL, type Command, type IrcClient } from '../context.js';
import { KICKLEN } from '../isupport.js';
import { ERR, RPL } from '../numerics.js';
import { shownUsername } from '../identity.js';
import { cut } from './channels.js';
import { userSource } from '../render.js';
import { REALNAME_MAX } from './server.js';
import { tryRegister } from '../welcome.js';
import { changeNick } from '../nick-change.js';

/** Capabilities offered (docs/irc.md §5), with their CAP LS 302 values. */
export const CAPS: ReadonlyMap<string, string> = new Map([
  // account-notify and chghost: offered, and nothing to send: a connection's account and every
  // user's host never change (docs/irc.md §5).
  ['account-notify', ''],
  ['account-tag', ''],
  ['away-notify', ''],
  ['batch', ''],
  ['cap-notify', ''],
  ['chghost', ''],
  ['draft/chathistory', ''],
  ['echo-message', ''],
  ['extended-join', ''],
  ['invite-notify', ''],
  ['labeled-response', ''],
  ['message-tags', ''],
  ['multi-prefix', ''],
  ['sasl', 'PLAIN'],
  ['server-time', ''],
  ['setname', ''],
  ['userhost-in-names', ''],
]);

/** SASL payload bytes at most, base64 (a PLAIN login fits many times over). */
const SASL_MAX = 1600;

function capReply(c: IrcClient, sub: string, ...rest: string[]): void {
  c.send(formatMessage({ source: c.gw.options.serverName, command: 'CAP', params: [c.nick, sub, ...rest] }));
}

export const registration: Record<string, Command> = {
  // PASS <password>: an account's password, used at registration with the NICK as account name.
  PASS: {
    minParams: 1,
    preReg: true,
    run(c, m) {
      if (c.phase !== 'register') return c.numeric(ERR.ALREADYREGISTERED, 'You may not reregister');
      c.password = m.params[0];
    },
  },

  // NICK <nickname>: before registration, the nickname (or account name) to register as; after
  // it, a guest's new nickname (docs/irc.md §6.11).
  NICK: {
    minParams: 0,
    preReg: true,
    async run(c, m) {
      const nick = (m.params[0] ?? '').normalize('NFC');
      if (nick === '') return c.numeric(ERR.NONICKNAMEGIVEN, 'No nickname given');
      if (c.phase !== 'register') return changeNick(c, nick);
      if (!isUserName(nick)) return c.numeric(ERR.ERRONEUSNICKNAME, nick, 'Erroneous nickname');
      c.nick = nick;
      await tryRegister(c);
    },
  },

  // USER <username> <mode> <unused> :<realname>
  USER: {
    minParams: 4,
    preReg: true,
    async run(c, m) {
      if (c.phase !== 'register') return c.numeric(ERR.ALREADYREGISTERED, 'You may not reregister');
      // An empty username or realname is no parameter at all (the modern IRC client protocol).
      if (m.params[0] === '' || m.params[3] === '') return c.numeric(ERR.NEEDMOREPARAMS, 'USER', 'Not enough parameters');
      c.username = shownUsername(m.params[0], c.nick);
      c.realname = [...m.params[3]].slice(0, REALNAME_MAX).join('');
      await tryRegister(c);
    },
  },

  // CAP LS [version] | LIST | REQ :<caps> | END (IRCv3 capability negotiation).
  CAP: {
    minParams: 1,
    preReg: true,
    async run(c, m) {
      const sub = m.params[0].toUpperCase();
      if (sub === 'LS') {
        if (c.phase === 'register') c.negotiating = true;
        c.capVersion = Math.max(c.capVersion, Number.parseInt(m.params[1] ?? '0', 10) || 0);
        if (c.capVersion >= 302) c.caps.add('cap-notify');
        const list = [...CAPS].map(([k, v]) => (c.capVersion >= 302 && v !== '' ? `${k}=${v}` : k));
        return capReply(c, 'LS', list.join(' '));
      }
      if (sub === 'LIST') return capReply(c, 'LIST', [...c.caps].join(' '));
      if (sub === 'REQ') {
        if (c.phase === 'register') c.negotiating = true;
        const asked = (m.params[1] ?? '').split(' ').filter((x) => x !== '');
        const known = asked.every((x) => CAPS.has(x.replace(/^-/, '')) && !(x === '-cap-notify' && c.capVersion >= 302));
        if (!known || asked.length === 0) return capReply(c, 'NAK', m.params[1] ?? '');
        for (const x of asked) {
          if (x.startsWith('-')) c.caps.delete(x.slice(1));
          else c.caps.add(x);
        }
        return capReply(c, 'ACK', asked.join(' '));
      }
      if (sub === 'END') {
        if (c.phase !== 'register') return;
        c.negotiating = false;
        return tryRegister(c);
      }
      c.numeric(ERR.INVALIDCAPCMD, sub, 'Invalid CAP command');
    },
  },

  // AUTHENTICATE <mechanism> | <base64 chunk> | * (IRCv3 SASL 3.1/3.2; PLAIN only).
  AUTHENTICATE: {
    minParams: 1,
    preReg: true,
    async run(c, m) {
      const arg = m.params[0];
      if (c.phase !== 'register' || c.saslSession) return c.numeric(ERR.SASLALREADY, 'You have already authenticated using SASL');
      if (arg === '*') {
        c.sasl = undefined;
        return c.numeric(ERR.SASLABORTED, 'SASL authentication aborted');
      }
      if (!c.sasl) {
        if (arg.toUpperCase() !== 'PLAIN') {
          c.numeric(RPL.SASLMECHS, 'PLAIN', 'are available SASL mechanisms');
          return c.numeric(ERR.SASLFAIL, 'SASL authentication failed');
        }
        c.sasl = { mechanism: 'PLAIN', buffer: '' };
        return c.send(formatMessage({ command: 'AUTHENTICATE', params: ['+'] }));
      }
      if (arg !== '+') c.sasl.buffer += arg;
      if (c.sasl.buffer.length > SASL_MAX) {
        c.sasl = undefined;
        return c.numeric(ERR.SASLTOOLONG, 'SASL message too long');
      }
      // A chunk of 400 bytes means more follow (a '+' ends a payload of a multiple of 400).
      if (arg.length === 400) return;
      const payload = Buffer.from(c.sasl.buffer, 'base64').toString('utf8');
      c.sasl = undefined;
      const [authzid, authcid, password] = payload.split('\0');
      if (authcid === undefined || password === undefined || (authzid !== '' && authzid !== authcid)) {
        return c.numeric(ERR.SASLFAIL, 'SASL authentication failed');
      }
      try {
        const { session } = await c.gw.node.login(authcid, password, c, IRC_PROTOCOL, { address: c.conn.remoteAddress });
        if (c.closed) {
          await c.gw.node.end(session);
          return;
        }
        c.saslSession = session;
        c.numeric(RPL.LOGGEDIN, userSource(session.name), session.name, `You are now logged in as ${session.name}`);
        c.numeric(RPL.SASLSUCCESS, 'SASL authentication successful');
      } catch (err) {
        if (!isChatError(err)) throw err;
        c.numeric(ERR.SASLFAIL, 'SASL authentication failed');
      }
    },
  },

  // PING <token>: answered with PONG <server> <token>.
  PING: {
    minParams: 1,
    preReg: true,
    run(c, m) {
      c.send(formatMessage({ source: c.gw.options.serverName, command: 'PONG', params: [c.gw.options.serverName, m.params[0]] }));
    },
  },

  // PONG <token>: the answer to our PING; any line the client sends shows it is there.
  PONG: { minParams: 0, preReg: true, run() { /* keepalive answer */ } },

  // QUIT [:<reason>]: ERROR, then the end of the connection; the channels' members see
  // `QUIT :Quit: <reason>` (docs/irc.md §6.2).
  QUIT: {
    minParams: 0,
    preReg: true,
    run(c, m) {
      // Cut as a kick's reason is, so the QUIT relayed with a source still fits a line.
      const reason = cut(m.params[0] ?? '', KICKLEN);
      c.fail(reason === '' ? 'Client Quit' : `Quit: ${reason}`, { code: 0, text: 'QUIT' });
    },
  },
};
