// Comparison peer: a Socket.IO chat server. Clients join a room ('join' with an ack) and 'chat'
// events are broadcast to the room with io.to(room).emit, the sender included.
// With `--redis URL` it is one node of a Socket.IO cluster: rooms are shared with the other
// processes on the same Redis through @socket.io/redis-adapter (each broadcast is published on
// Redis, and every node delivers it to its own members of the room), node-redis clients.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Server } from 'socket.io';
import { serveAsChild } from './child.js';

const { values } = parseArgs({ args: process.argv.slice(2), options: { redis: { type: 'string' } } });

const http = createServer();
const io = new Server(http, { serveClient: false });
// Loaded only for a cluster: the single-process peer runs exactly as it did without them.
const cluster = values.redis === undefined ? undefined : await redisAdapter(values.redis);
if (cluster) io.adapter(cluster.adapter);
io.on('connection', (socket) => {
  socket.on('join', (room: unknown, ack?: (ok: boolean) => void) => {
    if (typeof room !== 'string') return ack?.(false);
    void socket.join(room);
    ack?.(true);
  });
  socket.on('chat', (room: unknown, text: unknown) => {
    if (typeof room === 'string' && typeof text === 'string' && socket.rooms.has(room)) io.to(room).emit('chat', text);
  });
});
http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  serveAsChild({ peer: 'socketio', http: { host: '127.0.0.1', port } }, async () => {
    await new Promise<void>((resolve) => io.close(() => resolve()));
    await cluster?.close();
  });
});

async function redisAdapter(url: string) {
  const [{ createAdapter }, { createClient }] = await Promise.all([import('@socket.io/redis-adapter'), import('redis')]);
  // No command deadline: node-redis 6 rejects a command not written within 5 s by default, the
  // adapter leaves a rejected publish unhandled, and an overloaded node would crash instead of
  // falling behind (node-redis 4, which the adapter's documentation uses, had no such deadline).
  const pub = createClient({ url, commandOptions: { timeout: 0 } });
  const sub = pub.duplicate();
  pub.on('error', () => undefined);
  sub.on('error', () => undefined);
  await Promise.all([pub.connect(), sub.connect()]);
  return {
    adapter: createAdapter(pub, sub),
    close: async (): Promise<void> => { await Promise.allSettled([pub.quit(), sub.quit()]); },
  };
}
