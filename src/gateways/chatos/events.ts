import type { ChatEvent } from '../../core/events.js';
import { DEFAULT_ROOM } from '../../core/node.js';
import { nameKey } from '../../vocabulary/name-keys.js';
import type { ChatMessage } from '../../core/types.js';
import { encodeChat, encodePrivateAnswer, encodePrivateAsk } from './codec.js';

const GENERAL_KEY = nameKey(DEFAULT_ROOM);

/**
 * The chat packet a message becomes for a ChatOS user (docs/chatos.md §4.2). Read as the seed
 * reads its own chat packet, the string names the other side of the conversation: '' is the
 * general chat (whose sender then heads the text), a nickname is a private message from that user.
 */
export function chatPacketOf(m: ChatMessage): Uint8Array {
  const general = m.rooms.includes(GENERAL_KEY);
  return general ? encodeChat(m.id, '', `${m.from}: ${m.text}`) : encodeChat(m.id, m.from, m.text);
}

function packetOf(event: ChatEvent): Uint8Array | null {
  switch (event.kind) {
    case 'message': return chatPacketOf(event.message);
    // §8 from the server: the nickname of the client that asks.
    case 'consent-ask': return encodePrivateAsk(event.from);
    // §9 from the server: the answer and the nickname of the one who answered.
    case 'consent': return encodePrivateAnswer(event.accept, event.from);
    // ChatOS has no presence, topics or rooms other than the general chat.
    default: return null;
  }
}

// One event object reaches every recipient: its bytes are made once and shared by all of them.
// The packet does not depend on the recipient (see chatPacketOf).
const cache = new WeakMap<ChatEvent, Uint8Array | null>();

export function encodedEvent(event: ChatEvent): Uint8Array | null {
  let bytes = cache.get(event);
  if (bytes === undefined) {
    bytes = packetOf(event);
    cache.set(event, bytes);
  }
  return bytes;
}
