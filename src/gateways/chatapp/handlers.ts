import { isChatError } from '../../core/errors.js';
import { nameKey } from '../../vocabulary/name-keys.js';
import type { RoomView } from '../../core/rooms.js';
import type { Session } from '../../core/session.js';
import { byteLength, encodeError, encodeMessage, formatTimestamp, Limits, type AppMessage, type MessageType } from './codec.js';
import { CHATAPP_PROTOCOL, SERVER, type ChatappClient } from './context.js';
import { AppErrorCode, AppFault, appCode } from './errors.js';
import { announcement, chatBytes } from './events.js';
import { appRoom, checkName, coreRoom, nameFault } from './names.js';
import { sendSnapshot } from './snapshot.js';

/**
 * One handler per message type (docs/chatapp.md §5). `needs: 'session'` types are refused before
 * CONNECT; `checksSender` types must carry the connection's username (error 23).
 */
interface Handler {
  needs: 'any' | 'session';
  checksSender: boolean;
  run(c: ChatappClient, m: AppMessage): Promise<void> | void;
}

function session(c: ChatappClient): Session {
  if (!c.session) throw new AppFault(AppErrorCode.GENERIC, 'ERROR: send a ConnectionMessage CONNECT first');
  return c.session;
}

/** A comma-separated list of rooms (seed §6.e: a client may name several). */
function roomList(data: string): string[] {
  const names = data.split(',').map((n) => n.trim());
  if (names.every((n) => n === '')) throw new AppFault(AppErrorCode.EMPTY, 'ERROR: empty string submitted');
  return names.filter((n) => n !== '');
}

function fault(err: unknown): AppFault | unknown {
  const e = nameFault(err);
  return isChatError(e) ? new AppFault(appCode(e.errorName), `ERROR: ${e.message}`) : e;
}

