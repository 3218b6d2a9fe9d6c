// Queries and user state (docs/irc.md §6.9-6.12): WHOIS, ISON, USERHOST, AWAY, VERSION,
// TIME, MOTD, LUSERS, OPER.
import { isChatError } from '../../../core/errors.js';
import { formatMessage } from '../codec.js';
import { chatFault } from '../faults.js';
import type { Command, IrcClient } from '../context.js';
import { AWAYLEN } from '../isupport.js';
import { ERR, RPL } from '../numerics.js';
import { USER_HOST, userSource } from '../render.js';
import { lusers, motd, VERSION } from '../welcome.js';
import { cut, list, mine } from './channels.js';
import { identityOf } from '../identity.js';

/** A user as WHO and WHOIS see it, or undefined when there is none of that name. */
async function lookUp(c: IrcClient, name: string): Promise<{ key: string; name: string; online: boolean } | undefined> {
  try {
    const who = await c.gw.node.resolveUser(name);
    return { ...who, online: await c.gw.node.isOnline(who.key) };
  } catch {
    return undefined;
  }
}

function awayOf(c: IrcClient, key: string, online: boolean): string | undefined {
  return c.gw.away.get(key) ?? (online ? undefined : 'offline');
}

export const queries: Record<string, Command> = {
  // WHOIS [<server>] <nick>
  WHOIS: {
    minParams: 1,
    preReg: false,
    async run(c, m) {
      const nick = list(m.params[m.params.length - 1])[0] ?? '';
      const who = await lookUp(c, nick);
      if (!who) {
        c.numeric(ERR.NOSUCHNICK, nick, 'No such nick/channel');
        return c.numeric(RPL.ENDOFWHOIS, nick, 'End of /WHOIS list');
      }
      const id = identityOf(c.gw, who.key, who.name);
      c.numeric(RPL.WHOISUSER, who.name, id.username, USER_HOST, '*', id.realname);
      c.numeric(RPL.WHOISSERVER, who.name, c.gw.options.serverName, 'confab');
      if (id.oper) c.numeric(RPL.WHOISOPERATOR, who.name, 'is an IRC operator');
      if (id.bot) c.numeric(RPL.WHOISBOT, who.name, 'is a bot');
      const away = awayOf(c, who.key, who.online);
      if (away !== undefined) c.numeric(RPL.AWAY, who.name, away);
      if (!who.key.startsWith('~')) c.numeric(RPL.WHOISACCOUNT, who.name, who.name, 'is logged in as');
      c.numeric(RPL.ENDOFWHOIS, who.name, 'End of /WHOIS list');
    },
  },

  // ISON <nick>{ <nick>}: those online.
  ISON: {
    minParams: 1,
    preReg: false,
    async run(c, m) {
      const on: string[] = [];
      for (const n of m.params.flatMap((p) => p.split(' ')).filter((x) => x !== '').slice(0, 32)) {
        const who = await lookUp(c, n);
        if (who?.online) on.push(who.name);
      }
      c.numeric(RPL.ISON, on.join(' '));
    },
  },

  // USERHOST <nick>{ <nick>} (at most 5)
  USERHOST: {
    minParams: 1,
    preReg: false,
    async run(c, m) {
      const out: string[] = [];
      for (const n of m.params.slice(0, 5)) {
        const who = await lookUp(c, n);
        if (who) out.push(`${who.name}=${awayOf(c, who.key, who.online) === undefined ? '+' : '-'}${who.name}@${USER_HOST}`);
      }
      c.numeric(RPL.USERHOST, out.join(' '));
    },
  },

  // AWAY [:<message>]: away with the message, or back without one.
  // OPER <name> <password>: the name and password of a server admin account, whatever the
  // client's own nick or account; the session acts with the admin's server-wide powers (§6.13).
  OPER: {
    minParams: 2,
    preReg: false,
    async run(c, m) {
      const s = mine(c);
      const [name, password] = m.params;
      try {
        await c.gw.node.operate(s, name, password, c.conn.remoteAddress);
      } catch (err) {
        if (!isChatError(err)) throw err;
        if (err.errorName === 'LOGIN_THROTTLED' || err.errorName === 'LOGIN_BUSY') return chatFault(c, 'OPER', err);
        if (err.errorName === 'NOT_OPERATOR') return c.numeric(ERR.NOOPERHOST, 'No O-lines for your host: this account is no server admin');
        return c.numeric(ERR.PASSWDMISMATCH, 'Password incorrect');
      }
      c.modes.add('o');
      c.numeric(RPL.YOUREOPER, 'You are now an IRC operator');
      c.send(formatMessage({ source: userSource(c.nick), command: 'MODE', params: [c.nick, '+o'] }));
    },
  },

  AWAY: {
    minParams: 0,
    preReg: false,
    run(c, m) {
      const s = mine(c);
      const text = cut(m.params[0] ?? '', AWAYLEN);
      if (text === '') {
        c.gw.away.delete(s.key);
        c.numeric(RPL.UNAWAY, 'You are no longer marked as being away');
      } else {
        c.gw.away.set(s.key, text);
        c.numeric(RPL.NOWAWAY, 'You have been marked as being away');
      }
      // away-notify: the other IRC clients that share a channel with this user hear of it.
      const line = formatMessage({ source: userSource(s.name), command: 'AWAY', params: text === '' ? [] : [text] });
      for (const other of c.gw.clients()) {
        const o = other.session;
        if (other === c || !o || !other.caps.has('away-notify')) continue;
        if ([...s.rooms].some((r) => o.rooms.has(r))) other.send(line);
      }
    },
  },

  VERSION: {
    minParams: 0,
    preReg: false,
    run(c) {
      c.numeric(RPL.VERSION, VERSION, c.gw.options.serverName, 'confab IRC gateway');
    },
  },

  TIME: {
    minParams: 0,
    preReg: false,
    run(c) {
      c.numeric(RPL.TIME, c.gw.options.serverName, new Date().toUTCString());
    },
  },

  MOTD: { minParams: 0, preReg: false, run: (c) => motd(c) },
  LUSERS: { minParams: 0, preReg: false, run: (c) => lusers(c) },
};
