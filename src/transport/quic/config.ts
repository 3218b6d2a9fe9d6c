// quiche settings for confab/1 endpoints.
import { quiche, type QuicheConfig } from './binding.js';

/** The application protocol (ALPN) of the native protocol over QUIC. */
export const ALPN = 'confab/1';

export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
export const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;
/** A client acknowledges a lone datagram this long after it came (QuicSession.paceAck). */
export const CLIENT_ACK_DELAY_MS = 5;

/** Largest UDP payload we send: fits the path MTU of ordinary networks and tunnels. */
export const MAX_SEND_UDP_PAYLOAD = 1350;
const MAX_RECV_UDP_PAYLOAD = 1500;

/**
 * Streams a client may open at once: stream 0 carries the native protocol; the rest are kept
 * for file transfers. Unidirectional streams are not used.
 */
export const MAX_CLIENT_STREAMS = 4;

/** Flow-control windows (quiche grows them as the connection shows it needs more). */
const CONNECTION_WINDOW = 4 * 1024 * 1024;
const STREAM_WINDOW = 1024 * 1024;

// Signature algorithms BoringSSL offers for our handshakes: the ECDSA P-256 of the
// self-signed certificate first, then what configured certificates commonly use.
const SIGALGS = [
  'ecdsa_secp256r1_sha256',
  'ecdsa_secp384r1_sha384',
  'ed25519',
  'rsa_pss_rsae_sha256',
  'rsa_pss_rsae_sha384',
  'rsa_pkcs1_sha256',
  'rsa_pkcs1_sha384',
].join(':');

const encoder = new TextEncoder();

export interface ServerTlsMaterial {
  /** PEM certificate chain and its private key. */
  cert: string;
  key: string;
}

export function serverConfig(tls: ServerTlsMaterial, idleTimeoutMs: number): QuicheConfig {
  const config = quiche().Config.withBoringSslCtx(false, false, null, [encoder.encode(tls.key)], [encoder.encode(tls.cert)], SIGALGS);
  common(config, idleTimeoutMs);
  config.setInitialMaxStreamsBidi(MAX_CLIENT_STREAMS);
  config.setInitialMaxStreamsUni(0);
  // Each client stream may send a window's worth before we read it; reading is immediate.
  config.setInitialMaxStreamDataBidiRemote(STREAM_WINDOW);
  config.setInitialMaxStreamDataBidiLocal(0);
  config.setInitialMaxStreamDataUni(0);
  return config;
}

export interface ClientTlsSettings {
  /** Trusted CA certificates (PEM); when set, BoringSSL verifies the chain against them. */
  ca?: string;
  /**
   * When true (a pinned certificate), BoringSSL accepts any chain and the caller checks it
   * after the handshake, before any stream data is sent.
   */
  verifyLater: boolean;
}

export function clientConfig(tls: ClientTlsSettings, idleTimeoutMs: number): QuicheConfig {
  const verify = !tls.verifyLater;
  const ca = tls.ca === undefined ? null : encoder.encode(tls.ca);
  const config = quiche().Config.withBoringSslCtx(verify, false, ca, null, null, SIGALGS);
  common(config, idleTimeoutMs);
  // The server opens no streams.
  config.setInitialMaxStreamsBidi(0);
  config.setInitialMaxStreamsUni(0);
  // What the server sends on the streams we open (room fan-out, history) is read at once.
  config.setInitialMaxStreamDataBidiLocal(STREAM_WINDOW);
  config.setInitialMaxStreamDataBidiRemote(0);
  config.setInitialMaxStreamDataUni(0);
  return config;
}

function common(config: QuicheConfig, idleTimeoutMs: number): void {
  config.setApplicationProtos([ALPN]);
  config.setMaxIdleTimeout(idleTimeoutMs);
  config.setMaxSendUdpPayloadSize(MAX_SEND_UDP_PAYLOAD);
  config.setMaxRecvUdpPayloadSize(MAX_RECV_UDP_PAYLOAD);
  config.setInitialMaxData(CONNECTION_WINDOW);
  config.grease(true);
  // Clients do not move on purpose; a NAT moving them (a new address or port) is followed anyway.
  config.setDisableActiveMigration(true);
}
