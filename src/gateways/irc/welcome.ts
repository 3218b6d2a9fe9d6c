// Completing registration (docs/irc.md §4.3): the session is opened (the SASL one, an account by
// PASS, or a guest), then 001-005, LUSERS, the MOTD, and the channels the user is already in.
import { isChatError, type ChatError } from '../../core/errors.js';
import type { Session } from '../../core/session.js';
import { ErrorCode } from '../../vocabulary/errors.js';
import { IRC_PROTOCOL, type IrcClient } from './context.js';
import { sendJoined } from './channel-state.js';
import { isupportLines } from './isupport.js';
import { ERR, RPL } from './numerics.js';
import { userSource } from './render.js';

export const VERSION = 'confab-irc-1';

/** Registers when NICK and USER are in and capability negotiation is over. */
export async function tryRegister(c: IrcClient): Promise<void> {
  if (c.phase !== 'register' || c.nick === '*' || c.username === undefined || c.negotiating) return;
  const node = c.gw.node;
  const opts = { address: c.conn.remoteAddress };
  let session: Session;
  try {
    if (c.saslSession) session = c.saslSession;
    else if (c.password !== undefined) session = (await node.login(c.nick, c.password, c, IRC_PROTOCOL, opts)).session;
    else session = (await node.guest(c.nick, c, IRC_PROTOCOL, opts)).session;
  } catch (err) {
    if (!isChatError(err)) throw err;
    return refused(c, err);
  }
  c.saslSession = undefined;
  c.password = undefined;
  if (c.closed) {
    await node.end(session);
    return;
  }
  c.registered(session);
  await welcome(c, session);
}

/** Why registration failed, the way IRC servers say it; the client may try another NICK. */
function refused(c: IrcClient, err: ChatError): void {
  const nick = c.nick;
  switch (err.errorName) {
    case 'NAME_IN_USE':
    case 'NAME_TAKEN':
      c.nick = '*';
      return c.numeric(ERR.NICKNAMEINUSE, nick, err.message.includes('registered') ? 'Nickname is registered: log in with SASL or PASS' : 'Nickname is already in use');
    case 'INVALID_NAME':
      c.nick = '*';
      return c.numeric(ERR.ERRONEUSNICKNAME, nick, 'Erroneous nickname');
    case 'GUESTS_DISABLED':
      c.numeric(ERR.PASSWDMISMATCH, 'Password required: this server has no guests');
      return c.fail('Password required', { code: ErrorCode.GUESTS_DISABLED, text: err.message });
    case 'BAD_CREDENTIALS':
      c.numeric(ERR.PASSWDMISMATCH, 'Password incorrect');
      return c.fail('Bad password', { code: ErrorCode.BAD_CREDENTIALS, text: err.message });
    default:
      c.numeric(ERR.PASSWDMISMATCH, err.message);
      return c.fail(err.message, { code: err.code, text: err.message });
  }
}

async function welcome(c: IrcClient, s: Session): Promise<void> {
  const server = c.gw.options.serverName;
  c.numeric(RPL.WELCOME, `Welcome to the confab IRC network ${userSource(s.name)}`);
  c.numeric(RPL.YOURHOST, `Your host is ${server}, running version ${VERSION}`);
  c.numeric(RPL.CREATED, `This server was created ${c.gw.startedAt.toUTCString()}`);
  // The user modes (§6.10), every channel mode with the prefix modes, and those that take a parameter.
  c.numeric(RPL.MYINFO, server, VERSION, 'Biow', 'biklmnostv', 'bklov');
  for (const tokens of isupportLines()) c.numeric(RPL.ISUPPORT, ...tokens, 'are supported by this server');
  lusers(c);
  motd(c);
  // The rooms the user is in already (an account's memberships last): joined as if asked (§4.3).
  const played = new Set<number>();
  for (const key of [...s.rooms]) {
    const view = await c.gw.node.join(s, key);
    for (const id of sendJoined(c, view)) played.add(id);
  }
  c.release(played);
}

/**
 * LUSERS (docs/irc.md §6.12): this gateway's registered clients on this node, the invisible (+i)
 * and operators among them. 265 and 266 carry the counts in their text only (their two number
 * parameters are optional), the most since start included: every registration asks, so no peak
 * is missed.
 */
export function lusers(c: IrcClient): void {
  let here = 0;
  let invisible = 0;
  let opers = 0;
  for (const other of c.gw.clients()) {
    here++;
    if (other.modes.has('i')) invisible++;
    if (other.modes.has('o')) opers++;
  }
  c.gw.maxClients = Math.max(c.gw.maxClients, here);
  const max = c.gw.maxClients;
  c.numeric(RPL.LUSERCLIENT, `There are ${here - invisible} users and ${invisible} invisible on 1 servers`);
  c.numeric(RPL.LUSEROP, String(opers), 'operator(s) online');
  c.numeric(RPL.LUSERME, `I have ${here} clients and 0 servers`);
  c.numeric(RPL.LOCALUSERS, `Current local users ${here}, max ${max}`);
  c.numeric(RPL.GLOBALUSERS, `Current global users ${here}, max ${max}`);
}

export function motd(c: IrcClient): void {
  const lines = c.gw.options.motd;
  if (lines.length === 0) return c.numeric(ERR.NOMOTD, 'MOTD File is missing');
  c.numeric(RPL.MOTDSTART, `- ${c.gw.options.serverName} Message of the day - `);
  for (const l of lines) c.numeric(RPL.MOTD, `- ${l}`);
  c.numeric(RPL.ENDOFMOTD, 'End of /MOTD command.');
}
