import { MemoryPresence } from '../../src/presence/memory.js';
import { presenceContract } from './presence.js';

presenceContract('memory', async () => ({ presence: new MemoryPresence(), close: async () => undefined }));
