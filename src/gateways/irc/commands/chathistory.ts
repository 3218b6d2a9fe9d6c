// CHATHISTORY (docs/irc.md §6.14, IRCv3 draft/chathistory): confab's history of a room the user is
// in, or of its direct messages with one user, through the core's history rules. A conversation
// the user may not read is INVALID_TARGET, whatever the reason, so the answer says nothing of it.
import { isChatError } from '../../../core/errors.js';
import type { Session } from '../../../core/session.js';
import type { ChatMessage, HistoryQuery } from '../../../core/types.js';
import { nameKey } from '../../../vocabulary/name-keys.js';
import { formatMessage } from '../codec.js';
import type { Command, IrcClient } from '../context.js';
import { CHATHISTORY_MAX } from '../isupport.js';
import { afterId, beforeId, parseLimit, parseMessageRef, type MessageRef } from '../message-refs.js';
import { messageCommand, messageLines, userSource } from '../render.js';
import { mine } from './channels.js';

/** Direct conversations TARGETS looks through: the user's most recent ones (Store.recentDirect). */
export const TARGETS_DIRECT = 100;
/** Conversations TARGETS reads at once. */
const TARGETS_PARALLEL = 16;

let batches = 0;

/** A conversation the user may read, as the client named it and as its lines show it. */
interface Conversation {
  /** The name in the batch and in TARGETS: the room's, or the other user's. */
  name: string;
  room: boolean;
}

/** A parameter the client sent, named back as a middle one of at most 64 characters. */
function echo(p: string): string {
  return p === '' ? '*' : p.slice(0, 64).replace(/[ \r\n\0]/g, '_').replace(/^:/, '_');
}

/** A standard reply: FAIL CHATHISTORY <code> <context...> :<text>. */
function fail(c: IrcClient, code: string, params: string[], text: string): void {
  c.send(formatMessage({ source: c.gw.options.serverName, command: 'FAIL', params: ['CHATHISTORY', code, ...params.map(echo), text] }));
}

/** The room (one the user is in) or the user named by `target`; undefined when it is neither. */
async function conversation(c: IrcClient, s: Session, target: string): Promise<Conversation | undefined> {
  if (target.startsWith('#')) return s.rooms.has(nameKey(target)) ? { name: target, room: true } : undefined;
  try {
    const who = await c.gw.node.resolveUser(target);
    return { name: who.name, room: false };
  } catch (err) {
    if (isChatError(err)) return undefined;
    throw err;
  }
}

/**
 * The messages the subcommand asks for, oldest first (the spec's order for every subcommand).
 * `read` is one page of the core's history (Messaging.history: at most CHATHISTORY_MAX).
 */
async function select(sub: string, refs: MessageRef[], limit: number, read: (q: HistoryQuery) => Promise<ChatMessage[]>): Promise<ChatMessage[]> {
  const [a, b] = refs;
  switch (sub) {
    case 'BEFORE': return read({ before: beforeId(a), limit });
    case 'AFTER': return read({ after: afterId(a), limit });
    // The newest `limit`, after the reference when there is one.
    case 'LATEST': return a.kind === 'latest' ? read({ limit }) : read({ after: afterId(a), before: Number.MAX_SAFE_INTEGER, limit });
    case 'AROUND': {
      // Half before the reference, the rest from it on (a msgid's own message first among those).
      const pivot = beforeId(a);
      const half = Math.floor(limit / 2);
      const older = half > 0 ? await read({ before: pivot, limit: half }) : [];
      const newer = await read({ after: pivot - 1, limit: limit - older.length });
      return [...older, ...newer];
    }
    case 'BETWEEN': {
      // Forward from the first reference when it is the earlier, else back from it (the spec).
      if (beforeId(a) <= beforeId(b)) {
        const end = beforeId(b);
        return (await read({ after: afterId(a), limit })).filter((m) => m.id < end);
      }
      return read({ before: beforeId(a), after: afterId(b), limit });
    }
    default: return [];
  }
}

/** References each subcommand takes, and whether `*` is one of them. */
const SHAPES: Readonly<Record<string, { refs: number; star: boolean }>> = {
  BEFORE: { refs: 1, star: false },
  AFTER: { refs: 1, star: false },
  LATEST: { refs: 1, star: true },
  AROUND: { refs: 1, star: false },
  BETWEEN: { refs: 2, star: false },
};

async function history(c: IrcClient, sub: string, params: readonly string[]): Promise<void> {
  const s = mine(c);
  const shape = SHAPES[sub];
  const [target, ...rest] = params;
  if (rest.length < shape.refs + 1) return fail(c, 'NEED_MORE_PARAMS', [sub], 'Missing parameters');
  const refs: MessageRef[] = [];
  for (const text of rest.slice(0, shape.refs)) {
    const ref = parseMessageRef(text, shape.star);
    if (!ref) return fail(c, 'INVALID_PARAMS', [sub, text], 'Invalid message reference');
    refs.push(ref);
  }
  const limit = parseLimit(rest[shape.refs], CHATHISTORY_MAX);
  if (limit === undefined) return fail(c, 'INVALID_PARAMS', [sub, rest[shape.refs]], 'Invalid limit');
  const conv = await conversation(c, s, target);
  if (!conv) return fail(c, 'INVALID_TARGET', [sub, target], 'Messages could not be retrieved');
  let found: ChatMessage[];
  try {
    found = await select(sub, refs, limit, async (q) => (await c.gw.node.history(s, conv.name, q)).messages);
  } catch (err) {
    if (!isChatError(err)) throw err;
    // The core's own refusal of the room (it may have been left since): the same answer.
    if (err.errorName === 'NO_SUCH_ROOM' || err.errorName === 'NOT_MEMBER' || err.errorName === 'NO_SUCH_USER') {
      return fail(c, 'INVALID_TARGET', [sub, target], 'Messages could not be retrieved');
    }
    return fail(c, 'MESSAGE_ERROR', [sub, target], 'Messages could not be retrieved');
  }
  const server = c.gw.options.serverName;
  const batch = c.caps.has('batch') ? `c${++batches}` : undefined;
  let out = batch ? formatMessage({ source: server, command: 'BATCH', params: [`+${batch}`, 'chathistory', conv.name] }) : '';
  for (const m of found) {
    // A direct message shows as it did live: to the other user when sent by this user, else to it.
    const to = conv.room ? conv.name : m.fromKey === s.key ? conv.name : s.name;
    out += messageLines(m, userSource(m.from), to, c.caps, messageCommand(m), batch);
  }
  if (batch) out += formatMessage({ source: server, command: 'BATCH', params: [`-${batch}`] });
  c.send(out);
}

