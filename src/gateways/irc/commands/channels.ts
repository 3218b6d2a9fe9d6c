// Channel commands (docs/irc.md §6.1-6.7): JOIN, INVITE, PART, TOPIC, NAMES, LIST, KICK.
import { ChatError, isChatError } from '../../../core/errors.js';
import type { RoomView } from '../../../core/rooms.js';
import type { Session } from '../../../core/session.js';
import { isRoomName } from '../../../vocabulary/names.js';
import { nameKey } from '../../../vocabulary/name-keys.js';
import { byteLength, formatMessage } from '../codec.js';
import { sendJoined, sendNames, sendTopic } from '../channel-state.js';
import type { Command, IrcClient } from '../context.js';
import { chatFault } from '../faults.js';
import { KICKLEN, TOPICLEN } from '../isupport.js';
import { ERR, RPL } from '../numerics.js';
import { oneLine, userSource } from '../render.js';

/** Rooms read per store query for LIST. */
const LIST_PAGE = 100;

export function mine(c: IrcClient): Session {
  if (!c.session) throw new ChatError('AUTH_REQUIRED', 'not registered');
  return c.session;
}

/** The comma-separated list of a parameter, without empty items. */
export function list(param: string | undefined): string[] {
  return (param ?? '').split(',').filter((x) => x !== '');
}

/** Text cut to `max` bytes on a code point boundary (TOPICLEN, KICKLEN: servers truncate). */
export function cut(text: string, max: number): string {
  if (byteLength(text) <= max) return text;
  let out = '';
  for (const ch of text) {
    if (byteLength(out + ch) > max) break;
    out += ch;
  }
  return out;
}

async function joinOne(c: IrcClient, s: Session, room: string, key: string): Promise<void> {
  if (!isRoomName(room.normalize('NFC'))) return c.numeric(ERR.NOSUCHCHANNEL, room, 'No such channel');
  if (s.rooms.has(nameKey(room))) return;
  const node = c.gw.node;
  let view: RoomView;
  // Events of the room wait until the client has its JOIN, names and history (§6.1).
  c.hold();
  c.expectOwn('join', nameKey(room));
  try {
    try {
      view = await node.join(s, room, key);
    } catch (err) {
      // Joining a channel that does not exist creates it, as on every IRC server (§6.1).
      if (!isChatError(err) || err.errorName !== 'NO_SUCH_ROOM') throw err;
      try {
        view = await node.createRoom(s, room, '');
      } catch (again) {
        if (!isChatError(again) || again.errorName !== 'ROOM_EXISTS') throw again;
        view = await node.join(s, room, key);
      }
    }
  } catch (err) {
    c.release(new Set());
    if (isChatError(err)) return chatFault(c, 'JOIN', err, room);
    throw err;
  }
  const secret = (await node.roomSettings(s, room).catch(() => undefined))?.secret === true;
  c.release(sendJoined(c, view, secret));
}

