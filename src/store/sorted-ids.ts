import type { HistoryQuery, MessageId } from '../core/types.js';

// Ascending arrays of message ids, the memory engine's indexes. Ids normally arrive in order,
// so inserting is an append; binary search keeps paging O(log n + limit) on long histories.

/** Index of the first element >= id. */
export function lowerBound(ids: readonly MessageId[], id: MessageId): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element > id. */
export function upperBound(ids: readonly MessageId[], id: MessageId): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Adds id in order; returns false when it is already there. */
export function insertSorted(ids: MessageId[], id: MessageId): boolean {
  const n = ids.length;
  if (n === 0 || ids[n - 1] < id) {
    ids.push(id);
    return true;
  }
  const at = lowerBound(ids, id);
  if (ids[at] === id) return false;
  ids.splice(at, 0, id);
  return true;
}

export function removeSorted(ids: MessageId[], id: MessageId): boolean {
  const at = lowerBound(ids, id);
  if (at >= ids.length || ids[at] !== id) return false;
  ids.splice(at, 1);
  return true;
}

/** The page of `ids` a history query selects, oldest first (ordering rule of ports/store.ts). */
export function page(ids: readonly MessageId[], q: HistoryQuery): MessageId[] {
  const limit = Math.max(0, Math.floor(q.limit));
  const lo = q.after === undefined ? 0 : upperBound(ids, q.after);
  if (q.before !== undefined) {
    const hi = lowerBound(ids, q.before);
    return hi <= lo ? [] : ids.slice(Math.max(lo, hi - limit), hi);
  }
  if (q.after !== undefined) return ids.slice(lo, lo + limit);
  return ids.slice(Math.max(0, ids.length - limit));
}

/**
 * The newest `limit` ids greater than `after` across several ascending indexes, ascending and
 * without duplicates: what a resuming session replays (older ones it fetches as history).
 */
export function newestAfter(sources: readonly (readonly MessageId[])[], after: MessageId, limit: number): MessageId[] {
  const n = Math.max(0, Math.floor(limit));
  const picked = new Set<MessageId>();
  for (const ids of sources) {
    const from = Math.max(upperBound(ids, after), ids.length - n);
    for (let i = from; i < ids.length; i++) picked.add(ids[i]);
  }
  const all = [...picked].sort((a, b) => a - b);
  return all.slice(Math.max(0, all.length - n));
}