/** The room `roomKey` by the name a message to it shows (a room's key is no name to show). */
function roomName(m: ChatMessage, roomKey: string): string {
  return m.to.find((t) => t.startsWith('#') && nameKey(t) === roomKey) ?? roomKey;
}

/**
 * CHATHISTORY TARGETS <timestamp> <timestamp> <limit>: the conversations with a message between
 * the two times, each with the time of its newest one there, oldest first. Looked for among the
 * rooms the user is in now and its TARGETS_DIRECT most recent direct conversations (§6.14).
 */
async function targets(c: IrcClient, params: readonly string[]): Promise<void> {
  const s = mine(c);
  if (params.length < 3) return fail(c, 'NEED_MORE_PARAMS', ['TARGETS'], 'Missing parameters');
  const times: MessageRef[] = [];
  for (const text of params.slice(0, 2)) {
    const ref = parseMessageRef(text);
    if (ref?.kind !== 'timestamp') return fail(c, 'INVALID_PARAMS', ['TARGETS', text], 'Invalid timestamp');
    times.push(ref);
  }
  const limit = parseLimit(params[2], CHATHISTORY_MAX);
  if (limit === undefined) return fail(c, 'INVALID_PARAMS', ['TARGETS', params[2]], 'Invalid limit');
  const [lo, hi] = beforeId(times[0]) <= beforeId(times[1]) ? times : [times[1], times[0]];
  const node = c.gw.node;
  const range = { after: afterId(lo), before: beforeId(hi), limit: 1 };
  const peers = new Map<string, string>();
  for (const m of await node.recentDirect(s, TARGETS_DIRECT)) {
    if (m.fromKey !== s.key) peers.set(m.fromKey, m.from);
    else for (const t of m.to) if (!t.startsWith('#') && nameKey(t) !== s.key) peers.set(nameKey(t), t);
  }
  const asked = [
    ...[...s.rooms].map((key) => ({ key, room: true })),
    ...[...peers.values()].map((name) => ({ key: name, room: false })),
  ];
  const newest: ({ name: string; at: number } | undefined)[] = [];
  // A few store reads at a time, however many rooms the user is in.
  for (let i = 0; i < asked.length; i += TARGETS_PARALLEL) {
    newest.push(...await Promise.all(asked.slice(i, i + TARGETS_PARALLEL).map(async ({ key, room }) => {
      try {
        const [m] = (await node.history(s, key, range)).messages;
        return m && { name: room ? roomName(m, key) : key, at: m.at };
      } catch (err) {
        // A room left or a user gone while this ran: not listed.
        if (isChatError(err)) return undefined;
        throw err;
      }
    })));
  }
  const listed = newest.filter((t) => t !== undefined).sort((x, y) => x.at - y.at).slice(0, limit);
  const server = c.gw.options.serverName;
  const batch = c.caps.has('batch') ? `c${++batches}` : undefined;
  const tags = batch ? new Map([['batch', batch]]) : undefined;
  let out = batch ? formatMessage({ source: server, command: 'BATCH', params: [`+${batch}`, 'draft/chathistory-targets'] }) : '';
  for (const t of listed) out += formatMessage({ tags, source: server, command: 'CHATHISTORY', params: ['TARGETS', t.name, new Date(t.at).toISOString()] });
  if (batch) out += formatMessage({ source: server, command: 'BATCH', params: [`-${batch}`] });
  c.send(out);
}

export const chathistory: Record<string, Command> = {
  // CHATHISTORY BEFORE|AFTER|LATEST|AROUND <target> <reference> <limit>
  // CHATHISTORY BETWEEN <target> <reference> <reference> <limit>
  // CHATHISTORY TARGETS <timestamp> <timestamp> <limit>
  CHATHISTORY: {
    minParams: 0,
    preReg: false,
    async run(c, m) {
      const sub = (m.params[0] ?? '').toUpperCase();
      if (sub === '') return fail(c, 'NEED_MORE_PARAMS', ['*'], 'Missing parameters');
      if (sub === 'TARGETS') return targets(c, m.params.slice(1));
      if (!Object.hasOwn(SHAPES, sub)) return fail(c, 'INVALID_PARAMS', [m.params[0]], 'Unknown subcommand');
      if (m.params.length < 2) return fail(c, 'NEED_MORE_PARAMS', [sub], 'Missing parameters');
      return history(c, sub, m.params.slice(1));
    },
  },
};
