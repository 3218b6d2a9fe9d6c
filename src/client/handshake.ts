// The frames a connection may get before WELCOME (docs/protocol.md §5.1, §6.1): the WELCOME
// itself, a refusal (ERROR, with the server's versions when none is common), BYE and PING.
import { ErrorCode } from '../vocabulary/errors.js';
import type { Frame, FrameOf } from '../protocol/frames.js';
import { ClientError } from './errors.js';
import { byeError } from './inbound.js';
import { writeFrame, type Link } from './link.js';

export interface HandshakeHost {
  /** The versions this client offered (for the message of a VERSION_MISMATCH). */
  readonly versions: readonly number[];
  welcomed(link: Link, f: FrameOf<'WELCOME'>): void;
  /** The handshake failed; `retry` when another attempt may succeed. */
  failed(link: Link, err: ClientError, retry: boolean): void;
}

export function handshakeFrame(host: HandshakeHost, link: Link, f: Frame): void {
  switch (f.type) {
    case 'WELCOME':
      host.welcomed(link, f);
      return;
    case 'ERROR':
      if (f.code === ErrorCode.VERSION_MISMATCH) {
        const theirs = f.versions.length > 0 ? f.versions.join(', ') : '(none listed)';
        const message = `no common protocol version: the server speaks ${theirs}; this client offers ${host.versions.join(', ')}`;
        // Retrying cannot help until one side is upgraded.
        host.failed(link, new ClientError(f.code, 'VERSION_MISMATCH', message, f.versions), false);
        return;
      }
      host.failed(link, ClientError.fromFrame(f, 'handshake refused: '), true);
      return;
    case 'BYE':
      link.peerBye = byeError(f);
      link.transport?.close();
      return;
    case 'PING':
      writeFrame(link, { type: 'PONG', n: f.n });
      return;
    default:
      host.failed(link, ClientError.protocol('PROTOCOL_ERROR', `expected WELCOME, the server sent ${f.type}`), true);
  }
}
