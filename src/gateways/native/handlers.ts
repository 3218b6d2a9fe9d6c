import { ChatError, isChatError } from '../../core/errors.js';
import { ErrorCode } from '../../vocabulary/errors.js';
import type { Opened } from '../../core/node.js';
import type { RoomView } from '../../core/rooms.js';
import { CAPABILITIES, PROTOCOL_VERSIONS, type FrameOf, type FrameTypeName } from '../../protocol/frames.js';
import { statesOf, wireMembers, wireMessage } from './convert.js';
import { download, putPiece } from './files.js';
import { roomAdminHandlers } from './room-admin.js';
import { roomListPage } from './room-list.js';
import { requireSession, type NativeClient } from './context.js';

/**
 * One handler per client frame (docs/protocol.md §7). `needs` is checked before the handler runs:
 * 'session' frames need a login, 'no-session' frames are refused after one.
 */
export interface Handler<T extends FrameTypeName> {
  needs: 'any' | 'session' | 'no-session';
  run(c: NativeClient, f: FrameOf<T>): Promise<void> | void;
}
export type Table = { [T in FrameTypeName]?: Handler<T> };

const PROTOCOL = 'native';

function joined(c: NativeClient, ref: number, v: RoomView): void {
  c.send({ type: 'JOINED', ref, room: v.room, topic: v.topic, members: wireMembers(v.members), history: v.history.map(wireMessage), ...statesOf(v.history) });
}

type Replay = 'mailbox' | { since: number };

async function login(c: NativeClient, ref: number, open: () => Promise<Opened>, replay: Replay): Promise<void> {
  c.beginLogin();
  let opened: Opened;
  try {
    opened = await open();
  } catch (err) {
    c.abortLogin();
    throw err;
  }
  if (c.state === 'closed') {
    // The connection went away while the login was being checked.
    await c.gw.node.end(opened.session);
    return;
  }
  // `since` 0 means the client saw no message: it missed what came after its token was issued.
  const from = replay !== 'mailbox' && replay.since === 0 && opened.servedBefore ? { since: opened.servedBefore - 1 } : replay;
  await c.completeLogin(ref, opened, from);
}

