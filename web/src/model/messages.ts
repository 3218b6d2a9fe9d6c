// The messages of one conversation: stored ones ordered by server id, then the user's own
// messages still waiting for their acknowledgement, in the order they were sent.
import type { IncomingMessage, WireFile } from '../sdk';
import { keyOf } from './names';

/** The delivery state of one's own message. */
export type Delivery = 'sending' | 'acknowledged' | 'failed';

export interface MessageItem {
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
  /** Sent by this user (from this or another device). */
  own: boolean;
  /** Own messages only. */
  delivery?: Delivery;
  /** Why sending failed. */
  error?: string;
}

export function itemOf(m: IncomingMessage, me: string): MessageItem {
  const own = me !== '' && keyOf(m.from) === keyOf(me);
  return {
    id: m.id,
    cid: m.cid,
    at: m.at,
    from: m.from,
    to: m.to,
    text: m.text,
    files: m.files ?? [],
    own,
    ...(own ? { delivery: 'acknowledged' as const } : {}),
  };
}

export interface Merged {
  messages: MessageItem[];
  /** The incoming items that were new (not already present by id, nor by cid when pending). */
  added: MessageItem[];
}

/**
 * Merges messages (a history page, a live message, a replay) into a conversation: each server
 * id appears once, whatever the order or overlap of pages; an own unacknowledged message is
 * replaced by its stored copy when that arrives first.
 */
export function mergeMessages(list: readonly MessageItem[], incoming: readonly MessageItem[]): Merged {
  const stored = new Map<number, MessageItem>();
  let pending: MessageItem[] = [];
  for (const m of list) {
    if (m.id > 0) stored.set(m.id, m);
    else pending.push(m);
  }
  const added: MessageItem[] = [];
  for (const m of incoming) {
    if (m.id === 0) {
      if (m.cid !== '' && pending.some((p) => p.cid === m.cid)) continue;
      pending.push(m);
      added.push(m);
      continue;
    }
    if (stored.has(m.id)) continue;
    if (m.own && m.cid !== '') pending = pending.filter((p) => p.cid !== m.cid);
    stored.set(m.id, m);
    added.push(m);
  }
  return { messages: [...[...stored.values()].sort((a, b) => a.id - b.id), ...pending], added };
}

/** The server stored the own message `cid` as `id`: it moves among the stored messages. */
export function acknowledge(list: readonly MessageItem[], cid: string, id: number, at: number): readonly MessageItem[] {
  const i = list.findIndex((m) => m.id === 0 && m.cid === cid);
  if (i < 0) return list; // not here, or acknowledged already
  const rest = list.filter((_, j) => j !== i);
  const acked: MessageItem = { ...list[i], id, at, delivery: 'acknowledged' };
  delete acked.error;
  return mergeMessages(rest, [acked]).messages;
}

/** Sets the delivery state of the unacknowledged own message `cid`. */
export function setDelivery(list: readonly MessageItem[], cid: string, delivery: 'sending' | 'failed', error?: string): readonly MessageItem[] {
  if (!list.some((m) => m.id === 0 && m.cid === cid)) return list;
  return list.map((m) => {
    if (m.id !== 0 || m.cid !== cid) return m;
    const next: MessageItem = { ...m, delivery };
    if (delivery === 'failed' && error !== undefined) next.error = error;
    else delete next.error;
    return next;
  });
}

/** The highest server id in the list (0 if none). */
export function newestId(list: readonly MessageItem[]): number {
  let max = 0;
  for (const m of list) if (m.id > max) max = m.id;
  return max;
}

/** The lowest server id in the list (0 if none): where paging back continues. */
export function oldestId(list: readonly MessageItem[]): number {
  for (const m of list) if (m.id > 0) return m.id;
  return 0;
}
