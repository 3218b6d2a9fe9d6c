// An IRC client for the load generator, the same for confab's IRC gateway, ngircd and InspIRCd:
// NICK/USER, wait for 001, (on ngircd: OPER and +F, to relax its flood protection), JOIN the channel, wait for its end of NAMES, then PRIVMSG without
// waiting. IRC has no acknowledgement of a PRIVMSG, so only deliveries are measured.
import { openPipe } from './byte-pipe.js';
import { IRC_NUMERIC_BASE, privmsgLine, readIrcLine, registrationLines } from './irc-lines.js';
import { LineSplitter } from './lines.js';
import { within, type BenchClient, type ClientSpec, type Inbox } from './types.js';

const SETUP_TIMEOUT_MS = 20_000;

export async function openIrc(spec: ClientSpec, inbox: Inbox): Promise<BenchClient> {
  const at = spec.server.gateway;
  if (!at) throw new Error(`the ${spec.server.peer} server announced no IRC listener`);
  const channel = spec.room;
  if (!channel) throw new Error('an IRC bench client needs a channel');
  const pipe = await openPipe('tcp', at);
  const lines = new LineSplitter();
  let closed = false;
  // While setting up: what the client waits for next, and how to fail it.
  let step: { want: Want; done: (failure?: string) => void } | undefined;

  type Want = 'welcome' | 'oper' | 'joined';
  pipe.onData((bytes) => {
    for (const raw of lines.push(bytes)) {
      const event = readIrcLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
      switch (event.kind) {
        case 'message':
          if (event.channel === channel) inbox.message(event.text);
          break;
        case 'ping': pipe.write(Buffer.from(`PONG :${event.token}\r\n`, 'latin1')); break;
        case 'welcome':
        case 'oper':
          if (step?.want === event.kind) step.done();
          break;
        case 'joined':
          if (step?.want === 'joined' && event.channel.toLowerCase() === channel.toLowerCase()) step.done();
          break;
        case 'refused':
          if (step) step.done(`numeric ${event.numeric}`);
          else inbox.error(IRC_NUMERIC_BASE + event.numeric);
          break;
        case 'closing':
          step?.done(`ERROR ${event.reason}`);
          break;
        case 'other': break;
      }
    }
  });
  pipe.onEnd(() => {
    step?.done('connection closed');
    if (!closed) inbox.lost();
    closed = true;
  });

  const expectAfter = (want: Want, send: string): Promise<void> => within(new Promise<void>((resolve, reject) => {
    step = { want, done: (failure) => { step = undefined; if (failure) reject(new Error(`${spec.name}: ${failure}`)); else resolve(); } };
    pipe.write(Buffer.from(send, 'latin1'));
  }), SETUP_TIMEOUT_MS, `${spec.name} ${want === 'welcome' ? 'registration' : want === 'oper' ? 'OPER' : 'JOIN'}`);
  try {
    await expectAfter('welcome', registrationLines(spec.name));
    const oper = spec.server.oper;
    // The MODE needs no answer: the server handles it before the JOIN that follows.
    if (oper) await expectAfter('oper', `OPER ${oper.name} ${oper.password}\r\nMODE ${spec.name} ${oper.modes}\r\n`);
    await expectAfter('joined', `JOIN ${channel}\r\n`);
  } catch (err) {
    closed = true;
    pipe.destroy();
    throw err;
  }
  return {
    send: (text) => pipe.write(Buffer.from(privmsgLine(channel, text), 'latin1')),
    close: () => {
      closed = true;
      pipe.destroy();
    },
  };
}
