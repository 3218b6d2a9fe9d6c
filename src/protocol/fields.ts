import { ErrorCode } from '../vocabulary/errors.js';
import type { Reader } from './reader.js';
import { WireError } from './wire-error.js';
import type { Writer } from './writer.js';

/**
 * How one field is written and read (docs/protocol.md §3.3). Frame bodies and structures are
 * lists of (name, kind) pairs, so one table yields both the encoder and the decoder.
 */
export interface FieldKind<T> {
  /** Name used in docs/protocol.md's body tables. */
  readonly wire: string;
  /** Fewest bytes a value takes: a list's count is checked against it before anything is allocated. */
  readonly minBytes: number;
  write(w: Writer, value: T): void;
  read(r: Reader): T;
  /** A trailing field (see trailing()): it and the fields after it may be missing. */
  readonly trailing?: true;
}

/** One (name, kind) entry of a body or structure table. */
export type FieldOf<T> = { [K in keyof T]-?: readonly [K & string, FieldKind<T[K]>] }[keyof T];
export type Fields<T> = readonly FieldOf<T>[];

export const uint: FieldKind<number> = {
  wire: 'varint',
  minBytes: 1,
  write: (w, v) => w.uint(v),
  read: (r) => r.uint(),
};

export const str: FieldKind<string> = {
  wire: 'string',
  minBytes: 1,
  write: (w, v) => w.str(v),
  read: (r) => r.str(),
};

export const bytes: FieldKind<Uint8Array> = {
  wire: 'bytes',
  minBytes: 1,
  write: (w, v) => w.bytes(v),
  read: (r) => r.bytes(),
};

/**
 * A field added at the end of a body after v1 was first published (§12.3). Optional in the
 * frame's type: left out, it is not sent; a body that ends before it (a peer that does not know
 * it) decodes without it. Its "nothing to say" value is the same as its absence.
 */
export function trailing<T>(kind: FieldKind<T>): FieldKind<T | undefined> {
  return {
    wire: kind.wire,
    minBytes: kind.minBytes,
    write: (w, v) => {
      if (v !== undefined) kind.write(w, v);
    },
    read: (r) => kind.read(r),
    trailing: true,
  };
}

export const bool: FieldKind<boolean> = {
  wire: 'bool',
  minBytes: 1,
  write: (w, v) => w.bool(v),
  read: (r) => r.bool(),
};

/** Varint count, then the items. */
export function list<T>(item: FieldKind<T>): FieldKind<T[]> {
  return {
    wire: `list<${item.wire}>`,
    minBytes: 1,
    write(w, values) {
      if (!Array.isArray(values)) throw new TypeError(`${String(values)} is not an array`);
      w.uint(values.length);
      for (let i = 0; i < values.length; i++) item.write(w, values[i]);
    },
    read(r) {
      const count = r.uint();
      // A hostile count must not make us allocate: every item takes at least minBytes.
      if (count * item.minBytes > r.remaining) throw new WireError(ErrorCode.PROTOCOL_ERROR, `list of ${count} items does not fit the body`);
      const out: T[] = [];
      for (let i = 0; i < count; i++) out.push(item.read(r));
      return out;
    },
  };
}

/** A closed set of strings sent as one byte: the value's index in `values` (§3.3.6). */
export function enumeration<T extends string>(wire: string, values: readonly T[]): FieldKind<T> {
  const codes = new Map<string, number>(values.map((v, i) => [v, i]));
  if (values.length > 256) throw new RangeError('an enumeration has at most 256 values');
  return {
    wire,
    minBytes: 1,
    write(w, value) {
      const code = codes.get(value);
      if (code === undefined) throw new RangeError(`${String(value)} is not one of ${values.join(', ')}`);
      w.u8(code);
    },
    read(r) {
      const code = r.u8();
      if (code >= values.length) throw new WireError(ErrorCode.PROTOCOL_ERROR, `${wire} value ${code} is unknown`);
      return values[code];
    },
  };
}

/** Fields in order, no count or length: a structure cannot grow in v1 (§12.3). */
export function struct<T>(wire: string, fields: Fields<T>): FieldKind<T> {
  const names = fields.map((f) => f[0]);
  const kinds = fields.map((f) => f[1] as FieldKind<unknown>);
  return {
    wire,
    minBytes: kinds.reduce((sum, k) => sum + k.minBytes, 0),
    write(w, value) {
      if (typeof value !== 'object' || value === null) throw new TypeError(`${String(value)} is not a ${wire}`);
      const record = value as Record<string, unknown>;
      for (let i = 0; i < names.length; i++) kinds[i].write(w, record[names[i]]);
    },
    read(r) {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) out[names[i]] = kinds[i].read(r);
      return out as T;
    },
  };
}
