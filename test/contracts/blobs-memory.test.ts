import { MemoryBlobStore } from '../../src/store/blobs-memory.js';
import { blobStoreContract } from './blobs.js';

blobStoreContract('memory', async () => ({ blobs: new MemoryBlobStore(), cleanup: async () => undefined }));