export const handlers: Record<MessageType, Handler> = {
  // CONNECT (seed §6.b, §7.a) and QUIT (§6.k, §7.b).
  ConnectionMessage: {
    needs: 'any',
    checksSender: false,
    async run(c, m) {
      const what = m.data.trim();
      if (what === 'QUIT') {
        // The answers due (a chat echo waiting to be stored) go first. The leaves go to everyone
        // from the core's teardown of the session (onClosed).
        c.end({ code: 0, text: 'QUIT' });
        return;
      }
      if (c.state !== 'connect') throw new AppFault(AppErrorCode.GENERIC, 'ERROR: already connected');
      if (what !== 'CONNECT') throw new AppFault(AppErrorCode.GENERIC, "ERROR: a ConnectionMessage's data is CONNECT or QUIT", true);
      let name: string;
      try {
        name = checkName(m.sender, 'username');
      } catch (err) {
        throw err instanceof AppFault ? new AppFault(err.code, err.message, true) : err;
      }
      c.state = 'connecting';
      let s: Session;
      try {
        s = (await c.gw.node.guest(name, c, CHATAPP_PROTOCOL, { address: c.conn.remoteAddress })).session;
      } catch (err) {
        c.state = 'connect';
        const f = fault(err);
        if (f instanceof AppFault) {
          const text = f.code === AppErrorCode.NAME_IN_USE ? `CONNECTION ERROR: ${name} username already in use` : f.message;
          throw new AppFault(f.code, text, true);
        }
        throw f;
      }
      if (c.closed) {
        await c.gw.node.end(s);
        return;
      }
      c.loggedIn(s, false);
      // §7.a: a CreateRoomMessage for every room (members only to members, docs/chatapp.md C13).
      const seen = await sendSnapshot(c);
      if (!seen) return;
      c.loggedIn(s, true);
      // What happened meanwhile, less what the snapshot already said.
      for (const e of c.takeEarly()) {
        if (e.kind === 'room-created' && seen.has(`c ${nameKey(appRoom(e.room))}`)) continue;
        if (!c.mayHear(e)) continue;
        const bytes = announcement(e);
        if (bytes) c.reply(bytes);
      }
    },
  },

  // §6.c, §7.c: create a room; everyone gets the CreateRoomMessage (and the creator's JoinMessage:
  // a core room's creator is its first member, docs/chatapp.md §11).
  CreateRoomMessage: {
    needs: 'session',
    checksSender: true,
    async run(c, m) {
      const room = checkName(m.data, 'room name');
      try {
        await c.gw.node.createRoom(session(c), coreRoom(room), '');
      } catch (err) {
        const f = fault(err);
        if (f instanceof AppFault && f.code === AppErrorCode.ROOM_EXISTS) throw new AppFault(f.code, `ROOM ERROR: ${room} name already in use`);
        throw f;
      }
    },
  },

  // §6.e, §7.d: join one room or a comma-separated list; the joiner gets a JoinMessage for each
  // other member (C13: the member list, for members only), then the last 10 messages.
  JoinMessage: {
    needs: 'session',
    checksSender: true,
    async run(c, m) {
      const s = session(c);
      const rooms = roomList(m.data);
      let failed = 0;
      for (const raw of rooms) {
        try {
          const room = checkName(raw, 'room name');
          const core = coreRoom(room);
          if (s.rooms.has(nameKey(core))) throw new AppFault(AppErrorCode.ALREADY_JOINED, `ROOM ERROR: ${s.name} username already joined to ${room}`);
          let view: RoomView;
          // Joins and leaves announced while the view is made are news the list must not undo.
          const announced = c.watchRoom(core);
          try {
            view = await c.gw.node.join(s, core);
          } catch (err) {
            const f = fault(err);
            if (f instanceof AppFault && f.code === AppErrorCode.NO_SUCH_ROOM) throw new AppFault(f.code, `ROOM ERROR: ${room} does not exist`);
            throw f;
          } finally {
            c.unwatchRoom(core);
          }
          const dest = appRoom(view.room);
          const now = formatTimestamp(Date.now());
          for (const member of view.members) {
            const key = nameKey(member.name);
            if (key !== nameKey(s.name) && !announced.has(key)) c.reply(encodeMessage('JoinMessage', member.name, SERVER, dest, now));
          }
          // ChatApp has no word for a deletion: a deleted message is left out (docs/chatapp.md §5.4).
          for (const h of view.history) if (!h.deleted) c.reply(chatBytes(h, dest));
        } catch (err) {
          if (!(err instanceof AppFault) || rooms.length === 1) throw err;
          failed++;
          c.error(err.code, err.message);
        }
      }
      if (failed > 0) throw new AppFault(AppErrorCode.PARTIAL_JOIN, 'WARNING: could not join all selected rooms');
    },
  },

  // §6.i, §7.e: leave a room; everyone gets the LeaveMessage.
  LeaveMessage: {
    needs: 'session',
    checksSender: true,
    async run(c, m) {
      const room = checkName(m.data, 'room name');
      try {
        await c.gw.node.leave(session(c), coreRoom(room));
      } catch (err) {
        const f = fault(err);
        if (f instanceof AppFault && f.code === AppErrorCode.NO_SUCH_ROOM) throw new AppFault(f.code, `ROOM ERROR: ${room} does not exist`);
        if (f instanceof AppFault && f.code === AppErrorCode.NOT_JOINED) throw new AppFault(f.code, `ROOM ERROR: ${session(c).name} username not joined to ${room}`);
        throw f;
      }
    },
  },

  // §6.g, §7.f: a message to one joined room, or to several at once (dest "a,b": one message,
  // stored once). The sender gets it back once durable: ChatApp has no other acknowledgement.
  ChatMessage: {
    needs: 'session',
    checksSender: true,
    async run(c, m) {
      const s = session(c);
      const rooms = roomList(m.dest).map((r) => checkName(r, 'room name'));
      if (m.data.trim() === '') throw new AppFault(AppErrorCode.EMPTY, 'ERROR: empty string submitted');
      if (byteLength(m.data) > Limits.DATA_MAX) throw new AppFault(AppErrorCode.DATA_TOO_LONG, `MSG ERROR: data in message exceeds ${Limits.DATA_MAX}`);
      for (const room of rooms) {
        const key = nameKey(coreRoom(room));
        if (!(await c.gw.node.roomExists(key))) throw new AppFault(AppErrorCode.MESSAGE_TO_NO_ROOM, `ROOM ERROR: ${room} does not exist`);
        if (!s.rooms.has(key)) throw new AppFault(AppErrorCode.NOT_JOINED, `ROOM ERROR: ${s.name} username not joined to ${room}`);
      }
      let durable;
      try {
        ({ durable } = await c.gw.node.submit(s, { cid: '', to: rooms.map(coreRoom), text: m.data }));
      } catch (err) {
        throw fault(err);
      }
      c.replyLater(durable.then(
        (stored) => {
          const parts = stored.to.filter((t) => t.startsWith('#')).map((t) => chatBytes(stored, appRoom(t)));
          return parts.length === 1 ? parts[0] : joinBytes(parts);
        },
        (err: unknown) => {
          c.gw.observer.internalError?.(err);
          return encodeError(AppErrorCode.GENERIC, 'ERROR UNSPECIFIED: the message could not be stored');
        },
      ));
    },
  },
};

function joinBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
