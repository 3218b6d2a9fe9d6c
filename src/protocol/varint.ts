// Unsigned LEB128 integers limited to JavaScript's safe range (docs/protocol.md §3.3.1).

/** 2^53 - 1: the largest integer a varint may carry. */
export const MAX_VARINT = Number.MAX_SAFE_INTEGER;

/** Bytes the minimal encoding of `value` takes (value must be a safe non-negative integer). */
export function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    size++;
  }
  return size;
}

export function isVarintValue(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_VARINT;
}
