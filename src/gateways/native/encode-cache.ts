import type { ChatEvent } from '../../core/events.js';
import { encodeFrame } from '../../protocol/codec.js';
import { eventFrame } from './convert.js';

// One event object reaches every recipient; its bytes are made once and shared by all of them.
const cache = new WeakMap<ChatEvent, Uint8Array | null>();

export function encodedEvent(event: ChatEvent): Uint8Array | null {
  let bytes = cache.get(event);
  if (bytes === undefined) {
    const frame = eventFrame(event);
    bytes = frame ? encodeFrame(frame) : null;
    cache.set(event, bytes);
  }
  return bytes;
}
