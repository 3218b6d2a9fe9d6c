// The confab client SDK (browser entry), in one place for the web client.
export * from '../../src/client/index.js';
