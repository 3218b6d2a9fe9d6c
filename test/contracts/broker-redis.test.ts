// The Broker contract against a real Redis (a private server; each test on channels of its own).
import { after, before } from 'node:test';
import { RedisBroker } from '../../src/broker/redis.js';
import { startRedis, type RedisServer } from '../servers/redis.js';
import { brokerContract } from './broker.js';

let server: RedisServer;
let fabrics = 0;
before(async () => {
  server = await startRedis();
});
after(async () => {
  await server?.stop();
});

brokerContract('redis', async () => {
  const prefix = `test${++fabrics}:`;
  return { node: () => RedisBroker.connect({ url: server.url, prefix }), close: async () => undefined };
});
