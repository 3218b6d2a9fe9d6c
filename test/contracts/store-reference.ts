// The Store's query rules written the plainest way (filter everything, sort, cut), to check the
// engines' indexed queries against on random data.
import type { ChatMessage, HistoryQuery, MessageId, NameKey } from '../../src/core/types.js';

export function referencePage(all: readonly ChatMessage[], q: HistoryQuery): MessageId[] {
  const inRange = all
    .filter((m) => (q.before === undefined || m.id < q.before) && (q.after === undefined || m.id > q.after))
    .map((m) => m.id)
    .sort((a, b) => a - b);
  if (q.before === undefined && q.after !== undefined) return inRange.slice(0, q.limit);
  return inRange.slice(Math.max(0, inRange.length - q.limit));
}

export function referenceRoom(all: readonly ChatMessage[], room: NameKey, q: HistoryQuery): MessageId[] {
  return referencePage(all.filter((m) => m.rooms.includes(room)), q);
}

export function referenceDm(all: readonly ChatMessage[], a: NameKey, b: NameKey, q: HistoryQuery): MessageId[] {
  return referencePage(all.filter((m) => (m.fromKey === a && m.users.includes(b)) || (m.fromKey === b && m.users.includes(a))), q);
}

export function referenceMissed(
  all: readonly ChatMessage[], user: NameKey, rooms: readonly NameKey[], after: MessageId, limit: number,
): MessageId[] {
  return all
    .filter((m) => m.id > after && (m.fromKey === user || m.users.includes(user) || m.rooms.some((r) => rooms.includes(r))))
    .map((m) => m.id)
    .sort((a, b) => a - b)
    .slice(-limit);
}
