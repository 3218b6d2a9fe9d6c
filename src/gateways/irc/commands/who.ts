// WHO (docs/irc.md §6.6): a channel's members, one user by name, or the users a mask matches;
// RPL_WHOREPLY (352), or RPL_WHOSPCRPL (354) with the fields WHOX asks for.
import type { Session } from '../../../core/session.js';
import { nameKey } from '../../../vocabulary/name-keys.js';
import type { Command, IrcClient } from '../context.js';
import { identityOf, matchesMask, type IrcIdentity } from '../identity.js';
import { RPL } from '../numerics.js';
import { USER_HOST } from '../render.js';
import { mine } from './channels.js';

/** A user found by WHO, with the channel it was found in ('*' for none) and its prefix there. */
interface Found {
  channel: string;
  name: string;
  key: string;
  account: boolean;
  gone: boolean;
  prefix: string;
  id: IrcIdentity;
}

/** Users one WHO mask answers at most (docs/irc.md §10). */
const WHO_MASK_MAX = 500;

/** WHOX field letters in the order their values are sent (IRCv3 WHOX). */
const WHOX_ORDER = 'tcuihsnfdlaor';

/** WHOX's `<fields>[,<token>]` after `%`; undefined for a plain WHO. A token is 1 to 3 digits. */
function whoxOf(flags: string | undefined): { fields: string; token: string } | undefined {
  const at = flags?.indexOf('%') ?? -1;
  if (flags === undefined || at < 0) return undefined;
  const [fields, token = ''] = flags.slice(at + 1).split(',', 2);
  return { fields, token: /^\d{1,3}$/.test(token) ? token : '0' };
}

async function find(c: IrcClient, name: string, channel: string, prefix: string): Promise<Found | undefined> {
  let who;
  try {
    who = await c.gw.node.resolveUser(name);
  } catch {
    return undefined;
  }
  const online = await c.gw.node.isOnline(who.key);
  return {
    channel, name: who.name, key: who.key, account: !who.key.startsWith('~'), prefix,
    gone: !online || c.gw.away.has(who.key),
    id: identityOf(c.gw, who.key, who.name),
  };
}

/** The members of a channel the asker is in; none for another channel (§6.6). */
async function channelMembers(c: IrcClient, s: Session, channel: string): Promise<Found[]> {
  if (!s.rooms.has(nameKey(channel))) return [];
  const view = await c.gw.node.join(s, channel);
  const out: Found[] = [];
  for (const u of view.members) {
    const f = await find(c, u.name, view.room, u.operator ? '@' : u.voiced ? '+' : '');
    if (f) out.push(f);
  }
  return out;
}

/**
 * The users a mask matches: the IRC clients of this gateway and the members of the asker's
 * channels. One that is invisible (+i) is left out unless it shares a channel with the asker or
 * is the asker (the modern IRC client protocol's WHO).
 */
async function maskMatches(c: IrcClient, s: Session, mask: string): Promise<Found[]> {
  const pattern = mask === '0' ? '*' : mask;
  const shared = new Map<string, string>();
  for (const room of s.rooms) for (const u of await c.gw.node.members(s, room)) shared.set(nameKey(u.name), u.name);
  const names = new Map(shared);
  for (const other of c.gw.clients()) if (other.session) names.set(nameKey(other.session.name), other.session.name);
  const out: Found[] = [];
  for (const [key, name] of names) {
    if (out.length >= WHO_MASK_MAX) break;
    if (!matchesMask(pattern, name)) continue;
    const f = await find(c, name, '*', '');
    if (!f) continue;
    if (f.id.invisible && !shared.has(key) && f.key !== s.key) continue;
    out.push(f);
  }
  return out;
}

function flagsOf(f: Found): string {
  return `${f.gone ? 'G' : 'H'}${f.id.bot ? 'B' : ''}${f.id.oper ? '*' : ''}${f.prefix}`;
}

function reply(c: IrcClient, f: Found, whox: { fields: string; token: string } | undefined): void {
  const server = c.gw.options.serverName;
  if (!whox) return c.numeric(RPL.WHOREPLY, f.channel, f.id.username, USER_HOST, server, f.name, flagsOf(f), `0 ${f.id.realname}`);
  const value: Record<string, string> = {
    t: whox.token, c: f.channel, u: f.id.username, i: '255.255.255.255', h: USER_HOST, s: server, n: f.name,
    f: flagsOf(f), d: '0', l: '0', a: f.account ? f.name : '0', o: 'n/a', r: f.id.realname,
  };
  c.numeric(RPL.WHOSPCRPL, ...[...WHOX_ORDER].filter((ch) => whox.fields.includes(ch)).map((ch) => value[ch]));
}

export const who: Record<string, Command> = {
  // WHO <mask> [<flags>[%<fields>[,<token>]]]: <mask> is a channel, a nick, or a nick mask with * and ?.
  WHO: {
    minParams: 1,
    preReg: false,
    async run(c, m) {
      const s = mine(c);
      const mask = m.params[0];
      const whox = whoxOf(m.params[1]);
      let found: Found[];
      if (mask.startsWith('#')) found = await channelMembers(c, s, mask);
      else if (/[*?]/.test(mask) || mask === '0') found = await maskMatches(c, s, mask);
      else found = [await find(c, mask, '*', '')].filter((f): f is Found => f !== undefined);
      for (const f of found) reply(c, f, whox);
      c.numeric(RPL.ENDOFWHO, mask, 'End of /WHO list');
    },
  },
};
