// The Presence contract against a real Redis (a private server; each test under keys of its own).
import { after, before } from 'node:test';
import { RedisPresence } from '../../src/presence/redis.js';
import { startRedis, type RedisServer } from '../servers/redis.js';
import { presenceContract } from './presence.js';

let server: RedisServer;
let made = 0;
before(async () => {
  server = await startRedis();
});
after(async () => {
  await server?.stop();
});

presenceContract('redis', async () => {
  const presence = await RedisPresence.connect({ url: server.url, prefix: `test${++made}:`, node: 'n1' });
  return { presence, close: () => presence.close() };
});
