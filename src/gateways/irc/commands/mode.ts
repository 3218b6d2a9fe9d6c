// MODE (docs/irc.md §6.10): user mode i; channel modes as confab's room settings (i invite-only,
// k key, l limit, m moderated, n members only, s secret, t topic lock), the roles o and v, and the
// ban list b, all through the core, so every rule of docs/protocol.md §7.17 holds here as well.
import { isChatError } from '../../../core/errors.js';
import type { SettingsChange } from '../../../core/room-admin.js';
import { MAX_ROOM_KEY } from '../../../core/room-settings.js';
import type { Session } from '../../../core/session.js';
import { nameKey } from '../../../vocabulary/name-keys.js';
import { formatMessage } from '../codec.js';
import type { Command, IrcClient } from '../context.js';
import { chatFault } from '../faults.js';
import { MAX_MODES } from '../isupport.js';
import { ERR, RPL } from '../numerics.js';
import { userSource } from '../render.js';
import { mine } from './channels.js';

/** The flag modes and the room setting each one is. */
const FLAGS = { i: 'inviteOnly', m: 'moderated', n: 'membersOnly', s: 'secret', t: 'topicLocked' } as const;
type Flag = keyof typeof FLAGS;
const isFlag = (ch: string): ch is Flag => ch in FLAGS;

/** A ban mask confab can keep: a name or pattern, `name!*@*`, or `*!*@address` (docs/irc.md §6.10). */
function banTarget(mask: string): string | undefined {
  const address = /^\*!\*@([0-9a-fA-F.:]+(?:\/\d{1,3})?)$/.exec(mask);
  if (address) return `@${address[1]}`;
  const m = /^([^!@]+)(?:!\*(?:@\*)?)?$/.exec(mask);
  return m?.[1];
}

/** A channel key JOIN can carry: not empty, no space or comma, at most the core's 64 bytes. */
function validKey(key: string): boolean {
  return key !== '' && !/[ ,]/.test(key) && Buffer.byteLength(key) <= MAX_ROOM_KEY;
}

/** How a ban's target reads as an IRC mask. */
export function banMask(target: string): string {
  return target.startsWith('@') ? `*!*@${target.slice(1)}` : `${target}!*@*`;
}

/** The channel's modes as 324 gives them: the key itself only to its operators. */
async function channelModes(c: IrcClient, s: Session, room: string): Promise<string[]> {
  const v = await c.gw.node.roomSettings(s, room);
  let flags = '+';
  const params: string[] = [];
  for (const [ch, name] of Object.entries(FLAGS)) if (v[name]) flags += ch;
  if (v.keyed) {
    flags += 'k';
    params.push(v.key === '' ? '*' : v.key);
  }
  if (v.limit > 0) {
    flags += 'l';
    params.push(String(v.limit));
  }
  return [flags, ...params];
}

async function listBans(c: IrcClient, s: Session, room: string): Promise<void> {
  for (const b of await c.gw.node.bans(s, room)) c.numeric(RPL.BANLIST, room, banMask(b.target), b.by, String(Math.floor(b.at / 1000)));
  c.numeric(RPL.ENDOFBANLIST, room, 'End of channel ban list');
}

