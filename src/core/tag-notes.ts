import type { Consents } from './consent.js';
import type { NodeContext } from './context.js';
import { ChatError } from './errors.js';
import type { Messaging, RoomSendPolicy } from './messaging.js';
import { parseRoomName } from './names.js';
import type { Session } from './session.js';
import type { TagNote } from './types.js';
import { isRoomTarget } from '../vocabulary/names.js';

/**
 * Client tags sent on their own, without text (IRCv3 TAGMSG, docs/irc.md §5.3): a reaction, a
 * reply marker or a typing state a client attaches to a conversation. Live only, never stored:
 * they go to the target's sessions now (the sender's other sessions too), as typing notices do,
 * under the rules a message to the same target must pass.
 */
export class TagNotes {
  constructor(
    private readonly ctx: NodeContext,
    private readonly sendPolicy: RoomSendPolicy,
    private readonly messaging: Messaging,
    private readonly consents: Consents,
  ) {}

  /** Sends `tags` to a room ('#name') or a user; resolves with the note as its receivers get it. */
  async send(session: Session, target: string, tags: Readonly<Record<string, string>>): Promise<TagNote> {
    const now = this.ctx.now();
    // As costly to others as a message: it counts against the same rate.
    if (!session.bucket.take(now)) throw new ChatError('RATE_LIMITED', 'too many messages; slow down');
    const base = { id: this.ctx.ids.next(now), at: now, from: session.name, fromKey: session.key, guest: session.guest, tags: { ...tags } };
    if (isRoomTarget(target)) {
      const { key } = parseRoomName(target);
      const room = await this.ctx.store.getRoom(key);
      if (!room) throw new ChatError('NO_SUCH_ROOM', `no such room: ${target}`);
      await this.sendPolicy.checkSend(session, key, room.name);
      const note: TagNote = { ...base, to: room.name, room: true };
      this.ctx.delivery.deliver({ kind: 'tags', note }, [key], [], session);
      return note;
    }
    const who = await this.messaging.resolveUser(target);
    if (who.key !== session.key && !(await this.consents.mayMessage(session, who.key))) {
      throw new ChatError('CONSENT_REFUSED', `${who.name} does not accept direct messages from you`);
    }
    const note: TagNote = { ...base, to: who.name, room: false };
    const users = who.key === session.key ? [who.key] : [who.key, session.key];
    this.ctx.delivery.deliver({ kind: 'tags', note }, [], users, session);
    return note;
  }
}
