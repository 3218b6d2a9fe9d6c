// The client SDK, browser-safe part. Node programs use ./node.js, which adds TLS, TCP and `ws`.
export { ChatClient } from './client.js';
export { ClientError, LocalErrorCode, isClientError, type ClientErrorName, type LocalErrorName } from './errors.js';
export { TRANSITIONS, canTransition, type ClientState } from './state.js';
export type { ReconnectOptions } from './backoff.js';
export type { ClientTransport, ClientTransportKind, TransportClosed, TransportEvents, TransportFactory } from './transport.js';
export { wsTransport, type WebSocketConstructor, type WebSocketLike, type WsTransportOptions } from './transport-ws.js';
export type * from './types.js';
export * from './conversations.js';
export * from './session.js';
export { displayKey, isRoomTarget } from '../vocabulary/names.js';
export { mentions, parseMarkup, plainLines, type Block, type Inline } from './markup.js';