async function channelMode(c: IrcClient, room: string, changes: string, args: string[]): Promise<void> {
  const s = mine(c);
  const node = c.gw.node;
  if (changes === '') {
    if (!s.rooms.has(nameKey(room))) return c.numeric(ERR.NOTONCHANNEL, room, "You're not on that channel");
    try {
      c.numeric(RPL.CHANNELMODEIS, room, ...(await channelModes(c, s, room)));
      return c.numeric(RPL.CREATIONTIME, room, String(Math.floor((await node.roomCreatedAt(room)) / 1000)));
    } catch (err) {
      if (isChatError(err)) return chatFault(c, 'MODE', err, room);
      throw err;
    }
  }
  // The settings changed by this line, made as one change once every mode is read.
  let settings: SettingsChange | undefined;
  const setting = async (): Promise<SettingsChange> => {
    if (!settings) {
      const { closed: _closed, keyed: _keyed, key: _key, ...rest } = await node.roomSettings(s, room);
      settings = rest;
    }
    return settings;
  };
  let sign = '+';
  let withParam = 0;
  try {
    for (const ch of changes) {
      if (ch === '+' || ch === '-') {
        sign = ch;
        continue;
      }
      const on = sign === '+';
      if (isFlag(ch)) {
        (await setting())[FLAGS[ch]] = on;
        continue;
      }
      if ('bovkl'.includes(ch) && (on || ch !== 'l') && ++withParam > MAX_MODES) break;
      const arg = ch === 'l' && !on ? undefined : args.shift();
      if (ch === 'b') {
        if (arg === undefined) {
          await listBans(c, s, room);
          continue;
        }
        const target = banTarget(arg);
        if (target === undefined) {
          c.numeric(ERR.INVALIDMODEPARAM, room, 'b', arg, 'give nick, nick!*@*, a pattern with * and ?, or *!*@address');
          continue;
        }
        if (on) await node.ban(s, room, target, '');
        else await node.unban(s, room, target);
        c.send(formatMessage({ source: userSource(s.name), command: 'MODE', params: [room, `${sign}b`, banMask(target)] }));
      } else if (ch === 'o' || ch === 'v') {
        if (arg === undefined) return c.numeric(ERR.NEEDMOREPARAMS, 'MODE', 'Not enough parameters');
        // Roles are one of member, voiced and operator (§7.17): +v or -v of an operator leaves it one.
        const role = on ? (ch === 'o' ? 'operator' : 'voiced') : 'member';
        // (Asked by an operator: anyone else is refused by the core, 482.)
        if (ch === 'v' && !on && (await node.members(s, room)).some((m) => nameKey(m.name) === nameKey(arg) && m.operator)) continue;
        if (ch === 'v' && on) {
          const ops = (await node.members(s, room)).filter((m) => m.operator).map((m) => nameKey(m.name));
          if (ops.includes(nameKey(arg)) && ops.includes(nameKey(s.name))) continue;
        }
        // The channel first (403, 442 or 482 from the core), then the nick.
        const who = s.rooms.has(nameKey(room)) ? node.resolveUser(arg) : Promise.resolve();
        const refused = await who.then(() => node.setRole(s, room, arg, role)).then(() => undefined, (err: unknown) => err);
        // A nick that is no user is 401, one not in the channel 441 (§6.10); others as every MODE's.
        if (isChatError(refused) && refused.errorName === 'NO_SUCH_USER') c.numeric(ERR.NOSUCHNICK, arg, 'No such nick/channel');
        else if (isChatError(refused) && refused.errorName === 'NOT_MEMBER') c.numeric(ERR.USERNOTINCHANNEL, arg, room, "They aren't on that channel");
        else if (refused !== undefined) throw refused;
      } else if (ch === 'k') {
        if (on && arg === undefined) return c.numeric(ERR.NEEDMOREPARAMS, 'MODE', 'Not enough parameters');
        // A key is one word: JOIN could not carry another (§6.10).
        if (on && arg !== undefined && !validKey(arg)) {
          c.numeric(ERR.INVALIDMODEPARAM, room, 'k', '*', 'a key is one word of at most 64 bytes, without a comma');
          continue;
        }
        (await setting()).key = on ? arg : '';
      } else if (ch === 'l') {
        if (!on) {
          (await setting()).limit = 0;
          continue;
        }
        const limit = Number(arg);
        if (arg === undefined || !/^\d{1,6}$/.test(arg) || limit < 1) {
          c.numeric(ERR.INVALIDMODEPARAM, room, 'l', arg ?? '*', 'a limit is a number of members from 1');
          continue;
        }
        (await setting()).limit = limit;
      } else {
        c.numeric(ERR.UNKNOWNMODE, ch, 'is unknown mode char to me');
      }
    }
    // The room's members, this client among them, hear the change as a SETTINGS event (MODE).
    if (settings) await node.setRoomSettings(s, room, settings);
  } catch (err) {
    if (!isChatError(err)) throw err;
    if (err.errorName === 'NO_SUCH_USER') c.numeric(ERR.NOSUCHNICK, args[0] ?? '*', 'No such nick/channel');
    else chatFault(c, 'MODE', err, room);
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
    // o comes with OPER only; a user may drop it (§6.13). w: WALLOPS are shown (§6.19). B: a bot.
    if (ch === 'o' && sign === '+') continue;
    if (ch !== 'i' && ch !== 'o' && ch !== 'w' && ch !== 'B') {
      c.numeric(ERR.UMODEUNKNOWNFLAG, 'Unknown MODE flag');
      continue;
    }
    if (sign === '+' && !c.modes.has(ch)) c.modes.add(ch);
    else if (sign === '-' && c.modes.has(ch)) c.modes.delete(ch);
    else continue;
    // Dropping o drops the operator's powers with it, not only the mode (§6.13).
    if (ch === 'o' && c.session) c.gw.node.deoperate(c.session);
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
