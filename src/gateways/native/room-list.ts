import type { Session } from '../../core/session.js';
import { ChatError } from '../../core/errors.js';
import type { ChatNode } from '../../core/node.js';
import { Limits, type FrameOf, type WireRoom } from '../../protocol/frames.js';

/**
 * Bytes of names and topics one ROOM_LIST carries at most (docs/protocol.md §7.2.1): with 300-byte
 * topics that is about a hundred rooms, a frame that leaves at once instead of filling the send
 * queue of a client that asks for 500.
 */
export const ROOM_LIST_BYTES = 32_768;

const encoder = new TextEncoder();

/** What one room adds to the page's byte budget: its name and topic (their lengths and count are small change). */
function cost(room: WireRoom): number {
  return encoder.encode(room.name).length + encoder.encode(room.topic).length;
}

/**
 * ROOMS {after, limit} -> ROOM_LIST {rooms, next}: one page, read with one store query. A page ends
 * at `limit` rooms or before its rooms pass ROOM_LIST_BYTES, whichever comes first; `next` is the
 * key of its last room when more follow, '' at the end.
 */
export async function roomListPage(node: ChatNode, f: FrameOf<'ROOMS'>, viewer: Session): Promise<{ rooms: WireRoom[]; next: string }> {
  const limit = f.limit || Limits.ROOM_PAGE_DEFAULT;
  if (limit > Limits.ROOM_PAGE) throw new ChatError('BAD_REQUEST', `a page has at most ${Limits.ROOM_PAGE} rooms`);
  // One more than asked for tells whether the list goes on.
  const found = await node.roomPage(f.after ?? '', limit + 1, viewer);
  const rooms: WireRoom[] = [];
  let bytes = 0;
  let last = '';
  for (const r of found) {
    if (rooms.length === limit) break;
    const room = { name: r.name, topic: r.topic, members: r.members };
    bytes += cost(room);
    // The first room always goes: a page that cannot hold one would never end.
    if (rooms.length > 0 && bytes > ROOM_LIST_BYTES) break;
    rooms.push(room);
    last = r.key;
  }
  return { rooms, next: rooms.length < found.length ? last : '' };
}
