import { isChatError, type ChatError } from '../../core/errors.js';
import { type ErrorName } from '../../vocabulary/errors.js';
import type { Opened } from '../../core/node.js';
import { isRoomTarget } from '../../vocabulary/names.js';
import type { ChatMessage } from '../../core/types.js';
import { encodeDownload, type Command, type CommandName } from './codec.js';
import { ConnectionClosedError } from '../../ports/connection.js';
import { CP_PROTOCOL, type CpClient } from './context.js';
import { Reply } from './replies.js';

/**
 * One handler per CP command (docs/cp.md §5). The connection checks the state against ALLOWED (states.ts)
 * before calling it; each handler answers and sets the next state itself.
 */
type Handler<C extends CommandName> = (c: CpClient, pdu: Extract<Command, { command: C }>) => Promise<void> | void;
type Table = { [C in CommandName]: Handler<C> };

/** Core refusals an SMSG answers with 540 (the rest are 545 or 500, see SMSG). */
const SEND_REFUSALS: Partial<Record<ErrorName, string>> = {
  CONSENT_REQUIRED: 'the receiver accepts messages only after consent; a request was sent',
  CONSENT_REFUSED: 'the receiver refuses your messages',
  RATE_LIMITED: 'too many messages; slow down',
};

/** Thrown from the mailbox callback when the connection is gone, so the rest stays in the mailbox. */
class ConnectionGone extends Error {}

/**
 * The detail of a 565 for a login refused before its password was checked: when to try again.
 * Every other failure keeps the bare 565, so a reply never tells a wrong password from an
 * unknown name.
 */
function waitDetail(err: ChatError): string | undefined {
  if (err.errorName !== 'LOGIN_THROTTLED' && err.errorName !== 'LOGIN_BUSY') return undefined;
  const seconds = Math.max(1, Math.ceil(err.retryMs / 1000));
  return err.errorName === 'LOGIN_BUSY' ? `server busy, try again in ${seconds} s` : `too many attempts, wait ${seconds} s`;
}

export const handlers: Table = {
  // USER <name>: 1-10 bytes. 220 for every well-formed name, existing or not (seed §Security).
  USER(c, pdu) {
    c.userName = pdu.name;
    c.state = 'user-validated';
    c.reply(Reply.USER_RECEIVED);
  },

  // PASS <password>: 1-15 bytes. 230, or 565 whatever failed (unknown user or wrong password);
  // a throttled or busy login is 565 too, with a detail that says how long to wait (docs/cp.md §5.2).
  async PASS(c, pdu) {
    const name = c.userName ?? '';
    c.userName = undefined;
    c.state = 'authenticating';
    let opened: Opened;
    try {
      // Not live: messages for the user wait in its mailbox until RMSG downloads them.
      opened = await c.gw.node.login(name, pdu.password, c, CP_PROTOCOL, { live: false, address: c.conn.remoteAddress });
    } catch (err) {
      if (!isChatError(err)) c.gw.observer.internalError?.(err);
      if (c.closed) return;
      c.state = 'idle';
      return c.reply(Reply.AUTH_FAILED, isChatError(err) ? waitDetail(err) : undefined);
    }
    if (c.closed) {
      // The connection went away while the password was being checked.
      await c.gw.node.end(opened.session);
      return;
    }
    c.session = opened.session;
    c.state = 'process-command';
    c.reply(Reply.AUTHENTICATED);
  },

  // SMSG <receiver>:<message>: receiver 1-10 bytes, message 1-1009 bytes (may contain ':').
  // 240 once stored; 545 no such user; 540 refused or not stored (-> Error Processing).
  // Sending Message lasts until the message is queued for storage: the next PDU is read then, and
  // 240 follows the commit, in order (docs/cp.md §7.4).
  async SMSG(c, pdu) {
    if (isRoomTarget(pdu.to)) return c.reply(Reply.NO_SUCH_RECEIVER, `${pdu.to} is a room, not a user`);
    if (pdu.text.trim() === '') return c.reply(Reply.BAD_COMMAND, 'empty message');
    const session = c.requireSession();
    c.state = 'sending';
    let durable: Promise<ChatMessage>;
    try {
      ({ durable } = await c.gw.node.submit(session, { cid: '', to: [pdu.to], text: pdu.text }));
    } catch (err) {
      if (c.closed) return;
      if (isChatError(err) && err.errorName === 'NO_SUCH_USER') {
        c.state = 'process-command';
        return c.reply(Reply.NO_SUCH_RECEIVER);
      }
      if (isChatError(err) && err.errorName === 'EMPTY_MESSAGE') {
        c.state = 'process-command';
        return c.reply(Reply.BAD_COMMAND, 'empty message');
      }
      const reason = isChatError(err) ? SEND_REFUSALS[err.errorName] : undefined;
      if (!reason) c.gw.observer.internalError?.(err);
      c.state = 'error-processing';
      return c.reply(Reply.SEND_FAILED, reason ?? 'message not stored');
    }
    if (c.closed) return;
    c.state = 'process-command';
    c.replyWhenStored(durable);
  },

  // RMSG: every waiting message as `250 sender:text` then 255, or 256 when none waits.
  // 550 if the mailbox cannot be read (-> Error Processing). The messages leave the mailbox only
  // once the client's next PDU shows it read them (docs/cp.md §8.4): at least once.
  async RMSG(c) {
    const session = c.requireSession();
    c.state = 'receiving';
    let count: number;
    let shown = 0;
    try {
      count = await c.gw.node.takeMailbox(
        session,
        (m: ChatMessage) => {
          if (c.closed) throw new ConnectionGone();
          // A message deleted while it waited is not downloaded; it leaves the mailbox with the rest.
          if (m.deleted) return;
          if (!c.conn.send(encodeDownload(m.from, m.text))) throw new ConnectionGone();
          shown++;
        },
        // Each slice is written out before the next is read, so a download never piles up in the
        // send queue; what was written waits for the client's confirmation.
        async (ids) => {
          await c.conn.written();
          c.downloaded(session, ids);
        },
      );
    } catch (err) {
      if (c.closed || err instanceof ConnectionGone || err instanceof ConnectionClosedError) return;
      c.gw.observer.internalError?.(err);
      c.state = 'error-processing';
      return c.reply(Reply.DOWNLOAD_FAILED);
    }
    if (c.closed) return;
    c.state = 'process-command';
    c.reply(shown > 0 ? Reply.END_OF_MESSAGES : Reply.NO_NEW_MESSAGES);
    // Deleted messages were not shown but still leave the mailbox once the client confirms.
    if (count === 0) return;
    try {
      await c.conn.written();
      c.downloadWritten();
    } catch (err) {
      if (!(err instanceof ConnectionClosedError)) throw err;
    }
  },

  // TERM: logs out and returns to Idle from any resting state. No reply, except 201 when it
  // leaves Error Processing (docs/cp.md §7.2).
  async TERM(c) {
    const recovering = c.state === 'error-processing';
    c.userName = undefined;
    const session = c.session;
    c.session = undefined;
    c.state = 'idle';
    if (session) c.loggedOutSince = Date.now();
    if (session) await c.gw.node.end(session);
    if (recovering) c.reply(Reply.RECOVERED);
  },
};

