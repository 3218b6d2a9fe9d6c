import { TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { fingerprintMatches, normalizeFingerprint } from './fingerprint.js';
import type { WebSocketConstructor } from './transport-ws.js';

export interface NodeWebSocketOptions {
  /** For wss://: accept exactly the certificate with this SHA-256 fingerprint (self-signed included). */
  fingerprint?: string;
  /** For wss:// without a pin: trusted CA certificates (PEM). */
  ca?: string | Buffer | (string | Buffer)[];
  servername?: string;
}

/** The `ws` WebSocket class, set up for a pinned or private-CA wss:// server when asked. */
export function nodeWebSocket(options: NodeWebSocketOptions = {}): WebSocketConstructor {
  if (options.fingerprint === undefined && options.ca === undefined && options.servername === undefined) return WebSocket;
  const pin = options.fingerprint === undefined ? undefined : normalizeFingerprint(options.fingerprint);
  const tls = { ca: options.ca, servername: options.servername, rejectUnauthorized: pin === undefined };
  return class PinnedWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, tls);
      if (pin === undefined) return;
      // The upgrade response is the first moment the TLS socket is reachable; no frame has been
      // sent yet, and closing here makes the open fail.
      this.once('upgrade', (res: IncomingMessage) => {
        if (!(res.socket instanceof TLSSocket)) return; // plain ws://: nothing to pin
        const actual = res.socket.getPeerCertificate().fingerprint256;
        if (fingerprintMatches(actual, pin)) return;
        this.emit('error', new Error(`server certificate fingerprint ${actual ?? '(none)'} does not match the pinned one`));
        this.terminate();
      });
    }
  };
}
