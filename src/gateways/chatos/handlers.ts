import { DEFAULT_ROOM, type Opened } from '../../core/node.js';
import { nameKey } from '../../vocabulary/name-keys.js';
import type { Session } from '../../core/session.js';
import { encodeAck, encodeError, encodePrivateAnswer, type Packet, type PacketName } from './codec.js';
import { CHATOS_PROTOCOL, type ChatosClient } from './context.js';
import { ChatosError, ChatosFault } from './errors.js';

/**
 * One handler per opcode (docs/chatos.md §5). `needs` is checked first: 'login' packets are
 * refused once logged in, 'session' packets before; 'any' packets are taken in every state.
 */
interface Handler<N extends PacketName> {
  needs: 'any' | 'login' | 'session';
  run(c: ChatosClient, p: Extract<Packet, { op: N }>): Promise<void> | void;
}
type Table = { [N in PacketName]: Handler<N> };

const GENERAL_KEY = nameKey(DEFAULT_ROOM);

function session(c: ChatosClient): Session {
  if (!c.session) throw new ChatosFault(ChatosError.BAD_DATA, 'log in first');
  return c.session;
}

function required(value: string, what: string): void {
  if (value.trim() === '') throw new ChatosFault(ChatosError.MISSING_DATA, `${what} is missing`);
}

/** A user the packet names, as the core resolves it (error 3 when there is none); never oneself. */
async function peer(c: ChatosClient, nick: string): Promise<{ key: string; name: string }> {
  const who = await c.gw.node.resolveUser(nick);
  if (who.key === session(c).key) throw new ChatosFault(ChatosError.BAD_DATA, 'a private connection needs another user');
  return who;
}

export const handlers: Table = {
  // 0 LOGIN nickname\0 -> ACK 0 (docs/chatos.md §5.1). A guest session, placed in the general chat.
  LOGIN: {
    needs: 'login',
    async run(c, p) {
      required(p.nick, 'the nickname');
      const node = c.gw.node;
      c.state = 'logging-in';
      let opened: Opened;
      try {
        // Private messages to a ChatOS user need a private connection, whoever sends them (§8).
        opened = await node.guest(p.nick, c, CHATOS_PROTOCOL, { guestDmPolicy: 'consent', address: c.conn.remoteAddress });
      } catch (err) {
        c.loginFailed();
        throw err;
      }
      try {
        // The general chat carries no history in ChatOS (§1: "without saves of the chat").
        if (!c.closed) await node.enterDefaultRoom(opened.session);
      } catch (err) {
        await node.end(opened.session);
        c.loginFailed();
        throw err;
      }
      if (c.closed) {
        // The connection went away while the login was being completed: nobody holds the session.
        await node.end(opened.session);
        return;
      }
      c.loggedIn(opened.session, encodeAck(0n));
    },
  },

  // 1 CHAT id target\0 message\0 -> ACK id once durable (§5.2). Target '' (or "#general"): the
  // general chat; a nickname: a private message, which needs a private connection (error 4).
  CHAT: {
    needs: 'session',
    async run(c, p) {
      const s = session(c);
      const earlier = c.recent.get(p.id);
      if (earlier) {
        // A retransmission (§5.2 "if the client needs to resend it"): acknowledged again, not resent.
        c.replyLater(earlier);
        return;
      }
      required(p.text, 'the message');
      let to: string;
      if (p.target === '' || nameKey(p.target) === GENERAL_KEY) {
        to = DEFAULT_ROOM;
      } else {
        const who = await peer(c, p.target);
        if (!(await c.gw.node.hasConsent(s.key, who.key))) {
          throw new ChatosFault(ChatosError.NO_PRIVATE_CONNECTION, `${who.name} has not accepted a private connection with you`);
        }
        to = who.name;
      }
      // The core's idempotency carries the id: a resend after the window of `recent` is still one message.
      const { durable } = await c.gw.node.submit(s, { cid: `chatos:${c.nonce}:${p.id}`, to: [to], text: p.text });
      const answer = durable.then(
        () => encodeAck(p.id),
        (err: unknown) => {
          c.gw.observer.internalError?.(err);
          c.recent.delete(p.id); // not stored: a resend is a new attempt
          return encodeError(ChatosError.UNAVAILABLE, `packet ${p.id}: the message could not be stored`);
        },
      );
      c.remember(p.id, answer);
      c.replyLater(answer);
    },
  },

  // 2 ACK id: the seed defines no client ACK; a client that acknowledges what it receives is heard
  // and nothing more is done.
  ACK: { needs: 'any', run: () => undefined },

  // 3 ERROR code message\0: a client's report; nothing to answer.
  ERROR: { needs: 'any', run: () => undefined },

  // 4 PRIVATE_ASK nickname\0 (§5.3): relayed to that user as a consent request. Already connected:
  // answered at once with a yes (5) from that user, as the core sends no second request then.
  PRIVATE_ASK: {
    needs: 'session',
    async run(c, p) {
      required(p.nick, 'the nickname');
      const s = session(c);
      const who = await peer(c, p.nick);
      if (await c.gw.node.hasConsent(s.key, who.key)) return c.reply(encodePrivateAnswer(true, who.name));
      await c.gw.node.askConsent(s, who.name);
    },
  },

  // 5 PRIVATE_ANSWER yes/no asker\0 (§5.4): answers the asker's request; the asker gets 5 with
  // this user's nickname. The core decides what may be answered (protocol.md §7.4): answering
  // someone who never asked is an error in data (its NO_CONSENT_REQUEST), and records nothing.
  PRIVATE_ANSWER: {
    needs: 'session',
    async run(c, p) {
      required(p.nick, 'the nickname');
      const who = await peer(c, p.nick);
      await c.gw.node.answerConsent(session(c), who.name, p.accept);
    },
  },
};
