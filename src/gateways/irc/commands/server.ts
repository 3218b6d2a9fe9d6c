// Commands about the server and its users (docs/irc.md §6.15-6.18): KILL for server admins,
// WHOWAS, WALLOPS, INFO, ADMIN, and SETNAME (IRCv3 setname).
import { isChatError } from '../../../core/errors.js';
import { formatMessage } from '../codec.js';
import type { Command, IrcClient } from '../context.js';
import { chatFault } from '../faults.js';
import { KICKLEN } from '../isupport.js';
import { ERR, RPL } from '../numerics.js';
import { USER_HOST, userSource } from '../render.js';
import { identityOf } from '../identity.js';
import { VERSION } from '../welcome.js';
import { cut, list, mine } from './channels.js';

/** What INFO says, line by line. */
const INFO_LINES = [
  `confab ${VERSION}: one chat core, many protocols.`,
  'IRC users here chat with the users of the native confab protocol (TLS, WebSocket, QUIC) and',
  'of the CP, ChatOS and ChatApp gateways, in the same rooms and direct messages.',
  'Channels are confab rooms; nicknames are confab accounts or guests.',
];

/** A realname's characters at most, as USER cuts it (docs/irc.md §4.1). */
export const REALNAME_MAX = 100;

/** The most WHOWAS names answered for one command, as ISON's bound (docs/irc.md §10). */
const WHOWAS_NAMES = 5;

async function known(c: IrcClient, name: string): Promise<{ key: string; name: string } | undefined> {
  try {
    return await c.gw.node.resolveUser(name);
  } catch {
    return undefined;
  }
}

export const server: Record<string, Command> = {
  // KILL <nick> [:<reason>]: a server admin ends every session of the user (§6.15).
  KILL: {
    minParams: 1,
    preReg: false,
    async run(c, m) {
      const s = mine(c);
      const nick = m.params[0];
      const reason = cut(m.params[1] ?? '', KICKLEN);
      let who;
      try {
        who = await c.gw.node.resolveUser(nick);
      } catch {
        return c.numeric(ERR.NOSUCHNICK, nick, 'No such nick/channel');
      }
      if (!(await c.gw.node.isOnline(who.key))) return c.numeric(ERR.NOSUCHNICK, who.name, 'No such nick/channel');
      try {
        await c.gw.node.endSessions(s, who.name, reason);
      } catch (err) {
        if (!isChatError(err)) throw err;
        if (err.errorName === 'NOT_OPERATOR') return c.numeric(ERR.NOPRIVILEGES, "Permission Denied- You're not an IRC operator");
        return chatFault(c, 'KILL', err, who.name);
      }
    },
  },

  // WHOWAS <nick>{,<nick>} [<count>]: the nick's departures from this gateway, newest first, up
  // to <count> (all when it is not positive); else, as confab names are accounts or live guests,
  // the account or the guest online now (§6.16). 406 for none; 369 ends each name.
  WHOWAS: {
    minParams: 1,
    preReg: false,
    async run(c, m) {
      const count = Number.parseInt(m.params[1] ?? '0', 10) || 0;
      const server = c.gw.options.serverName;
      for (const nick of list(m.params[0]).slice(0, WHOWAS_NAMES)) {
        const left = c.gw.whowas.lookup(nick, count);
        for (const e of left) {
          c.numeric(RPL.WHOWASUSER, e.name, e.username, USER_HOST, '*', e.realname);
          c.numeric(RPL.WHOISSERVER, e.name, server, new Date(e.at).toUTCString());
        }
        const who = left.length > 0 ? undefined : await known(c, nick);
        if (who) {
          const id = identityOf(c.gw, who.key, who.name);
          c.numeric(RPL.WHOWASUSER, who.name, id.username, USER_HOST, '*', id.realname);
          c.numeric(RPL.WHOISSERVER, who.name, server, 'confab');
        } else if (left.length === 0) {
          c.numeric(ERR.WASNOSUCHNICK, nick, 'There was no such nickname');
        }
        c.numeric(RPL.ENDOFWHOWAS, left[0]?.name ?? who?.name ?? nick, 'End of WHOWAS');
      }
    },
  },

  // WALLOPS :<text>: an operator's message to every client of this gateway with user mode +w,
  // the sender among them whether or not it has +w (§6.19).
  WALLOPS: {
    minParams: 1,
    preReg: false,
    run(c, m) {
      const s = mine(c);
      if (!c.modes.has('o')) return c.numeric(ERR.NOPRIVILEGES, "Permission Denied- You're not an IRC operator");
      const line = formatMessage({ source: userSource(s.name), command: 'WALLOPS', params: [cut(m.params[0], KICKLEN)] });
      for (const other of c.gw.clients()) if (other === c || other.modes.has('w')) other.send(line);
    },
  },

  // INFO: what this server is (§6.17).
  INFO: {
    minParams: 0,
    preReg: false,
    run(c) {
      for (const line of INFO_LINES) c.numeric(RPL.INFO, line);
      c.numeric(RPL.ENDOFINFO, 'End of INFO list');
    },
  },

  // ADMIN: who runs it (§6.17). confab's admins are accounts, found with OPER, not an address.
  ADMIN: {
    minParams: 0,
    preReg: false,
    run(c) {
      const name = c.gw.options.serverName;
      c.numeric(RPL.ADMINME, name, 'Administrative info');
      c.numeric(RPL.ADMINLOC1, 'confab chat server');
      c.numeric(RPL.ADMINLOC2, 'Its admins are confab accounts with server admin rights (OPER)');
      c.numeric(RPL.ADMINEMAIL, 'No address is published');
    },
  },

  // SETNAME :<realname> (IRCv3 setname, §6.18): the connection's realname, told to the clients
  // with the capability that share a channel with the user, the sender among them.
  SETNAME: {
    minParams: 1,
    preReg: false,
    run(c, m) {
      const s = mine(c);
      const name = m.params[0];
      if (name.trim() === '' || [...name].length > REALNAME_MAX) {
        return c.send(formatMessage({ source: c.gw.options.serverName, command: 'FAIL', params: ['SETNAME', 'INVALID_REALNAME', `A realname has 1 to ${REALNAME_MAX} characters`] }));
      }
      c.realname = name;
      const line = formatMessage({ source: userSource(s.name), command: 'SETNAME', params: [name] });
      for (const other of c.gw.clients()) {
        const o = other.session;
        if (!o || !other.caps.has('setname')) continue;
        if (other === c || [...s.rooms].some((r) => o.rooms.has(r))) other.send(line);
      }
    },
  },
};
