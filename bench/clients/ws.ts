// A plain WebSocket client of the ws broadcast peer: every text it sends comes back to every
// connected client, itself included.
import WebSocket from 'ws';
import { type BenchClient, type ClientSpec, type Inbox } from './types.js';

export async function openWs(spec: ClientSpec, inbox: Inbox): Promise<BenchClient> {
  const at = spec.server.http;
  if (!at) throw new Error('the ws peer announced no address');
  const ws = new WebSocket(`ws://${at.host}:${at.port}/`, { perMessageDeflate: false, skipUTF8Validation: true });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let closed = false;
  ws.on('error', () => undefined);
  ws.on('message', (data: Buffer) => inbox.message(data.toString()));
  ws.once('close', () => {
    if (!closed) inbox.lost();
    closed = true;
  });
  return {
    send: (text) => ws.send(text),
    close: () => {
      closed = true;
      ws.terminate();
    },
  };
}
