// The messages of one conversation: stored ones in server-id order, each once, then one's own
// messages still waiting for their acknowledgement in the order they were sent; and the holes
// known to lie between loaded messages. Pure functions over immutable arrays.
import type { WireFile, WireReaction } from '../protocol/frames.js';

/** The delivery state of one's own message. */
export type Delivery = 'sending' | 'acknowledged' | 'failed';

export interface ShownMessage {
  /** Server id; 0 until the server has acknowledged the message. */
  id: number;
  /** The sender's client message id ('' if none). */
  cid: string;
  /** Server time (ms since epoch); for an unacknowledged message, when it was sent. */
  at: number;
  from: string;
  to: readonly string[];
  text: string;
  files: readonly WireFile[];
  /** Sent by this user (here or from another device). */
  own: boolean;
  /** Own messages only. */
  delivery?: Delivery;
  /** Why sending failed. */
  error?: string;
  /** The id of the message this one answers (shown as a quote). */
  replyTo?: number;
  /** When its text was last edited. */
  editedAt?: number;
  /** Deleted: its text is gone; show a tombstone. */
  deleted?: { by: string; at: number };
  /** Per emoji, how many reacted and (the first) who. */
  reactions?: readonly WireReaction[];
}

/** A change to a stored message (docs/protocol.md §7.14). */
export type MessageChange =
  | { type: 'edited'; id: number; text: string; at: number }
  | { type: 'deleted'; id: number; by: string; at: number }
  | { type: 'reacted'; id: number; emoji: string; user: string; on: boolean };

/** The list with the change applied to message `id`; the same list when it is not there or nothing changed. */
export function changeMessage(list: readonly ShownMessage[], change: MessageChange): readonly ShownMessage[] {
  const i = list.findIndex((m) => m.id === change.id && m.id > 0);
  if (i < 0) return list;
  const m = list[i];
  const next = changed(m, change);
  if (next === m) return list;
  return list.map((x, j) => (j === i ? next : x));
}

function changed(m: ShownMessage, c: MessageChange): ShownMessage {
  switch (c.type) {
    case 'edited':
      return m.deleted ? m : { ...m, text: c.text, editedAt: c.at };
    case 'deleted': {
      if (m.deleted) return m;
      const { reactions: _gone, ...rest } = m;
      return { ...rest, text: '', files: [], deleted: { by: c.by, at: c.at } };
    }
    case 'reacted': {
      const list = m.reactions ?? [];
      const at = list.findIndex((r) => r.emoji === c.emoji);
      const group = at >= 0 ? list[at] : { emoji: c.emoji, count: 0, users: [] };
      const has = group.users.includes(c.user);
      if (c.on === has) return m;
      const users = c.on ? [...group.users, c.user] : group.users.filter((u) => u !== c.user);
      const updated = { emoji: c.emoji, count: Math.max(0, group.count + (c.on ? 1 : -1)), users };
      const reactions = at < 0 ? [...list, updated] : updated.count === 0 ? list.filter((_, j) => j !== at) : list.map((r, j) => (j === at ? updated : r));
      if (reactions.length > 0) return { ...m, reactions };
      const { reactions: _none, ...rest } = m;
      return rest;
    }
  }
}

/** Messages with after < id < before may exist but are not loaded. */
export interface Hole {
  after: number;
  before: number;
}

export interface Merged {
  messages: readonly ShownMessage[];
  /** The incoming messages that were new here. */
  added: ShownMessage[];
}

/**
 * Merges messages (live, replayed after a resume, or a history page) into a list: each server
 * id once, ordered by id, whatever the order and overlap of what comes in; an own message
 * waiting for its ACK gives way to its stored copy (same cid) when that arrives first.
 */
