import { MemoryBrokerHub } from '../../src/broker/memory.js';
import { brokerContract } from './broker.js';

brokerContract('memory', async () => {
  const hub = new MemoryBrokerHub();
  return { node: async () => hub.broker(), close: async () => undefined };
});
