// Comparison peer: a Socket.IO chat server. Clients join a room ('join' with an ack) and 'chat'
// events are broadcast to the room with io.to(room).emit, the sender included.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { serveAsChild } from './child.js';

const http = createServer();
const io = new Server(http, { serveClient: false });
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
  });
});