export const channels: Record<string, Command> = {
  // JOIN <channel>{,<channel>} [<key>{,<key>}] | JOIN 0. The n-th key goes with the n-th channel (+k).
  JOIN: {
    minParams: 1,
    preReg: false,
    async run(c, m) {
      const s = mine(c);
      if (m.params[0] === '0') {
        for (const key of [...s.rooms]) await partOne(c, s, await roomName(c, s, key), 'Left all channels');
        return;
      }
      const keys = (m.params[1] ?? '').split(',');
      for (const [i, room] of list(m.params[0]).entries()) await joinOne(c, s, room, keys[i] ?? '');
    },
  },

  // INVITE <nick> <channel>: lets the user into an invite-only channel, once (operators, §7.17).
  INVITE: {
    minParams: 2,
    preReg: false,
    async run(c, m) {
      const s = mine(c);
      const [nick, room] = m.params;
      if (!s.rooms.has(nameKey(room))) return notOn(c, room);
      try {
        // Who is invited is checked before the right to invite: 401, then 443 (§6.1).
        const who = await c.gw.node.resolveUser(nick);
        if ((await c.gw.node.members(s, room)).some((u) => nameKey(u.name) === nameKey(who.name))) {
          return c.numeric(ERR.USERONCHANNEL, who.name, room, 'is already on channel');
        }
        await c.gw.node.invite(s, room, nick);
        c.numeric(RPL.INVITING, nick, room);
      } catch (err) {
        if (!isChatError(err)) throw err;
        chatFault(c, 'INVITE', err, err.errorName === 'NO_SUCH_USER' ? nick : room);
      }
    },
  },

  // PART <channel>{,<channel>} [:<reason>]
  PART: {
    minParams: 1,
    preReg: false,
    async run(c, m) {
      const s = mine(c);
      // The reason is cut as a kick's is, so the PART relayed with a longer source still fits a line.
      for (const room of list(m.params[0])) await partOne(c, s, room, cut(m.params[1] ?? '', KICKLEN));
    },
  },

  // TOPIC <channel> [:<topic>]: the topic, or a new one (operators).
  TOPIC: {
    minParams: 1,
    preReg: false,
    async run(c, m) {
      const s = mine(c);
      const room = m.params[0];
      if (!s.rooms.has(nameKey(room))) return notOn(c, room);
      try {
        if (m.params.length >= 2) return await c.gw.node.setTopic(s, room, cut(m.params[1], TOPICLEN));
        const view = await c.gw.node.join(s, room);
        if (view.topic === '') c.numeric(RPL.NOTOPIC, view.room, 'No topic is set');
        else sendTopic(c, view);
      } catch (err) {
        if (isChatError(err)) return chatFault(c, 'TOPIC', err, room);
        throw err;
      }
    },
  },

  // NAMES [<channel>]: members, for the channel's members only (docs/protocol.md §13.11).
  NAMES: {
    minParams: 0,
    preReg: false,
    async run(c, m) {
      const s = mine(c);
      const room = list(m.params[0])[0];
      if (room === undefined || !s.rooms.has(nameKey(room))) return c.numeric(RPL.ENDOFNAMES, room ?? '*', 'End of /NAMES list');
      const view = await c.gw.node.join(s, room);
      sendNames(c, view.room, view.members, (await c.gw.node.roomSettings(s, room)).secret);
    },
  },

  // LIST [<channel>{,<channel>}]: every room, paced by the client's reading (§6.5).
  LIST: {
    minParams: 0,
    preReg: false,
    async run(c, m) {
      const only = new Set(list(m.params[0]).map(nameKey));
      c.numeric(RPL.LISTSTART, 'Channel', 'Users  Name');
      for (let after = ''; ;) {
        const page = await c.gw.node.roomPage(after, LIST_PAGE, c.session);
        for (const r of page) if (only.size === 0 || only.has(r.key)) c.numeric(RPL.LIST, r.name, String(r.members), oneLine(r.topic));
        if (page.length < LIST_PAGE || c.phase === 'closed') break;
        after = page[page.length - 1].key;
        if (c.conn.bufferedBytes > c.gw.options.sendQBytes / 4) await c.conn.written().catch(() => undefined);
      }
      c.numeric(RPL.LISTEND, 'End of /LIST');
    },
  },

  // KICK <channel> <user>{,<user>} [:<comment>]: Moderation.kick in the core (§6.7).
  KICK: {
    minParams: 2,
    preReg: false,
    async run(c, m) {
      const s = mine(c);
      const room = m.params[0];
      if (!s.rooms.has(nameKey(room))) return notOn(c, room);
      for (const user of list(m.params[1])) {
        try {
          await c.gw.node.kick(s, room, user, cut(m.params[2] ?? '', KICKLEN));
        } catch (err) {
          if (!isChatError(err)) throw err;
          if (err.errorName === 'NOT_MEMBER' || err.errorName === 'NO_SUCH_USER') c.numeric(ERR.USERNOTINCHANNEL, user, room, "They aren't on that channel");
          else chatFault(c, 'KICK', err, room);
        }
      }
    },
  },
};

/** The client is not in the channel: 403 when there is no such channel, else 442 (§6.3, §6.7). */
async function notOn(c: IrcClient, room: string): Promise<void> {
  if (!isRoomName(room.normalize('NFC')) || !(await c.gw.node.roomExists(nameKey(room)))) return c.numeric(ERR.NOSUCHCHANNEL, room, 'No such channel');
  c.numeric(ERR.NOTONCHANNEL, room, "You're not on that channel");
}

async function roomName(c: IrcClient, s: Session, key: string): Promise<string> {
  return (await c.gw.node.join(s, key)).room;
}

async function partOne(c: IrcClient, s: Session, room: string, reason: string): Promise<void> {
  c.expectOwn('leave', nameKey(room));
  try {
    await c.gw.node.leave(s, room, reason);
  } catch (err) {
    if (isChatError(err)) return chatFault(c, 'PART', err, room);
    throw err;
  }
  const params = reason === '' ? [room] : [room, reason];
  c.send(formatMessage({ source: userSource(s.name), command: 'PART', params }));
}
