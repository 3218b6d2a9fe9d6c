// A duplex byte pipe over a WebSocket (binary messages), a TLS socket, a plain TCP socket or
// stream 0 of a QUIC connection (byte streams): what the native protocol and the seed protocols
// run on. Kept minimal so the load generator spends its time on the bench.
import { createHash } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import WebSocket from 'ws';
import { dialQuic, openQuicClientEndpoint, type QuicClientStream } from '../../src/transport/quic/dialer.js';
import type { QuicEndpoint } from '../../src/transport/quic/endpoint.js';
import type { Address, Transport } from './types.js';

export interface BytePipe {
  write(bytes: Uint8Array): void;
  onData(handler: (bytes: Uint8Array) => void): void;
  onEnd(handler: () => void): void;
  destroy(): void;
}

export async function openPipe(transport: Transport, at: Address, fingerprint?: string): Promise<BytePipe> {
  switch (transport) {
    case 'ws': return openWs(at);
    case 'tls': return openTls(at, fingerprint);
    case 'tcp': return openTcp(at);
    case 'quic': return quicPipe(await dialBenchQuic(at, fingerprint));
  }
}

// Every QUIC connection of this thread (the main thread, or one load-generator worker) dials
// from one shared UDP socket, as a busy client host would, instead of one socket per client.
let sharedEndpoint: Promise<QuicEndpoint> | undefined;

/**
 * Dials a QUIC server with our own lean dialer from this thread's shared endpoint. The server's
 * self-signed certificate is accepted by its announced fingerprint (any, when none was announced).
 */
export async function dialBenchQuic(at: Address, fingerprint?: string): Promise<QuicClientStream> {
  if (!sharedEndpoint) {
    const opening = openQuicClientEndpoint(at.host);
    sharedEndpoint = opening;
    opening.catch(() => { if (sharedEndpoint === opening) sharedEndpoint = undefined; });
  }
  const endpoint = await sharedEndpoint;
  return dialQuic({
    host: at.host,
    port: at.port,
    endpoint,
    verify: (chain) => checkPinnedChain(chain, fingerprint),
  });
}

/** Closes this thread's shared QUIC endpoint, if one was opened; the next dial opens a new one. */
export async function closeBenchQuic(): Promise<void> {
  const endpoint = sharedEndpoint;
  sharedEndpoint = undefined;
  if (endpoint) await (await endpoint).close();
}

/** undefined when the leaf certificate's SHA-256 is the pinned 'AB:CD:..' fingerprint (or none is pinned). */
export function checkPinnedChain(chain: readonly Uint8Array[], fingerprint: string | undefined): Error | undefined {
  if (fingerprint === undefined) return undefined;
  const leaf = chain[0];
  const seen = leaf === undefined ? '(none)' : createHash('sha256').update(leaf).digest('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
  return seen === fingerprint.toUpperCase() ? undefined : new Error(`server certificate ${seen} is not the announced ${fingerprint}`);
}

function quicPipe(stream: QuicClientStream): BytePipe {
  return {
    write: (bytes) => stream.send(bytes),
    onData: (handler) => stream.onData(handler),
    onEnd: (handler) => stream.onClose(() => handler()),
    destroy: () => stream.destroy(),
  };
}

async function openTcp(at: Address): Promise<BytePipe> {
  const sock = netConnect({ host: at.host, port: at.port });
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', () => resolve());
    sock.once('error', reject);
  });
  sock.on('error', () => undefined);
  sock.setNoDelay(true);
  return socketPipe(sock);
}

function socketPipe(sock: Socket): BytePipe {
  return {
    write: (bytes) => { sock.write(bytes); },
    onData: (handler) => sock.on('data', handler),
    onEnd: (handler) => sock.once('close', handler),
    destroy: () => sock.destroy(),
  };
}

async function openWs(at: Address): Promise<BytePipe> {
  const ws = new WebSocket(`ws://${at.host}:${at.port}/ws`, { perMessageDeflate: false, skipUTF8Validation: true });
  ws.binaryType = 'nodebuffer';
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('error', () => undefined); // the close event follows and is what we report
  return {
    write: (bytes) => ws.send(bytes),
    onData: (handler) => ws.on('message', (data: Buffer) => handler(data)),
    onEnd: (handler) => ws.once('close', handler),
    destroy: () => ws.terminate(),
  };
}

async function openTls(at: Address, fingerprint?: string): Promise<BytePipe> {
  // The server's certificate is self-signed: trust it by its pinned fingerprint, not by a CA.
  const sock = tlsConnect({ host: at.host, port: at.port, servername: 'localhost', rejectUnauthorized: false });
  await new Promise<void>((resolve, reject) => {
    sock.once('secureConnect', () => resolve());
    sock.once('error', reject);
  });
  sock.on('error', () => undefined);
  const seen = sock.getPeerCertificate().fingerprint256;
  if (fingerprint !== undefined && seen !== fingerprint) {
    sock.destroy();
    throw new Error(`server certificate ${seen} is not the announced ${fingerprint}`);
  }
  sock.setNoDelay(true);
  return socketPipe(sock);
}
