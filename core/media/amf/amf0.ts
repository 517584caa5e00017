import { ParseError } from '../errors.js';
import { ByteCursor } from '../bytes/byte-cursor.js';
import { AmfContext, setAmfProperty, type AmfLimits } from './amf-context.js';
import { decodeAmf3Value } from './amf3.js';

/**
 * AMF0 (Adobe "Action Message Format -- AMF 0", 2007). Decoding maps AMF0 to plain JS values:
 * object/ECMA array/typed object → object, strict array → array, date → Date, XML → string,
 * long string → string. An `avmplus-object-marker` (0x11) switches one value to AMF3.
 * Encoding writes the same kinds back; wrap a record in `EcmaArray` to get an ECMA array.
 */

/** AMF0 type markers, spec section 2.1. */
export const Amf0Marker = {
  Number: 0x00,
  Boolean: 0x01,
  String: 0x02,
  Object: 0x03,
  MovieClip: 0x04,
  Null: 0x05,
  Undefined: 0x06,
  Reference: 0x07,
  EcmaArray: 0x08,
  ObjectEnd: 0x09,
  StrictArray: 0x0a,
  Date: 0x0b,
  LongString: 0x0c,
  Unsupported: 0x0d,
  RecordSet: 0x0e,
  XmlDocument: 0x0f,
  TypedObject: 0x10,
  AvmPlus: 0x11,
} as const;

/** Marks a record to encode as an ECMA array (marker 0x08), as `onMetaData` conventionally is. */
export class EcmaArray {
  constructor(readonly values: Record<string, unknown>) {}
}

export interface Amf0DecodeOptions {
  limits?: Partial<AmfLimits>;
  /** Absolute offset of buf[0], for error messages. */
  base?: number;
}

/** Decode every value in `buf`. Throws ParseError (with byte offset) on malformed input. */
export function decodeAmf0(buf: Uint8Array, options: Amf0DecodeOptions = {}): unknown[] {
  const { values, error } = decodeAmf0Partial(buf, options);
  if (error) throw error;
  return values;
}

/**
 * Decode values until the end or the first malformed one; returns what was decoded and the error.
 * Commands are usable when their name and arguments parse even if a trailing value does not.
 */
export function decodeAmf0Partial(
  buf: Uint8Array,
  options: Amf0DecodeOptions = {},
): { values: unknown[]; error?: ParseError; ends: number[]; switchedToAmf3: boolean } {
  const cur = new ByteCursor(buf, options.base ?? 0);
  const ctx = new AmfContext(options.limits);
  const dec = new Amf0Decoder(cur, ctx);
  const values: unknown[] = [];
  const ends: number[] = [];
  try {
    while (cur.remaining > 0) {
      values.push(dec.value());
      ends.push(cur.pos);
    }
  } catch (err) {
    if (err instanceof ParseError) return { values, error: err, ends, switchedToAmf3: ctx.switchedToAmf3 };
    throw err;
  }
  return { values, ends, switchedToAmf3: ctx.switchedToAmf3 };
}

class Amf0Decoder {
  /** Complex objects in order of appearance, for reference markers (spec 2.9). */
  private readonly refs: unknown[] = [];

  constructor(
    private readonly cur: ByteCursor,
    private readonly ctx: AmfContext,
  ) {}

  value(): unknown {
    const cur = this.cur;
    this.ctx.count(cur);
    const at = cur.pos;
    const marker = cur.u8('amf0 marker');
    switch (marker) {
      case Amf0Marker.Number:
        return cur.f64('amf0 number');
      case Amf0Marker.Boolean:
        return cur.u8('amf0 boolean') !== 0;
      case Amf0Marker.String:
        return cur.utf8(cur.u16('amf0 string length'), 'amf0 string');
      case Amf0Marker.LongString:
      case Amf0Marker.XmlDocument:
        return cur.utf8(cur.u32('amf0 long string length'), 'amf0 long string');
      case Amf0Marker.Null:
        return null;
      case Amf0Marker.Undefined:
      case Amf0Marker.Unsupported:
        return undefined;
      case Amf0Marker.Date: {
        const ms = cur.f64('amf0 date');
        cur.s16('amf0 date time zone'); // reserved, should be 0x0000 (spec 2.13)
        return new Date(ms);
      }
      case Amf0Marker.Reference: {
        const i = cur.u16('amf0 reference');
        if (i >= this.refs.length) cur.fail(`amf0 reference ${i} out of range (${this.refs.length})`, at);
        return this.refs[i];
      }
      case Amf0Marker.Object:
        return this.nested(() => this.properties({}, false));
      case Amf0Marker.TypedObject:
        cur.utf8(cur.u16('amf0 class name length'), 'amf0 class name');
        return this.nested(() => this.properties({}, false));
      case Amf0Marker.EcmaArray:
        cur.u32('amf0 ecma array count'); // advisory only: the end marker terminates (spec 2.10)
        return this.nested(() => this.properties({}, true));
      case Amf0Marker.StrictArray:
        return this.nested(() => this.strictArray());
      case Amf0Marker.AvmPlus:
        this.ctx.switchedToAmf3 = true;
        return this.nested(() => decodeAmf3Value(cur, this.ctx));
      case Amf0Marker.ObjectEnd:
        return cur.fail('unexpected amf0 object end marker', at);
      default:
        return cur.fail(`unsupported amf0 marker 0x${marker.toString(16)}`, at);
    }
  }

  private nested<T>(fn: () => T): T {
    return this.ctx.nested(this.cur, fn);
  }

