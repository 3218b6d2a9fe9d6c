// A ChatOS client (seed 003) made of the gateway's codec and a TCP socket: LOGIN (which puts the
// user in the general chat), then CHAT packets to the general chat without waiting; the ACK of
// each carries the packet id, which encodes the bench's client id.
import { encodeChat, encodeLogin, PacketDecoder } from '../../src/gateways/chatos/codec.js';
import { openPipe } from './byte-pipe.js';
import { within, type BenchClient, type ClientSpec, type Inbox } from './types.js';

const SETUP_TIMEOUT_MS = 20_000;
const SEQ_BITS = 32n;

/** cid "j.seq" <-> packet id j * 2^32 + seq: the ACK names the message without a lookup table. */
function packetId(cid: string): bigint {
  const dot = cid.indexOf('.');
  return (BigInt(cid.slice(0, dot)) << SEQ_BITS) | BigInt(cid.slice(dot + 1));
}
function cidOf(id: bigint): string {
  return `${id >> SEQ_BITS}.${id & ((1n << SEQ_BITS) - 1n)}`;
}

export async function openChatos(spec: ClientSpec, inbox: Inbox): Promise<BenchClient> {
  const at = spec.server.gateway;
  if (!at) throw new Error('the confab server announced no ChatOS listener');
  const pipe = await openPipe('tcp', at);
  const decoder = new PacketDecoder();
  let closed = false;
  let loggedIn: ((ok: boolean) => void) | undefined;

  pipe.onData((bytes) => {
    for (const item of decoder.push(bytes)) {
      if (item.kind === 'error') {
        inbox.error(item.code);
        continue;
      }
      const p = item.packet;
      switch (p.op) {
        // General-chat packets carry "sender: text" (docs/chatos.md §4.2).
        case 'CHAT': inbox.message(p.target === '' ? p.text.slice(p.text.indexOf(': ') + 2) : p.text); break;
        case 'ACK':
          if (p.id === 0n && loggedIn) loggedIn(true);
          else inbox.ack(cidOf(p.id));
          break;
        case 'ERROR':
          if (loggedIn) loggedIn(false);
          else inbox.error(p.code);
          break;
        default: break;
      }
    }
  });
  pipe.onEnd(() => {
    loggedIn?.(false);
    if (!closed) inbox.lost();
    closed = true;
  });

  const ok = await within(new Promise<boolean>((resolve) => {
    loggedIn = resolve;
    pipe.write(encodeLogin(spec.name));
  }), SETUP_TIMEOUT_MS, `${spec.name} LOGIN`);
  loggedIn = undefined;
  if (!ok) {
    closed = true;
    pipe.destroy();
    throw new Error(`${spec.name}: ChatOS login refused`);
  }
  return {
    send: (text, cid) => pipe.write(encodeChat(packetId(cid), '', text)),
    close: () => {
      closed = true;
      pipe.destroy();
    },
  };
}
