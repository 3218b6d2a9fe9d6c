// A CP client (seed 002) made of the gateway's codec and a TCP socket. CP has no rooms and no live
// delivery: each sender's messages go by SMSG to one partner user, and every client downloads
// its mailbox with RMSG: again at once after a download that brought messages, after POLL_MS
// after one that found none. Replies come in command order, so a FIFO of the commands sent says
// what each reply answers.
import { encodePass, encodeRmsg, encodeSmsg, encodeUser, ReplyDecoder } from '../../src/gateways/cp/codec.js';
import { Reply } from '../../src/gateways/cp/replies.js';
import { openPipe } from './byte-pipe.js';
import { within, type BenchClient, type ClientSpec, type Inbox } from './types.js';

const SETUP_TIMEOUT_MS = 30_000;
/** A mailbox found empty is asked again after this long: CP's delivery is polling, and this is its cost. */
export const POLL_MS = 20;

type Pending = { kind: 'smsg'; cid: string } | { kind: 'rmsg' } | { kind: 'login'; done: (code: number) => void };

export async function openCp(spec: ClientSpec, inbox: Inbox): Promise<BenchClient> {
  const at = spec.server.gateway;
  if (!at || spec.server.password === undefined) throw new Error('the confab server announced no CP listener');
  const pipe = await openPipe('tcp', at);
  const decoder = new ReplyDecoder();
  const pending: Pending[] = [];
  let head = 0;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let got = 0; // messages in the download under way

  const command = (bytes: Uint8Array, p: Pending): void => {
    pending.push(p);
    pipe.write(bytes);
  };
  const poll = (): void => {
    timer = undefined;
    if (!closed) command(encodeRmsg(), { kind: 'rmsg' });
  };
  const take = (): Pending | undefined => {
    const p = pending[head++];
    if (head > 1024 && head * 2 > pending.length) {
      pending.splice(0, head);
      head = 0;
    }
    return p;
  };

  pipe.onData((bytes) => {
    for (const r of decoder.push(bytes)) {
      const p = pending[head];
      if (p === undefined) {
        inbox.error(r.code);
        continue;
      }
      if (p.kind === 'rmsg') {
        if (r.code === Reply.MESSAGE_DOWNLOADED) {
          got++;
          inbox.message(r.text.slice(r.text.indexOf(':') + 1));
          continue;
        }
        take();
        if (r.code !== Reply.END_OF_MESSAGES && r.code !== Reply.NO_NEW_MESSAGES) inbox.error(r.code);
        if (got > 0) poll();
        else if (!closed) timer = setTimeout(poll, POLL_MS);
        got = 0;
        continue;
      }
      take();
      if (p.kind === 'login') p.done(r.code);
      else if (r.code === Reply.MESSAGE_SENT) inbox.ack(p.cid);
      else inbox.error(r.code);
    }
  });
  pipe.onEnd(() => {
    for (let i = head; i < pending.length; i++) {
      const p = pending[i];
      if (p.kind === 'login') p.done(-1);
    }
    if (timer) clearTimeout(timer);
    if (!closed) inbox.lost();
    closed = true;
  });

  const ask = (bytes: Uint8Array): Promise<number> =>
    within(new Promise<number>((done) => command(bytes, { kind: 'login', done })), SETUP_TIMEOUT_MS, `${spec.name} login`);
  const user = await ask(encodeUser(spec.name));
  const pass = user === Reply.USER_RECEIVED ? await ask(encodePass(spec.server.password)) : user;
  if (pass !== Reply.AUTHENTICATED) {
    closed = true;
    pipe.destroy();
    throw new Error(`${spec.name}: CP login answered ${pass}`);
  }
  poll();
  const to = spec.partner ?? spec.name;
  return {
    send: (text, cid) => command(encodeSmsg(to, text), { kind: 'smsg', cid }),
    close: () => {
      closed = true;
      if (timer) clearTimeout(timer);
      pipe.destroy();
    },
  };
}