  /**
   * Property list: UTF-8 (u16 length) key, value, ... terminated by an empty key followed by the
   * object-end marker 0x09 (spec 2.5). ECMA arrays whose end marker is missing at the very end of
   * the payload are accepted, as several encoders write them that way.
   */
  private properties(obj: Record<string, unknown>, lenientEnd: boolean): Record<string, unknown> {
    const cur = this.cur;
    this.refs.push(obj);
    for (;;) {
      if (lenientEnd && cur.remaining === 0) return obj;
      const keyLen = cur.u16('amf0 property name length');
      if (keyLen === 0 && cur.remaining > 0 && cur.buf[cur.pos] === Amf0Marker.ObjectEnd) {
        cur.pos++;
        return obj;
      }
      if (lenientEnd && keyLen === 0 && cur.remaining === 0) return obj;
      const key = cur.utf8(keyLen, 'amf0 property name');
      setAmfProperty(obj, key, this.value());
    }
  }

  private strictArray(): unknown[] {
    const cur = this.cur;
    const n = cur.u32('amf0 strict array count');
    if (n > cur.remaining) cur.fail(`amf0 strict array count ${n} exceeds the payload`);
    const out: unknown[] = [];
    this.refs.push(out);
    for (let i = 0; i < n; i++) out.push(this.value());
    return out;
  }
}

/** Encode values as consecutive AMF0 values into one buffer allocated at its final size. */
export function encodeAmf0(values: readonly unknown[]): Buffer {
  let size = 0;
  for (const v of values) size += sizeOf(v, 0);
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  for (const v of values) pos = write(out, pos, v);
  return out;
}

const MAX_ENCODE_DEPTH = 32;

function encodable(obj: Record<string, unknown>): Array<[string, unknown]> {
  // Properties whose value is undefined are left out, so optional fields can be written inline.
  return Object.entries(obj).filter(([, v]) => v !== undefined);
}

function keySize(key: string): number {
  const n = Buffer.byteLength(key, 'utf8');
  if (n > 0xffff) throw new TypeError(`amf0 property name longer than 65535 bytes: ${key.slice(0, 32)}…`);
  return 2 + n;
}

function sizeOf(v: unknown, depth: number): number {
  if (depth > MAX_ENCODE_DEPTH) throw new TypeError('amf0 value nested too deeply to encode');
  if (v === null || v === undefined) return 1;
  switch (typeof v) {
    case 'number':
      return 9;
    case 'boolean':
      return 2;
    case 'string': {
      const n = Buffer.byteLength(v, 'utf8');
      return n > 0xffff ? 5 + n : 3 + n;
    }
    case 'object': {
      if (v instanceof Date) return 11;
      if (Array.isArray(v)) return v.reduce((s: number, x) => s + sizeOf(x, depth + 1), 5);
      const ecma = v instanceof EcmaArray;
      const rec = ecma ? v.values : (v as Record<string, unknown>);
      let n = (ecma ? 5 : 1) + 3;
      for (const [k, x] of encodable(rec)) n += keySize(k) + sizeOf(x, depth + 1);
      return n;
    }
    default:
      throw new TypeError(`cannot encode ${typeof v} as amf0`);
  }
}

function writeKey(out: Buffer, pos: number, key: string): number {
  const n = out.write(key, pos + 2, 'utf8');
  out.writeUInt16BE(n, pos);
  return pos + 2 + n;
}

function write(out: Buffer, pos: number, v: unknown): number {
  if (v === null) {
    out[pos] = Amf0Marker.Null;
    return pos + 1;
  }
  if (v === undefined) {
    out[pos] = Amf0Marker.Undefined;
    return pos + 1;
  }
  switch (typeof v) {
    case 'number':
      out[pos] = Amf0Marker.Number;
      out.writeDoubleBE(v, pos + 1); // IEEE-754 double, big-endian (spec 2.2)
      return pos + 9;
    case 'boolean':
      out[pos] = Amf0Marker.Boolean;
      out[pos + 1] = v ? 1 : 0;
      return pos + 2;
    case 'string': {
      const n = Buffer.byteLength(v, 'utf8');
      if (n <= 0xffff) {
        out[pos] = Amf0Marker.String; // u16 length + UTF-8 (spec 2.4)
        out.writeUInt16BE(n, pos + 1);
        return pos + 3 + out.write(v, pos + 3, 'utf8');
      }
      out[pos] = Amf0Marker.LongString; // u32 length + UTF-8 (spec 2.14)
      out.writeUInt32BE(n, pos + 1);
      return pos + 5 + out.write(v, pos + 5, 'utf8');
    }
    default:
      break;
  }
  if (v instanceof Date) {
    out[pos] = Amf0Marker.Date;
    out.writeDoubleBE(v.getTime(), pos + 1);
    out.writeInt16BE(0, pos + 9); // time-zone, reserved 0 (spec 2.13)
    return pos + 11;
  }
  if (Array.isArray(v)) {
    out[pos] = Amf0Marker.StrictArray; // u32 count + values (spec 2.12)
    out.writeUInt32BE(v.length, pos + 1);
    pos += 5;
    for (const x of v) pos = write(out, pos, x);
    return pos;
  }
  const ecma = v instanceof EcmaArray;
  const props = encodable(ecma ? (v as EcmaArray).values : (v as Record<string, unknown>));
  out[pos++] = ecma ? Amf0Marker.EcmaArray : Amf0Marker.Object;
  if (ecma) {
    out.writeUInt32BE(props.length, pos); // associative-count (spec 2.10)
    pos += 4;
  }
  for (const [k, x] of props) pos = write(out, writeKey(out, pos, k), x);
  out.writeUInt16BE(0, pos); // empty name + object-end marker (spec 2.11)
  out[pos + 2] = Amf0Marker.ObjectEnd;
  return pos + 3;
}
