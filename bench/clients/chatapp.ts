// A ChatApp client (seed 004) made of the gateway's codec and a TCP socket: CONNECT, create the
// bench room or join it, then ChatMessages to it without waiting. ChatApp has no acknowledgement:
// the server sends the sender its own message back once stored, which counts as a delivery.
import { AppErrorCode, encodeMessage, MessageDecoder } from '../../src/gateways/chatapp/codec.js';
import { openPipe } from './byte-pipe.js';
import { within, type BenchClient, type ClientSpec, type Inbox } from './types.js';

const SETUP_TIMEOUT_MS = 30_000;
const STAMP = '01/01/2026 00:00:00';

export async function openChatapp(spec: ClientSpec, inbox: Inbox): Promise<BenchClient> {
  const at = spec.server.gateway;
  if (!at) throw new Error('the confab server announced no ChatApp listener');
  const room = spec.room ?? 'bench';
  const pipe = await openPipe('tcp', at);
  const decoder = new MessageDecoder(1 << 20);
  let closed = false;
  let joined: ((ok: boolean, code?: number) => void) | undefined;

  pipe.onData((bytes) => {
    for (const item of decoder.push(bytes)) {
      if (item.kind === 'error') {
        inbox.error(item.code);
        continue;
      }
      const b = item.body;
      if (b.type === 'ChatMessage') inbox.message(b.data);
      else if (b.type === 'JoinMessage' && b.sender === spec.name && b.data === room) joined?.(true);
      else if (b.type === 'Error') {
        if (joined) joined(false, b.code);
        else inbox.error(b.code);
      }
    }
  });
  pipe.onEnd(() => {
    joined?.(false);
    if (!closed) inbox.lost();
    closed = true;
  });

  const send = (type: Parameters<typeof encodeMessage>[0], dest: string, data: string): void =>
    pipe.write(encodeMessage(type, spec.name, dest, data, STAMP));
  const step = (type: 'CreateRoomMessage' | 'JoinMessage'): Promise<{ ok: boolean; code?: number }> =>
    within(new Promise((resolve) => {
      joined = (ok, code) => resolve({ ok, code });
      send(type, 'Server', room);
    }), SETUP_TIMEOUT_MS, `${spec.name} ${type}`);

  try {
    send('ConnectionMessage', 'Server', 'CONNECT');
    // The creator joins by creating; everyone else finds the room there (error 25) and joins it.
    let r = await step('CreateRoomMessage');
    if (!r.ok && r.code === AppErrorCode.ROOM_EXISTS) r = await step('JoinMessage');
    if (!r.ok) throw new Error(`${spec.name}: could not join ${room} (error ${r.code ?? 'closed'})`);
  } catch (err) {
    closed = true;
    pipe.destroy();
    throw err;
  } finally {
    joined = undefined;
  }
  return {
    send: (text) => send('ChatMessage', room, text),
    close: () => {
      closed = true;
      pipe.destroy();
    },
  };
}
