// NICK after registration (docs/irc.md §6.11): a guest takes another nickname; an account's name
// is its account and stays.
import { isChatError } from '../../core/errors.js';
import { isUserName } from '../../vocabulary/names.js';
import type { IrcClient } from './context.js';
import { ERR } from './numerics.js';

/**
 * Renames the client's guest to `nick`. The NICK line itself (to the client and to everyone
 * sharing a channel with it) is the core's rename event, shown by each connection.
 */
export async function changeNick(c: IrcClient, nick: string): Promise<void> {
  const session = c.session;
  if (!session || nick === c.nick) return;
  if (!session.guest) return c.numeric(ERR.NICKLOCKED, nick, 'An account keeps its name: log in as another account to use another');
  if (!isUserName(nick)) return c.numeric(ERR.ERRONEUSNICKNAME, nick, 'Erroneous nickname');
  const oldKey = session.key;
  const oldName = session.name;
  try {
    if ((await c.gw.node.renameGuest(session, nick)) === undefined) return;
  } catch (err) {
    if (!isChatError(err)) throw err;
    if (err.errorName === 'NAME_IN_USE' || err.errorName === 'NAME_TAKEN') {
      return c.numeric(ERR.NICKNAMEINUSE, nick, err.message.includes('registered') ? 'Nickname is registered' : 'Nickname is already in use');
    }
    if (err.errorName === 'INVALID_NAME') return c.numeric(ERR.ERRONEUSNICKNAME, nick, 'Erroneous nickname');
    if (err.errorName === 'MUTED') return c.numeric(ERR.BANONCHAN, nick, `Cannot change nickname while muted: ${err.message}`);
    throw err;
  }
  // What this gateway keeps by the guest's key follows it; WHOWAS remembers the old name (§6.16).
  const away = c.gw.away.get(oldKey);
  if (away !== undefined && oldKey !== session.key) {
    c.gw.away.delete(oldKey);
    c.gw.away.set(session.key, away);
  }
  c.gw.whowas.record({ name: oldName, username: c.username ?? oldName, realname: c.realname || oldName, at: Date.now() });
}
