// MODE (docs/irc.md §6.10): user mode i; channel modes n and t (fixed: what confab's rooms do),
// and the ban list b through the core's Moderation. Other modes, +o and +v among them, are 472.
import { isChatError } from '../../../core/errors.js';
import { nameKey } from '../../../vocabulary/name-keys.js';
import { formatMessage } from '../codec.js';
import type { Command, IrcClient } from '../context.js';
import { chatFault } from '../faults.js';
import { ERR, RPL } from '../numerics.js';
import { userSource } from '../render.js';
import { mine } from './channels.js';

/** A ban mask confab can keep: a name, or `name!*@*` (confab bans names, §6.10). */
function bannedName(mask: string): string | undefined {
  const m = /^([^!@*?]+)(?:!\*(?:@\*)?)?$/.exec(mask);
  return m?.[1];
}

async function channelMode(c: IrcClient, room: string, changes: string, args: string[]): Promise<void> {
  const s = mine(c);
  const node = c.gw.node;
  if (changes === '') {
    if (!s.rooms.has(nameKey(room))) return c.numeric(ERR.NOTONCHANNEL, room, "You're not on that channel");
    return c.numeric(RPL.CHANNELMODEIS, room, '+nt');
  }
  let sign = '+';
  for (const ch of changes) {
    if (ch === '+' || ch === '-') {
      sign = ch;
      continue;
    }
    if (ch !== 'b') {
      c.numeric(ERR.UNKNOWNMODE, ch, ch === 'o' || ch === 'v' ? 'is not supported by confab yet' : 'is unknown mode char to me');
      continue;
    }
    const mask = args.shift();
    try {
      if (mask === undefined) {
        for (const b of await node.bans(s, room)) c.numeric(RPL.BANLIST, room, `${b.target}!*@*`, b.by, String(Math.floor(b.at / 1000)));
        c.numeric(RPL.ENDOFBANLIST, room, 'End of channel ban list');
        continue;
      }
      const name = bannedName(mask);
      if (name === undefined) {
        c.numeric(ERR.INVALIDMODEPARAM, room, 'b', mask, 'confab bans names: give nick or nick!*@*');
        continue;
      }
      if (sign === '+') await node.ban(s, room, name, '');
      else await node.unban(s, room, name);
      c.send(formatMessage({ source: userSource(s.name), command: 'MODE', params: [room, `${sign}b`, `${name}!*@*`] }));
    } catch (err) {
      if (!isChatError(err)) throw err;
      if (err.errorName === 'NO_SUCH_USER') c.numeric(ERR.NOSUCHNICK, mask ?? '*', 'No such nick/channel');
      else chatFault(c, 'MODE', err, room);
    }
  }
}

function userMode(c: IrcClient, nick: string, changes: string): void {
  if (nameKey(nick) !== nameKey(c.nick)) return c.numeric(ERR.USERSDONTMATCH, "Can't change mode for other users");
  if (changes === '') return c.numeric(RPL.UMODEIS, `+${[...c.modes].join('')}`);
  let sign = '+';
  let applied = '';
  for (const ch of changes) {
    if (ch === '+' || ch === '-') {
      sign = ch;
      continue;
    }
    if (ch !== 'i') {
      c.numeric(ERR.UMODEUNKNOWNFLAG, 'Unknown MODE flag');
      continue;
    }
    if (sign === '+' && !c.modes.has(ch)) c.modes.add(ch);
    else if (sign === '-' && c.modes.has(ch)) c.modes.delete(ch);
    else continue;
    applied += `${sign}${ch}`;
  }
  if (applied !== '') c.send(formatMessage({ source: userSource(c.nick), command: 'MODE', params: [c.nick, applied] }));
}

export const mode: Record<string, Command> = {
  // MODE <target> [<modestring> [<mode arguments>...]]
  MODE: {
    minParams: 1,
    preReg: false,
    async run(c, m) {
      const [target, changes = '', ...args] = m.params;
      if (target.startsWith('#')) return channelMode(c, target, changes, args);
      userMode(c, target, changes);
    },
  },
};
