// A duplex byte pipe over a WebSocket (binary messages), a TLS socket or a plain TCP socket (byte
// streams): what the native protocol and the seed protocols run on. Kept minimal so the load generator spends its time on the bench.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import WebSocket from 'ws';
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
  }
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
