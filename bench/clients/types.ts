// What the load generator needs from a client of any peer: open, join the bench room, send a
// chat text, and report what arrives. Each peer speaks its own protocol underneath.

export type PeerKind = 'confab' | 'ws' | 'socketio' | 'quicjs' | 'chatos' | 'chatapp' | 'cp' | 'irc' | 'ngircd' | 'inspircd';
/**
 * confab's native protocol, the comparison servers (ws and Socket.IO over WebSocket, and a
 * broadcast server on @matrixai/quic's high-level API over QUIC), then confab's seed-protocol
 * gateways (the same confab server with that gateway's listener; its clients speak the seed
 * protocol), then IRC: confab's IRC gateway (`confab:irc` on the command line) beside Debian's
 * ngircd and InspIRCd, all driven by the same IRC clients.
 */
export const PEER_KINDS: readonly PeerKind[] = ['confab', 'ws', 'socketio', 'quicjs', 'chatos', 'chatapp', 'cp', 'irc', 'ngircd', 'inspircd'];
/** What `--peers` runs when not given: the native protocol against the comparison servers. */
export const DEFAULT_PEERS: readonly PeerKind[] = ['confab', 'ws', 'socketio'];

export type GatewayPeer = 'chatos' | 'chatapp' | 'cp';
export const GATEWAY_PEERS: readonly GatewayPeer[] = ['chatos', 'chatapp', 'cp'];
export function isGatewayPeer(p: PeerKind): p is GatewayPeer {
  return (GATEWAY_PEERS as readonly string[]).includes(p);
}

/** The IRC peers: confab's IRC gateway, and the IRC servers it is compared with. */
export type IrcPeer = 'irc' | 'ngircd' | 'inspircd';
export const IRC_PEERS: readonly IrcPeer[] = ['irc', 'ngircd', 'inspircd'];
export function isIrcPeer(p: PeerKind): p is IrcPeer {
  return (IRC_PEERS as readonly string[]).includes(p);
}
/** The IRC servers that are not confab: installed programs the bench starts itself. */
export type IrcdPeer = Exclude<IrcPeer, 'irc'>;
export function isIrcdPeer(p: PeerKind): p is IrcdPeer {
  return p === 'ngircd' || p === 'inspircd';
}

/** Peers served by confab itself (its native protocol or one of its gateways): they have a store. */
export function isConfabPeer(p: PeerKind): boolean {
  return p === 'confab' || p === 'irc' || isGatewayPeer(p);
}

/** How the native protocol reaches confab; the seed gateways are always plain TCP. */
export type Transport = 'ws' | 'tls' | 'tcp' | 'quic';
/** The transports confab's native protocol can be benchmarked over (`--transport`). */
export type NativeTransport = 'ws' | 'tls' | 'quic';
export const NATIVE_TRANSPORTS: readonly NativeTransport[] = ['ws', 'tls', 'quic'];

export interface Address { host: string; port: number }

/** What a server under test announces on its first stdout line. */
export interface ServerInfo {
  peer: PeerKind;
  pid: number;
  http?: Address;
  tls?: Address;
  /** confab and the quicjs peer: where they listen for QUIC (UDP). */
  quic?: Address;
  /** confab and the quicjs peer: SHA-256 of its TLS certificate, pinned by the clients. */
  fingerprint?: string;
  /** confab with a seed gateway or IRC, and ngircd and InspIRCd: where that protocol is served. */
  gateway?: Address;
  /**
   * ngircd: an operator its clients log in as to set these user modes on themselves (its +F,
   * "relaxed flood protection", is the nearest it has to lifting its flood limits).
   */
  oper?: { name: string; password: string; modes: string };
  /** cp: the password of the accounts the server made for the bench's clients. */
  password?: string;
}

/** How a peer's clients connect: confab's native protocol over the chosen transport, the seed
 * gateways over TCP, the quicjs peer over QUIC, the ws and Socket.IO peers over WebSocket. */
export function transportOf(peer: PeerKind, native: NativeTransport): Transport {
  if (peer === 'confab') return native;
  if (peer === 'quicjs') return 'quic';
  return isGatewayPeer(peer) || isIrcPeer(peer) ? 'tcp' : 'ws';
}

/** One entry of `--peers`: a peer and the transport its clients use. */
export interface PeerEntry { peer: PeerKind; transport: Transport }

/** A peer entry as `--peers` spells it: the name, and for confab its transport. */
export function peerLabel(e: PeerEntry): string {
  if (e.peer === 'irc') return 'confab:irc';
  return e.peer === 'confab' ? `confab:${e.transport}` : e.peer;
}

/** Callbacks of one client; all are called synchronously from the socket's data handler. */
export interface Inbox {
  /** A chat message text arrived. */
  message(text: string): void;
  /** confab only: the server acknowledged (made durable) the message with this client id. */
  ack(cid: string): void;
  /** The server answered with an error code (confab ErrorCode). */
  error(code: number): void;
  /** The connection ended without close() being called. */
  lost(): void;
}

export interface BenchClient {
  /** Sends one chat message to the bench room without waiting for anything. */
  send(text: string, cid: string): void;
  /** Ends the connection now; no more callbacks after it. */
  close(): void;
}

export interface ClientSpec {
  server: ServerInfo;
  transport: Transport;
  /** Unique per run: the client's name (confab guest nickname). */
  name: string;
  /** Room to join; undefined: connect (and log in) only. */
  room?: string;
  /** cp (no rooms): the user this client's messages go to. */
  partner?: string;
}

export type OpenClient = (spec: ClientSpec, inbox: Inbox) => Promise<BenchClient>;

/** Rejects after ms unless the promise settles first. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    p.then(
      (v) => { clearTimeout(t); resolve(v); },
      (e: unknown) => { clearTimeout(t); reject(e instanceof Error ? e : new Error(String(e))); },
    );
  });
}
