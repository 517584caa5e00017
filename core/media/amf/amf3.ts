import { ByteCursor } from '../bytes/byte-cursor.js';
import { AmfContext, setAmfProperty } from './amf-context.js';

/**
 * AMF3 decoding (Adobe "AMF 3 Specification", 2013), enough to read commands and data that
 * Flash-era clients send after the AMF0 `avmplus-object-marker` (0x11). Decode only: xlive never
 * answers in AMF3. Externalizable objects cannot be decoded without their class and throw.
 */

/** AMF3 type markers, spec section 3.1. */
const enum M {
  Undefined = 0x00,
  Null = 0x01,
  False = 0x02,
  True = 0x03,
  Integer = 0x04,
  Double = 0x05,
  String = 0x06,
  XmlDoc = 0x07,
  Date = 0x08,
  Array = 0x09,
  Object = 0x0a,
  Xml = 0x0b,
  ByteArray = 0x0c,
  VectorInt = 0x0d,
  VectorUint = 0x0e,
  VectorDouble = 0x0f,
  VectorObject = 0x10,
  Dictionary = 0x11,
}

interface Traits {
  className: string;
  sealed: string[];
  dynamic: boolean;
}

/** The three reference tables of one AMF3 value graph (spec 2.2). */
class Amf3Tables {
  readonly strings: string[] = [];
  readonly objects: unknown[] = [];
  readonly traits: Traits[] = [];
}

/** Decode one AMF3 value at the cursor. Fresh reference tables per top-level value. */
export function decodeAmf3Value(cur: ByteCursor, ctx: AmfContext): unknown {
  return new Amf3Decoder(cur, ctx).value();
}

class Amf3Decoder {
  private readonly t = new Amf3Tables();

  constructor(
    private readonly cur: ByteCursor,
    private readonly ctx: AmfContext,
  ) {}

