// What a client is told of a channel it joins (docs/irc.md §6.1): JOIN, the topic, the names and
// the recent history, in that order.
import type { MemberView, RoomView } from '../../core/rooms.js';
import { byteLength, formatMessage } from './codec.js';
import type { IrcClient } from './context.js';
import { RPL } from './numerics.js';
import { messageCommand, messageLines, messageTags, oneLine, userSource } from './render.js';

let batches = 0;

/** Sends the JOIN and the channel's state; returns the ids of the messages played back. */
export function sendJoined(c: IrcClient, view: RoomView, secret = false): Set<number> {
  const s = c.session;
  const played = new Set<number>();
  if (!s) return played;
  const params = c.caps.has('extended-join') ? [view.room, s.guest ? '*' : s.name, c.realname || s.name] : [view.room];
  c.send(formatMessage({ tags: messageTags(c.caps, Date.now()), source: userSource(s.name), command: 'JOIN', params }));
  sendTopic(c, view);
  sendNames(c, view.room, view.members, secret);
  if (view.history.length === 0) return played;
  // The recent history, oldest first; in a chathistory batch when the client has batch (§7.6).
  const batch = c.caps.has('batch') ? `h${++batches}` : undefined;
  let out = batch ? formatMessage({ source: c.gw.options.serverName, command: 'BATCH', params: [`+${batch}`, 'chathistory', view.room] }) : '';
  for (const m of view.history) {
    played.add(m.id);
    out += messageLines(m, userSource(m.from), view.room, c.caps, messageCommand(m), batch);
  }
  if (batch) out += formatMessage({ source: c.gw.options.serverName, command: 'BATCH', params: [`-${batch}`] });
  c.send(out);
  return played;
}

/** 353 lines that fit 512 bytes, then 366 (docs/irc.md §6.4); a secret channel's (+s) are marked `@`, others `=`. */
export function sendNames(c: IrcClient, room: string, members: readonly MemberView[], secret = false): void {
  const kind = secret ? '@' : '=';
  const names = members.map((m) => (m.operator ? '@' : m.voiced ? '+' : '') + (c.caps.has('userhost-in-names') ? userSource(m.name) : m.name));
  const head = byteLength(`:${c.gw.options.serverName} ${RPL.NAMREPLY} ${c.nick} = ${room} :`) + 2;
  let line: string[] = [];
  let bytes = head;
  for (const n of names) {
    const add = byteLength(n) + 1;
    if (line.length > 0 && bytes + add > 512) {
      c.numeric(RPL.NAMREPLY, kind, room, line.join(' '));
      line = [];
      bytes = head;
    }
    line.push(n);
    bytes += add;
  }
  if (line.length > 0) c.numeric(RPL.NAMREPLY, kind, room, line.join(' '));
  c.numeric(RPL.ENDOFNAMES, room, 'End of /NAMES list');
}

/** 332 and, when known, 333 (who set the topic and when, in seconds); nothing without a topic (§6.3). */
export function sendTopic(c: IrcClient, view: RoomView): void {
  if (view.topic === '') return;
  c.numeric(RPL.TOPIC, view.room, oneLine(view.topic));
  if (view.topicBy !== undefined && view.topicAt !== undefined) c.numeric(RPL.TOPICWHOTIME, view.room, view.topicBy, String(Math.floor(view.topicAt / 1000)));
}
