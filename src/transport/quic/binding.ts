// The one place that loads quiche, the native QUIC library `@matrixai/quic` ships. The rest of
// the code sees only the typed surface below. The library is loaded on first use, so importing
// the client SDK does not fail where no prebuilt binary exists for the platform.
import type { Quiche } from '@matrixai/quic/native/quiche.js';
import type {
  Config,
  Connection,
  ConnectionError,
  Header,
  Host,
  PathEvent,
  RecvInfo,
} from '@matrixai/quic/native/types.js';

export type { Quiche };
export type QuicheConfig = Config;
export type QuicheConnection = Connection;
export type QuicheHeader = Header;
export type QuicheError = ConnectionError;
export type QuicheAddress = Host;
export type QuichePathEvent = PathEvent;
export type QuicheRecvInfo = RecvInfo;

/** Packet types as Header.fromSlice reports them (values of quiche's `Type`). */
export const PacketType = {
  Initial: 0,
  Retry: 1,
  Handshake: 2,
  ZeroRTT: 3,
  VersionNegotiation: 4,
  Short: 5,
} as const;

/** Directions of Connection.streamShutdown (quiche's `Shutdown`). */
export const StreamDirection = { Read: 0, Write: 1 } as const;

/** Connection ids this endpoint issues are this long; short headers are parsed with it. */
export const CID_LENGTH = 20;

let loaded: Quiche | undefined;
let loading: Promise<Quiche> | undefined;

/** Loads the native library once; later calls share the result. */
export function loadQuiche(): Promise<Quiche> {
  loading ??= import('@matrixai/quic/native/quiche.js').then((m) => {
    loaded = m.default;
    return loaded;
  });
  return loading;
}

/** The loaded library; endpoints are only made after loadQuiche() has resolved. */
export function quiche(): Quiche {
  if (!loaded) throw new Error('the QUIC library is not loaded: await loadQuiche() first');
  return loaded;
}
