// A confab client made of the codec and a socket (or QUIC stream 0), nothing else: HELLO, guest LOGIN, JOIN (or
// CREATE) the room, then SEND without waiting and report MSG/ACK/ERROR as they come.
import { ErrorCode } from '../../src/vocabulary/errors.js';
import { encodeFrame, FrameDecoder } from '../../src/protocol/codec.js';
import { PROTOCOL_VERSIONS, type Frame } from '../../src/protocol/frames.js';
import { openPipe } from './byte-pipe.js';
import { within, type BenchClient, type ClientSpec, type Inbox } from './types.js';

const SETUP_TIMEOUT_MS = 20_000;

type Answer = Extract<Frame, { type: 'WELCOME' | 'SESSION' | 'JOINED' | 'ERROR' }>;

export async function openConfab(spec: ClientSpec, inbox: Inbox): Promise<BenchClient> {
  const at = spec.transport === 'ws' ? spec.server.http : spec.transport === 'quic' ? spec.server.quic : spec.server.tls;
  if (!at) throw new Error(`the confab server does not listen for ${spec.transport}`);
  const pipe = await openPipe(spec.transport, at, spec.server.fingerprint);
  const decoder = new FrameDecoder({ maxFrame: 1 << 24 });
  const send = (frame: Frame): void => pipe.write(encodeFrame(frame));

  let closed = false;
  // During setup the next request's answer is awaited; afterwards frames go to the inbox.
  let awaiting: ((f: Answer) => void) | undefined;
  let failSetup: ((e: Error) => void) | undefined;

  pipe.onData((bytes) => {
    const items = decoder.push(bytes);
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item.kind !== 'frame') {
        if (item.kind === 'error') inbox.error(item.code);
        continue;
      }
      const f = item.frame;
      switch (f.type) {
        case 'MSG': inbox.message(f.msg.text); break;
        case 'ACK': inbox.ack(f.cid); break;
        case 'PING': send({ type: 'PONG', n: f.n }); break;
        case 'WELCOME': case 'SESSION': case 'JOINED': awaiting?.(f); break;
        case 'ERROR':
          if (awaiting) awaiting(f);
          else inbox.error(f.code);
          break;
        default: break; // PRESENCE and the like: not measured
      }
    }
  });
  pipe.onEnd(() => {
    failSetup?.(new Error(`${spec.name}: connection closed during setup`));
    if (!closed) inbox.lost();
    closed = true;
  });

  const request = (frame: Frame): Promise<Answer> =>
    within(new Promise<Answer>((resolve, reject) => {
      awaiting = resolve;
      failSetup = reject;
      send(frame);
    }), SETUP_TIMEOUT_MS, `${spec.name} ${frame.type}`);

  try {
    expect(await request({ type: 'HELLO', versions: [...PROTOCOL_VERSIONS], caps: [], agent: 'confab-bench' }), 'WELCOME');
    expect(await request({ type: 'LOGIN', ref: 1, name: spec.name, password: '', guest: true, token: '', since: 0 }), 'SESSION');
    if (spec.room !== undefined) await joinOrCreate(request, spec.room);
  } catch (err) {
    closed = true;
    pipe.destroy();
    throw err;
  } finally {
    awaiting = undefined;
    failSetup = undefined;
  }

  const to = spec.room === undefined ? [] : [spec.room];
  let ref = 10;
  return {
    send: (text, cid) => send({ type: 'SEND', ref: ++ref, cid, to, text }),
    close: () => {
      closed = true;
      pipe.destroy();
    },
  };
}

/** JOIN; if the room is not there yet CREATE it; if someone else just created it, JOIN again. */
async function joinOrCreate(request: (f: Frame) => Promise<Answer>, room: string): Promise<void> {
  let a = await request({ type: 'JOIN', ref: 2, room });
  if (a.type === 'ERROR' && a.code === ErrorCode.NO_SUCH_ROOM) {
    a = await request({ type: 'CREATE', ref: 3, room, topic: 'benchmark' });
    if (a.type === 'ERROR' && a.code === ErrorCode.ROOM_EXISTS) a = await request({ type: 'JOIN', ref: 4, room });
  }
  expect(a, 'JOINED');
}

function expect(f: Answer, type: Answer['type']): void {
  if (f.type === type) return;
  if (f.type === 'ERROR') throw new Error(`expected ${type}, got ERROR ${f.code} ${f.text}`);
  throw new Error(`expected ${type}, got ${f.type}`);
}