  /** U29: 1–4 bytes, 7 bits each with a continuation bit, the 4th byte contributes 8 bits (spec 1.3.1). */
  private u29(): number {
    let v = 0;
    for (let i = 0; i < 3; i++) {
      const b = this.cur.u8('amf3 u29');
      v = v * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) return v;
    }
    return v * 256 + this.cur.u8('amf3 u29');
  }

  /** A count read from a U29 header, checked against the bytes left (each item needs >= min bytes). */
  private count(n: number, minBytes: number, what: string): number {
    if (n * minBytes > this.cur.remaining) this.cur.fail(`amf3 ${what} count ${n} exceeds the payload`);
    return n;
  }

  private ref<T>(table: T[], index: number, what: string): T {
    if (index >= table.length) this.cur.fail(`amf3 ${what} reference ${index} out of range (${table.length})`);
    return table[index]!;
  }

  /** UTF-8-vr: a string or a string-table reference (spec 1.3.2). */
  string(): string {
    const h = this.u29();
    if ((h & 1) === 0) return this.ref(this.t.strings, h >>> 1, 'string');
    const s = this.cur.utf8(h >>> 1, 'amf3 string');
    if (s.length > 0) this.t.strings.push(s);
    return s;
  }

  value(): unknown {
    const cur = this.cur;
    this.ctx.count(cur);
    const marker = cur.u8('amf3 marker');
    switch (marker) {
      case M.Undefined:
        return undefined;
      case M.Null:
        return null;
      case M.False:
        return false;
      case M.True:
        return true;
      case M.Integer: {
        const v = this.u29();
        return v >= 0x10000000 ? v - 0x20000000 : v; // 29-bit two's complement
      }
      case M.Double:
        return cur.f64('amf3 double');
      case M.String:
        return this.string();
      case M.XmlDoc:
      case M.Xml:
        return this.withRef((len) => cur.utf8(len, 'amf3 xml'));
      case M.Date:
        return this.withRef(() => new Date(cur.f64('amf3 date')));
      case M.ByteArray:
        return this.withRef((len) => cur.bytes(len, 'amf3 bytearray'));
      case M.Array:
        return this.nested(() => this.array());
      case M.Object:
        return this.nested(() => this.object());
      case M.VectorInt:
      case M.VectorUint:
      case M.VectorDouble:
        return this.withRef((len) => this.numberVector(marker, len));
      case M.VectorObject:
        return this.nested(() => this.objectVector());
      case M.Dictionary:
        return this.nested(() => this.dictionary());
      default:
        return cur.fail(`unknown amf3 marker 0x${marker.toString(16)}`, cur.pos - 1);
    }
  }

  private nested<T>(fn: () => T): T {
    return this.ctx.nested(this.cur, fn);
  }

  /** U29O-ref then a value built from the length/count; references come from the object table. */
  private withRef(build: (len: number) => unknown): unknown {
    const h = this.u29();
    if ((h & 1) === 0) return this.ref(this.t.objects, h >>> 1, 'object');
    const v = build(h >>> 1);
    this.t.objects.push(v);
    return v;
  }

  /** Array: U29A dense count, associative part (name/value until empty name), dense part (spec 3.11). */
  private array(): unknown {
    const h = this.u29();
    if ((h & 1) === 0) return this.ref(this.t.objects, h >>> 1, 'object');
    const dense = this.count(h >>> 1, 1, 'array');
    const assoc: Record<string, unknown> = {};
    const slot = this.t.objects.length;
    this.t.objects.push(assoc);
    let hasAssoc = false;
    for (;;) {
      const key = this.string();
      if (key === '') break;
      hasAssoc = true;
      setAmfProperty(assoc, key, this.value());
    }
    const items: unknown[] = [];
    for (let i = 0; i < dense; i++) items.push(this.value());
    if (!hasAssoc) {
      this.t.objects[slot] = items;
      return items;
    }
    items.forEach((v, i) => setAmfProperty(assoc, String(i), v));
    return assoc;
  }

  /** Object: U29O with inline or referenced traits, sealed then dynamic members (spec 3.12). */
  private object(): unknown {
    const h = this.u29();
    if ((h & 1) === 0) return this.ref(this.t.objects, h >>> 1, 'object');
    let traits: Traits;
    if ((h & 2) === 0) {
      traits = this.ref(this.t.traits, h >>> 2, 'traits');
    } else {
      if ((h & 4) !== 0) this.cur.fail('amf3 externalizable object cannot be decoded');
      const dynamic = (h & 8) !== 0;
      const n = this.count(h >>> 4, 1, 'sealed member');
      const className = this.string();
      const sealed: string[] = [];
      for (let i = 0; i < n; i++) sealed.push(this.string());
      traits = { className, sealed, dynamic };
      this.t.traits.push(traits);
    }
    const obj: Record<string, unknown> = {};
    this.t.objects.push(obj);
    for (const key of traits.sealed) setAmfProperty(obj, key, this.value());
    if (traits.dynamic) {
      for (;;) {
        const key = this.string();
        if (key === '') break;
        setAmfProperty(obj, key, this.value());
      }
    }
    return obj;
  }

  /** Vector of int/uint/double: count, fixed flag, then 4- or 8-byte big-endian items (spec 3.15). */
  private numberVector(marker: number, len: number): number[] {
    const size = marker === M.VectorDouble ? 8 : 4;
    this.cur.u8('amf3 vector fixed flag');
    this.count(len, size, 'vector');
    const out: number[] = [];
    for (let i = 0; i < len; i++) {
      if (marker === M.VectorDouble) out.push(this.cur.f64('amf3 vector'));
      else {
        const u = this.cur.u32('amf3 vector');
        out.push(marker === M.VectorInt && u >= 0x80000000 ? u - 0x100000000 : u);
      }
    }
    return out;
  }

  private objectVector(): unknown {
    const h = this.u29();
    if ((h & 1) === 0) return this.ref(this.t.objects, h >>> 1, 'object');
    const len = this.count(h >>> 1, 1, 'vector');
    this.cur.u8('amf3 vector fixed flag');
    this.string(); // object type name
    const out: unknown[] = [];
    this.t.objects.push(out);
    for (let i = 0; i < len; i++) out.push(this.value());
    return out;
  }

  /** Dictionary: count, weak-keys flag, key/value pairs (spec 3.16). Keys are stringified. */
  private dictionary(): unknown {
    const h = this.u29();
    if ((h & 1) === 0) return this.ref(this.t.objects, h >>> 1, 'object');
    const len = this.count(h >>> 1, 2, 'dictionary');
    this.cur.u8('amf3 dictionary weak flag');
    const out: Record<string, unknown> = {};
    this.t.objects.push(out);
    for (let i = 0; i < len; i++) {
      const key = this.value();
      // Never String() a decoded object: a hostile `toString` member would throw a TypeError.
      const name = typeof key === 'object' && key !== null ? '[object]' : String(key);
      setAmfProperty(out, name, this.value());
    }
    return out;
  }
}
