// PRIVMSG and NOTICE (docs/irc.md §6.8): several targets, channels and nicks, stored once as one
// confab message (a NOTICE with its notice flag). A target the sender may not reach gets its
// numeric (PRIVMSG only: NOTICE is never answered, RFC 2812 §3.3.2) and is left out; the others
// get the message. TAGMSG (§5.3): client-only tags to the same targets, live only.
import { isChatError } from '../../../core/errors.js';
import type { ChatMessage } from '../../../core/types.js';
import { nameKey } from '../../../vocabulary/name-keys.js';
import type { Command, IrcClient } from '../context.js';
import { chatFault } from '../faults.js';
import { MAX_MSG_TARGETS } from '../isupport.js';
import { ERR, RPL } from '../numerics.js';
import { clientTags, messageLines, tagNoteLine, userSource } from '../render.js';
import { list, mine } from './channels.js';

/**
 * The target as the core names it, or undefined when the sender cannot reach it (with its numeric
 * when `answer`); `away` adds 301 for a user who is away or offline.
 */
async function reachable(c: IrcClient, target: string, answer: boolean, away = answer): Promise<string | undefined> {
  const s = mine(c);
  const node = c.gw.node;
  const say = (code: string, ...params: string[]): undefined => {
    if (answer) c.numeric(code, ...params);
    return undefined;
  };
  if (target.startsWith('#')) {
    if (s.rooms.has(nameKey(target))) return target;
    if (!(await node.roomExists(nameKey(target)).catch(() => false))) return say(ERR.NOSUCHCHANNEL, target, 'No such channel');
    // From outside: as the room's rules say (a channel without +n takes it, docs/irc.md §6.10).
    const refused = await node.checkRoomSend(s, target).then(() => false, () => true);
    if (!refused) return target;
    return say(ERR.CANNOTSENDTOCHAN, target, 'Cannot send to channel (you are not on it)');
  }
  let who;
  try {
    who = await node.resolveUser(target);
  } catch {
    return say(ERR.NOSUCHNICK, target, 'No such nick/channel');
  }
  // The recipient's DM policy, consent and blocks (docs/protocol.md §7.4): refused, never silent.
  if (who.key !== s.key && !(await node.mayMessage(s, who.key))) return say(ERR.TARGUMODEG, who.name, 'does not accept direct messages from you');
  if (away) {
    const status = c.gw.away.get(who.key) ?? (await node.isOnline(who.key) ? undefined : 'offline');
    if (status !== undefined) c.numeric(RPL.AWAY, who.name, status);
  }
  return who.name;
}

function messageCommand(command: 'PRIVMSG' | 'NOTICE'): Command {
  return {
    minParams: 0,
    preReg: false,
    async run(c, m) {
      const answer = command === 'PRIVMSG';
      const s = mine(c);
      const targets = list(m.params[0]);
      if (targets.length === 0) return answer ? c.numeric(ERR.NORECIPIENT, `No recipient given (${command})`) : undefined;
      const text = m.params[1] ?? '';
      if (m.params.length < 2 || text === '') return answer ? c.numeric(ERR.NOTEXTTOSEND, 'No text to send') : undefined;
      if (targets.length > MAX_MSG_TARGETS) return answer ? c.numeric(ERR.TOOMANYTARGETS, targets[MAX_MSG_TARGETS], 'Too many targets') : undefined;
      const to: string[] = [];
      const seen = new Set<string>();
      for (const t of targets) {
        const ok = await reachable(c, t, answer);
        if (ok !== undefined && !seen.has(nameKey(ok))) {
          seen.add(nameKey(ok));
          to.push(ok);
        }
      }
      if (to.length === 0) return;
      let durable: Promise<ChatMessage>;
      try {
        ({ durable } = await c.gw.node.submit(s, { cid: '', to, text, notice: command === 'NOTICE', clientTags: withBotTag(clientTags(m.tags), c.modes.has('B')) }));
      } catch (err) {
        if (isChatError(err)) return answer ? chatFault(c, command, err, to[0]) : undefined;
        throw err;
      }
      // echo-message: the sender's copy once stored, with its msgid (§5).
      const stored = await durable.catch((err: unknown) => {
        c.gw.observer.internalError?.(err);
        return undefined;
      });
      if (!stored) return;
      // A message to oneself is received too, as by any recipient: not a reply (never labeled),
      // and there whether or not the client asked for its echo.
      const toSelf = stored.to.find((t) => nameKey(t) === nameKey(s.name));
      if (c.caps.has('echo-message')) {
        let out = '';
        for (const t of stored.to) out += messageLines(stored, userSource(s.name), t, c.caps, command);
        c.send(out);
      }
      if (toSelf !== undefined) c.sendEvent(messageLines(stored, userSource(s.name), toSelf, c.caps, command));
    },
  };
}

/**
 * TAGMSG: client-only tags without text, to each target (docs/irc.md §5.3). Answered as PRIVMSG
 * is; relayed live (TagNotes), never stored; only clients with message-tags receive it.
 */
const tagmsg: Command = {
  minParams: 1,
  preReg: false,
  async run(c, m) {
    const s = mine(c);
    const targets = list(m.params[0]);
    if (targets.length === 0) return c.numeric(ERR.NORECIPIENT, 'No recipient given (TAGMSG)');
    if (targets.length > MAX_MSG_TARGETS) return c.numeric(ERR.TOOMANYTARGETS, targets[MAX_MSG_TARGETS], 'Too many targets');
    const tags = clientTags(m.tags);
    const seen = new Set<string>();
    let out = '';
    let received = '';
    for (const t of targets) {
      const to = await reachable(c, t, true, false);
      if (to === undefined || seen.has(nameKey(to))) continue;
      seen.add(nameKey(to));
      let note;
      try {
        note = await c.gw.node.sendTags(s, to, tags);
      } catch (err) {
        if (isChatError(err)) {
          chatFault(c, 'TAGMSG', err, to);
          continue;
        }
        throw err;
      }
      if (!c.caps.has('message-tags')) continue;
      // echo-message: the sender's copy, with the msgid its receivers got.
      if (c.caps.has('echo-message')) out += tagNoteLine(note, userSource(s.name), note.to, c.caps);
      // To oneself: received too, as a message to oneself is.
      if (!note.room && nameKey(note.to) === nameKey(s.name)) received += tagNoteLine(note, userSource(s.name), note.to, c.caps);
    }
    c.send(out);
    c.sendEvent(received);
  },
};

export const messages: Record<string, Command> = {
  // PRIVMSG <target>{,<target>} :<text>
  PRIVMSG: messageCommand('PRIVMSG'),
  // NOTICE <target>{,<target>} :<text>
  NOTICE: messageCommand('NOTICE'),
  // TAGMSG <target>{,<target>}
  TAGMSG: tagmsg,
};

/**
 * A bot's message (user mode +B) carries IRCv3 bot-mode's `bot` tag to the clients that take tags,
 * live and in its echo, as its client-only tags travel (never stored, docs/irc.md §5.3).
 */
function withBotTag(tags: Record<string, string>, bot: boolean): Record<string, string> {
  return bot ? { ...tags, bot: '' } : tags;
}
