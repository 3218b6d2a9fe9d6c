import type { Consents } from './consent.js';
import type { NodeContext } from './context.js';
import type { Messaging } from './messaging.js';
import { parseRoomName, parseUserName } from './names.js';
import type { Rooms } from './rooms.js';
import type { Session } from './session.js';
import type { NameKey } from './types.js';
import { isRoomTarget } from '../vocabulary/names.js';

/** Typing notices from one session to one target: at most one per this interval. */
export const TYPING_INTERVAL_MS = 1000;
/** Targets whose last typing notice a session remembers. */
const TYPING_TARGETS_KEPT = 64;

/** Typing notices (docs/protocol.md §7.11): ephemeral, never stored, never an error. */
export class Typing {
  constructor(
    private readonly ctx: NodeContext,
    private readonly rooms: Rooms,
    private readonly messaging: Messaging,
    private readonly consents: Consents,
  ) {}

  /**
   * `session` is typing to a room ('#name') or a user: a notice to the room's other sessions or
   * to that user. Best effort: a target the session may not write to is ignored, and so is a
   * notice sooner than TYPING_INTERVAL_MS after the last one to the same target.
   */
  async notice(session: Session, target: string): Promise<void> {
    const now = this.ctx.now();
    let key: NameKey;
    try {
      key = isRoomTarget(target) ? parseRoomName(target).key : parseUserName(target).key;
    } catch {
      return;
    }
    const last = session.typingAt.get(key);
    if (last !== undefined && now - last < TYPING_INTERVAL_MS) return;
    if (session.typingAt.size >= TYPING_TARGETS_KEPT) session.typingAt.clear();
    session.typingAt.set(key, now);
    if (isRoomTarget(target)) {
      if (!session.rooms.has(key)) return;
      this.ctx.delivery.deliver({ kind: 'typing', room: await this.rooms.nameOf(key), user: session.name }, [key], [], session);
      return;
    }
    const who = await this.messaging.resolveUser(target).catch(() => undefined);
    if (!who || who.key === session.key || !(await this.consents.mayMessage(session, who.key))) return;
    this.ctx.delivery.deliver({ kind: 'typing', room: '', user: session.name }, [], [who.key], session);
  }
}