export const handlers: Table = {
  // HELLO {versions, caps, agent}: pick the highest common version and the common capabilities.
  HELLO: {
    needs: 'any',
    run(c, f) {
      if (c.state !== 'handshake') return c.error(0, ErrorCode.PROTOCOL_ERROR, 'HELLO after the handshake');
      const common = f.versions.filter((v) => (PROTOCOL_VERSIONS as readonly number[]).includes(v));
      if (common.length === 0) {
        return c.fail(ErrorCode.VERSION_MISMATCH, `no common protocol version; server speaks ${PROTOCOL_VERSIONS.join(', ')}`, [...PROTOCOL_VERSIONS]);
      }
      const caps = f.caps.filter((cap) => (CAPABILITIES as readonly string[]).includes(cap));
      c.state = 'unauthenticated';
      c.caps = new Set(caps);
      const o = c.gw.options;
      c.send({ type: 'WELCOME', version: Math.max(...common), caps, server: o.serverName, maxFrame: o.maxFrame, heartbeatMs: o.heartbeatMs });
    },
  },
  // PING {n} -> PONG {n}
  PING: { needs: 'any', run: (c, f) => c.send({ type: 'PONG', n: f.n }) },
  // PONG {n}: liveness only (any frame counts).
  PONG: { needs: 'any', run: () => undefined },
  // BYE {code, text}: the client is leaving.
  BYE: { needs: 'any', run: (c) => c.close({ code: 0, text: 'bye' }) },

  // REGISTER {ref, name, password} -> SESSION
  REGISTER: {
    needs: 'no-session',
    run: (c, f) => login(c, f.ref, () => c.gw.node.register(f.name, f.password, c, PROTOCOL, { address: c.conn.remoteAddress }), 'mailbox'),
  },
  // LOGIN {ref, name, password, guest, token, since} -> SESSION (+ replay)
  LOGIN: {
    needs: 'no-session',
    run(c, f) {
      const node = c.gw.node;
      const address = c.conn.remoteAddress;
      if (f.token !== '') return login(c, f.ref, () => node.resume(f.token, c, PROTOCOL, { address }), { since: f.since });
      if (f.guest) return login(c, f.ref, () => node.guest(f.name, c, PROTOCOL, { address }), 'mailbox');
      return login(c, f.ref, () => node.login(f.name, f.password, c, PROTOCOL, { address }), 'mailbox');
    },
  },

  // CREATE {ref, room, topic} -> JOINED
  CREATE: { needs: 'session', run: async (c, f) => joined(c, f.ref, await c.gw.node.createRoom(requireSession(c), f.room, f.topic)) },
  // JOIN {ref, room, key?} -> JOINED
  JOIN: { needs: 'session', run: async (c, f) => joined(c, f.ref, await c.gw.node.join(requireSession(c), f.room, f.key ?? '')) },
  // LEAVE {ref, room} -> OK
  LEAVE: {
    needs: 'session',
    async run(c, f) {
      await c.gw.node.leave(requireSession(c), f.room);
      c.send({ type: 'OK', ref: f.ref });
    },
  },
  // ROOMS {ref, after, limit} -> ROOM_LIST {ref, rooms, next}: one page (§7.2.1)
  ROOMS: { needs: 'session', run: async (c, f) => c.send({ type: 'ROOM_LIST', ref: f.ref, ...(await roomListPage(c.gw.node, f, requireSession(c))) }) },
  // MEMBERS {ref, room} -> MEMBER_LIST
  MEMBERS: {
    needs: 'session',
    async run(c, f) {
      const members = await c.gw.node.members(requireSession(c), f.room);
      c.send({ type: 'MEMBER_LIST', ref: f.ref, room: f.room, members: wireMembers(members), voiced: members.filter((m) => m.voiced).map((m) => m.name) });
    },
  },
  // TOPIC {ref, room, topic} -> OK (members get TOPIC with ref 0)
  TOPIC: {
    needs: 'session',
    async run(c, f) {
      await c.gw.node.setTopic(requireSession(c), f.room, f.topic);
      c.send({ type: 'OK', ref: f.ref });
    },
  },

  // BLOCK {ref, user, blocked} -> OK (§7.4.1)
  BLOCK: {
    needs: 'session',
    async run(c, f) {
      await c.gw.node.block(requireSession(c), f.user, f.blocked);
      c.send({ type: 'OK', ref: f.ref });
    },
  },
  // SUSPEND {ref, user, reason, suspended} -> OK (server admins; §7.13)
  // NICK {ref, name} -> NICK {ref, user: old, name: new, token} (a guest's rename, §7.1.1)
  NICK: {
    needs: 'session',
    async run(c, f) {
      const session = requireSession(c);
      const old = session.name;
      const token = await c.gw.node.renameGuest(session, f.name);
      c.send({ type: 'NICK', ref: f.ref, user: old, name: session.name, token: token ?? '' });
    },
  },
  SUSPEND: {
    needs: 'session',
    async run(c, f) {
      await c.gw.node.suspend(requireSession(c), f.user, f.reason, f.suspended);
      c.send({ type: 'OK', ref: f.ref });
    },
  },
  ...roomAdminHandlers,
  // KICK / BAN / UNBAN {ref, room, user, ...} -> OK (§7.12; the room, and the user, get KICK with ref 0)
  KICK: {
    needs: 'session',
    async run(c, f) {
      await c.gw.node.kick(requireSession(c), f.room, f.user, f.reason);
      c.send({ type: 'OK', ref: f.ref });
    },
  },
  BAN: {
    needs: 'session',
    async run(c, f) {
      await c.gw.node.ban(requireSession(c), f.room, f.user, f.reason);
      c.send({ type: 'OK', ref: f.ref });
    },
  },
  UNBAN: {
    needs: 'session',
    async run(c, f) {
      await c.gw.node.unban(requireSession(c), f.room, f.user);
      c.send({ type: 'OK', ref: f.ref });
    },
  },

  // SEND {ref, cid, to[], text} -> ACK once durable. The next frame is read as soon as this one is
  // queued for storage, so one commit serves many sends; acks still leave in order.
  SEND: {
    needs: 'session',
    async run(c, f) {
      const started = performance.now();
      const { durable } = await c.gw.node.submit(requireSession(c), { cid: f.cid, to: f.to, text: f.text, files: f.files, replyTo: f.replyTo });
      durable.then(
        (m) => {
          c.send({ type: 'ACK', ref: f.ref, cid: f.cid, id: m.id, at: m.at });
          c.gw.observer.ackLatency?.((performance.now() - started) / 1000);
        },
        (err: unknown) => {
          c.gw.observer.internalError?.(err);
          c.error(f.ref, ErrorCode.INTERNAL, 'message could not be stored');
        },
      );
    },
  },
  // HISTORY {ref, with, before, after, limit} -> MESSAGES
  HISTORY: {
    needs: 'session',
    async run(c, f) {
      const page = await c.gw.node.history(requireSession(c), f.with, {
        before: f.before || undefined,
        after: f.after || undefined,
        limit: f.limit,
      });
      c.send({ type: 'MESSAGES', ref: f.ref, with: f.with, messages: page.messages.map(wireMessage), more: page.more, ...statesOf(page.messages) });
    },
  },
  // DIRECTS {ref, limit} -> MESSAGES {with ''}: the newest message of each recent direct conversation (§7.5.1)
  DIRECTS: {
    needs: 'session',
    async run(c, f) {
      const messages = await c.gw.node.recentDirect(requireSession(c), f.limit);
      c.send({ type: 'MESSAGES', ref: f.ref, with: '', messages: messages.map(wireMessage), more: false, ...statesOf(messages) });
    },
  },
  // EDIT {ref, id, text} -> OK (§7.14); those who can read the conversation get EDIT {0, id, text, by, at}
  EDIT: {
    needs: 'session',
    async run(c, f) {
      await c.gw.node.editMessage(requireSession(c), f.id, f.text);
      c.send({ type: 'OK', ref: f.ref });
    },
  },
  // DELETE {ref, id} -> OK (§7.14); they get DELETE {0, id, by, at}
  DELETE: {
    needs: 'session',
    async run(c, f) {
      await c.gw.node.deleteMessage(requireSession(c), f.id);
      c.send({ type: 'OK', ref: f.ref });
    },
  },
  // REACT {ref, id, emoji, on} -> OK (§7.14); they get REACT {0, id, emoji, on, user}
  REACT: {
    needs: 'session',
    async run(c, f) {
      await c.gw.node.react(requireSession(c), f.id, f.emoji, f.on);
      c.send({ type: 'OK', ref: f.ref });
    },
  },

  // READ {ref, with, id} -> READ {ref, with, id}: the marker now held (§7.15)
  READ: {
    needs: 'session',
    async run(c, f) {
      const held = await c.gw.node.markRead(requireSession(c), f.with, f.id);
      c.send({ type: 'READ', ref: f.ref, with: held.conversation, id: held.id });
    },
  },
  // UNREADS {ref, limit} -> UNREAD_LIST: rooms and the `limit` most recent direct conversations (§7.15)
  UNREADS: {
    needs: 'session',
    async run(c, f) {
      const counts = await c.gw.node.unreads(requireSession(c), f.limit);
      c.send({ type: 'UNREAD_LIST', ref: f.ref, unreads: counts.map((u) => ({ with: u.conversation, read: u.read, unread: u.unread, mentions: u.mentions })) });
    },
  },
  // SEARCH {ref, query, before, limit} -> MESSAGES {with ''}, newest first (§7.16)
  SEARCH: {
    needs: 'session',
    async run(c, f) {
      const page = await c.gw.node.search(requireSession(c), f.query, f.before, f.limit);
      c.send({ type: 'MESSAGES', ref: f.ref, with: '', messages: page.messages.map(wireMessage), more: page.more, ...statesOf(page.messages) });
    },
  },

  // SET_POLICY {ref, policy} -> OK
  SET_POLICY: {
    needs: 'session',
    async run(c, f) {
      await c.gw.node.setPolicy(requireSession(c), f.policy);
      c.send({ type: 'OK', ref: f.ref });
    },
  },
  // CONSENT_ASK {ref, user} -> OK; the user gets CONSENT_ASK {ref 0, user = asker}
  CONSENT_ASK: {
    needs: 'session',
    async run(c, f) {
      await c.gw.node.askConsent(requireSession(c), f.user);
      c.send({ type: 'OK', ref: f.ref });
    },
  },
  // CONSENT {ref, user, accept} -> OK; the asker gets CONSENT {ref 0, user = answerer, accept}
  CONSENT: {
    needs: 'session',
    async run(c, f) {
      if (f.user === '') throw new ChatError('BAD_REQUEST', 'user is required');
      await c.gw.node.answerConsent(requireSession(c), f.user, f.accept);
      c.send({ type: 'OK', ref: f.ref });
    },
  },

  // TYPING {to, user ''}: no answer, ever (§7.11); the others in `to` get TYPING {room or '', user}
  TYPING: { needs: 'session', run: (c, f) => c.gw.node.typing(requireSession(c), f.to) },

  // FILE_OFFER {ref, name, size, mediaType, sha256} -> FILE_TICKET (docs/protocol.md §7.10)
  FILE_OFFER: {
    needs: 'session',
    async run(c, f) {
      const t = await c.gw.node.offerFile(requireSession(c), { name: f.name, size: f.size, mediaType: f.mediaType, sha256: f.sha256 }, f.ref);
      c.send({ type: 'FILE_TICKET', ref: f.ref, ticket: t.ticket, file: t.file, chunk: t.chunk, window: t.window });
    },
  },
  // FILE_PUT {ticket, offset, last, data} -> FILE_PROGRESS now and then; FILE_STORED or ERROR at the end
  FILE_PUT: { needs: 'session', run: (c, f) => putPiece(c.files, c.gw.node, f) },
  // FILE_GET {ref, file, offset} -> FILE_DATA... The download runs beside the frames that follow.
  FILE_GET: {
    needs: 'session',
    run(c, f) {
      if (c.downloads >= MAX_DOWNLOADS) throw new ChatError('RATE_LIMITED', `at most ${MAX_DOWNLOADS} downloads at once`);
      c.downloads++;
      void download(c.files, c.gw.node, f)
        .catch((err: unknown) => {
          if (isChatError(err)) return c.error(f.ref, err.code, err.message);
          c.gw.observer.internalError?.(err);
          c.error(f.ref, ErrorCode.INTERNAL, 'the download failed');
        })
        .finally(() => c.downloads--);
    },
  },
};

/** Downloads one connection may run at once. */
const MAX_DOWNLOADS = 4;
