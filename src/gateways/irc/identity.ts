// How a user looks in WHO, WHOIS and WHOWAS (docs/irc.md §7.2): the username and realname an IRC
// client of this gateway gave, the operator and invisible modes it has; a user of another
// protocol shows its name for both.
import type { IrcClient, IrcContext } from './context.js';
import { USERLEN } from './isupport.js';

/** What the queries show of one user besides its name. */
export interface IrcIdentity {
  username: string;
  realname: string;
  /** Has done OPER and kept +o (313, `*` in WHO). */
  oper: boolean;
  /** User mode +i: left out of WHO masks by those who share no channel with it. */
  invisible: boolean;
  /** User mode +B (IRCv3 bot-mode): 335 in WHOIS, `B` in WHO. */
  bot: boolean;
}

/**
 * USER's username as shown: `~` (the ident is never checked, as IRC servers mark it), then its
 * letters, digits, `_`, `-` and `.` up to USERLEN; a username with none of them is the nick's.
 */
export function shownUsername(given: string, nick: string): string {
  const kept = [...given].filter((ch) => /^[A-Za-z0-9_.-]$/.test(ch));
  const base = kept.length > 0 ? kept : [...nick].filter((ch) => /^[A-Za-z0-9_.-]$/.test(ch));
  return `~${base.slice(0, USERLEN).join('') || 'user'}`;
}

/** The first registered IRC client of this gateway whose session is the user's. */
export function ircClientOf(gw: IrcContext, key: string): IrcClient | undefined {
  for (const c of gw.clients()) if (c.session?.key === key) return c;
  return undefined;
}

/** The user's identity: its IRC client's, or its name's for a user with none here. */
export function identityOf(gw: IrcContext, key: string, name: string): IrcIdentity {
  const c = ircClientOf(gw, key);
  if (!c) return { username: name, realname: name, oper: false, invisible: false, bot: false };
  return { username: c.username ?? name, realname: c.realname === '' ? name : c.realname, oper: c.modes.has('o'), invisible: c.modes.has('i'), bot: c.modes.has('B') };
}

/**
 * Whether a name matches a mask with `*` (any characters) and `?` (one), without regard to case
 * (docs/irc.md §6.6). Linear backtracking to the last `*` only, so no mask makes it slow.
 */
export function matchesMask(mask: string, name: string): boolean {
  const m = [...mask.toLowerCase()];
  const n = [...name.toLowerCase()];
  let i = 0;
  let j = 0;
  let star = -1;
  let resume = 0;
  while (j < n.length) {
    if (i < m.length && (m[i] === '?' || (m[i] !== '*' && m[i] === n[j]))) {
      i++;
      j++;
    } else if (i < m.length && m[i] === '*') {
      star = i++;
      resume = j;
    } else if (star >= 0) {
      i = star + 1;
      j = ++resume;
    } else {
      return false;
    }
  }
  while (i < m.length && m[i] === '*') i++;
  return i === m.length;
}
