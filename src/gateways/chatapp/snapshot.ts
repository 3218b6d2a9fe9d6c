import { ErrorCode } from '../../vocabulary/errors.js';
import { nameKey } from '../../vocabulary/name-keys.js';
import type { Connection } from '../../ports/connection.js';
import { encodeMessage, formatTimestamp } from './codec.js';
import { SERVER, type ChatappClient } from './context.js';
import { appRoom } from './names.js';

/** Rooms read per store query while the snapshot is made. */
export const SNAPSHOT_PAGE = 100;
/**
 * Bytes of snapshot that may wait for the client at once: past them the gateway lets the client
 * read before it adds more, so thousands of rooms never fill the send queue (docs/chatapp.md §9).
 */
export const SNAPSHOT_HIGH_WATER = 64 * 1024;
/**
 * The Connection port tells no one when its queue drains, so the gateway looks now and then; it
 * only does so while a snapshot is held back for a client that reads slowly.
 */
const DRAIN_POLL_MS = 5;

/**
 * CONNECT's snapshot (docs/chatapp.md §5.1, seed §7.a): a CreateRoomMessage for every room, in
 * pages, paced by the client's reading. Members are listed to a room's members only, when they
 * join it (docs/chatapp.md C13): a new user is in no room yet. Returns what it announced
 * (`c <room>` keys), so the rooms created meanwhile are not told twice; undefined if the
 * connection ended first.
 */
export async function sendSnapshot(c: ChatappClient): Promise<Set<string> | undefined> {
  const now = formatTimestamp(Date.now());
  const seen = new Set<string>();
  for (let after = ''; ;) {
    const page = await c.gw.node.roomPage(after, SNAPSHOT_PAGE);
    for (const room of page) {
      const r = appRoom(room.name);
      seen.add(`c ${nameKey(r)}`);
      c.reply(encodeMessage('CreateRoomMessage', SERVER, 'ALL', r, now));
    }
    if (page.length < SNAPSHOT_PAGE) return seen;
    after = page[page.length - 1].key;
    if (!(await drained(c.conn, c.gw.options.snapshotStallMs))) return undefined;
  }
}

/**
 * Waits until at most half the high-water mark is queued; false if the connection ended
 * meanwhile. A client that takes nothing for `stallMs` is cut off.
 */
async function drained(conn: Connection, stallMs: number): Promise<boolean> {
  if (conn.bufferedBytes <= SNAPSHOT_HIGH_WATER) return !conn.closed;
  let stalled = Date.now() + stallMs;
  let queued = conn.bufferedBytes;
  while (!conn.closed && conn.bufferedBytes > SNAPSHOT_HIGH_WATER / 2) {
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    if (conn.bufferedBytes < queued) {
      // The client reads, however slowly: it has another while to take the next bytes.
      queued = conn.bufferedBytes;
      stalled = Date.now() + stallMs;
    } else if (Date.now() > stalled) {
      conn.destroy({ code: ErrorCode.SLOW_CONSUMER, text: 'SLOW_CONSUMER' });
    }
  }
  return !conn.closed;
}
