// A Socket.IO client speaking the Engine.IO v4 / Socket.IO v5 wire format directly over a
// WebSocket (the transport the server would upgrade to anyway): the official client's per-packet
// work would make the load generator, not the server, the bottleneck. Packets used:
//   engine.io: "0{..}" open, "2" ping -> "3" pong, "4<socket.io packet>" message
//   socket.io: "0" connect, "2[...]" event, "2<id>[...]" event with ack, "3<id>[...]" ack
import WebSocket from 'ws';
import { within, type BenchClient, type ClientSpec, type Inbox } from './types.js';

const SETUP_TIMEOUT_MS = 20_000;
const JOIN_ACK_ID = 1;
const CHAT_EVENT_PREFIX = '42["chat",';

export async function openSocketIo(spec: ClientSpec, inbox: Inbox): Promise<BenchClient> {
  const at = spec.server.http;
  if (!at) throw new Error('the socket.io peer announced no address');
  const ws = new WebSocket(`ws://${at.host}:${at.port}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false, skipUTF8Validation: true });
  let closed = false;
  let setup: { step: 'open' | 'connect' | 'join'; done(): void; fail(e: Error): void } | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    setup = { step: 'open', done: resolve, fail: reject };
  });
  ws.once('error', (e) => setup?.fail(e));
  ws.on('error', () => undefined);
  ws.on('message', (data: Buffer) => {
    const packet = data.toString();
    if (packet.startsWith(CHAT_EVENT_PREFIX)) {
      const args = JSON.parse(packet.slice(2)) as unknown[];
      inbox.message(String(args[1]));
      return;
    }
    if (packet === '2') {
      ws.send('3');
      return;
    }
    if (!setup) return;
    if (setup.step === 'open' && packet[0] === '0') {
      setup.step = 'connect';
      ws.send('40');
    } else if (setup.step === 'connect' && packet.startsWith('40')) {
      setup.step = 'join';
      ws.send(`42${JOIN_ACK_ID}${JSON.stringify(['join', spec.room ?? ''])}`);
    } else if (setup.step === 'join' && packet.startsWith(`43${JOIN_ACK_ID}`)) {
      setup.done();
    } else if (packet.startsWith('44')) {
      setup.fail(new Error(`socket.io refused the connection: ${packet}`));
    }
  });
  ws.once('close', () => {
    setup?.fail(new Error(`${spec.name}: connection closed during setup`));
    if (!closed) inbox.lost();
    closed = true;
  });
  try {
    await within(ready, SETUP_TIMEOUT_MS, `${spec.name} socket.io setup`);
  } catch (err) {
    closed = true;
    ws.terminate();
    throw err;
  } finally {
    setup = undefined;
  }
  const room = JSON.stringify(spec.room ?? '');
  return {
    send: (text) => ws.send(`42["chat",${room},${JSON.stringify(text)}]`),
    close: () => {
      closed = true;
      ws.terminate();
    },
  };
}