export function mergeMessages(list: readonly ShownMessage[], incoming: readonly ShownMessage[]): Merged {
  if (incoming.length === 0) return { messages: list, added: [] };
  const stored: ShownMessage[] = [];
  let pending: ShownMessage[] = [];
  for (const m of list) (m.id > 0 ? stored : pending).push(m);
  const ids = new Set(stored.map((m) => m.id));
  const added: ShownMessage[] = [];
  let sorted = true;
  for (const m of incoming) {
    if (m.id === 0) {
      if (m.cid !== '' && pending.some((p) => p.cid === m.cid)) continue;
      pending.push(m);
      added.push(m);
      continue;
    }
    if (ids.has(m.id)) continue;
    if (m.own && m.cid !== '') pending = pending.filter((p) => p.cid !== m.cid);
    ids.add(m.id);
    // Live messages arrive in id order: appending keeps the list sorted without a sort.
    if (stored.length > 0 && (stored.at(-1) as ShownMessage).id > m.id) sorted = false;
    stored.push(m);
    added.push(m);
  }
  if (added.length === 0) return { messages: list, added };
  if (!sorted) stored.sort((a, b) => a.id - b.id);
  return { messages: [...stored, ...pending], added };
}

/** The own message `cid` was stored as `id`: it takes its place among the stored messages. */
export function acknowledge(list: readonly ShownMessage[], cid: string, id: number, at: number): readonly ShownMessage[] {
  const i = list.findIndex((m) => m.id === 0 && m.cid === cid);
  if (i < 0) return list; // not here, or acknowledged already
  const acked: ShownMessage = { ...list[i], id, at, delivery: 'acknowledged' };
  delete acked.error;
  return mergeMessages(list.filter((_, j) => j !== i), [acked]).messages;
}

/** Sets the delivery state of the unacknowledged own message `cid`. */
export function setDelivery(list: readonly ShownMessage[], cid: string, delivery: 'sending' | 'failed', error?: string): readonly ShownMessage[] {
  if (!list.some((m) => m.id === 0 && m.cid === cid)) return list;
  return list.map((m) => {
    if (m.id !== 0 || m.cid !== cid) return m;
    const next: ShownMessage = { ...m, delivery };
    if (delivery === 'failed' && error !== undefined) next.error = error;
    else delete next.error;
    return next;
  });
}

/** The highest server id in the list (0 if none). */
export function newestId(list: readonly ShownMessage[]): number {
  for (let i = list.length - 1; i >= 0; i--) if (list[i].id > 0) return list[i].id;
  return 0;
}

/** The lowest server id in the list (0 if none): where paging back continues. */
export function oldestId(list: readonly ShownMessage[]): number {
  for (const m of list) if (m.id > 0) return m.id;
  return 0;
}

/** Adds a hole, merged with the holes it touches; an empty range adds nothing. */
export function addHole(holes: readonly Hole[], hole: Hole): readonly Hole[] {
  if (hole.before - hole.after < 2) return holes;
  let { after, before } = hole;
  const rest: Hole[] = [];
  for (const g of holes) {
    if (g.before <= after + 1 || g.after >= before - 1) rest.push(g);
    else {
      after = Math.min(after, g.after);
      before = Math.max(before, g.before);
    }
  }
  return [...rest, { after, before }].sort((a, b) => a.after - b.after);
}

/**
 * Every id in [from, to) is now known (loaded, or known not to exist): what remains of the holes.
 * `to` may be Infinity.
 */
export function coverRange(holes: readonly Hole[], from: number, to: number): readonly Hole[] {
  if (holes.length === 0 || to <= from) return holes;
  const out: Hole[] = [];
  let changed = false;
  for (const g of holes) {
    // The hole's ids are after+1 .. before-1; the covered ones from .. to-1.
    if (from > g.before - 1 || to - 1 < g.after + 1) {
      out.push(g);
      continue;
    }
    changed = true;
    if (from - 1 >= g.after + 1) out.push({ after: g.after, before: from });
    if (to <= g.before - 1) out.push({ after: to - 1, before: g.before });
  }
  return changed ? out : holes;
}
