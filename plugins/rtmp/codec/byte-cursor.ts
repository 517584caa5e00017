import { ParseError } from 'xlive/sdk';

/**
 * A bounds-checked big-endian reader over a byte view. Every read past the end throws
 * ParseError naming the absolute offset (`base` + position), so callers never index out of range.
 */
export class ByteCursor {
  pos = 0;

  constructor(
    readonly buf: Uint8Array,
    /** Absolute offset of buf[0] in the caller's stream, for error messages. */
    readonly base = 0,
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** Absolute offset of the next byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  fail(message: string, at = this.pos): never {
    throw new ParseError(message, this.base + at);
  }

  need(n: number, what: string): void {
    if (n > this.buf.length - this.pos) {
      this.fail(`truncated ${what}: need ${n} bytes, have ${this.buf.length - this.pos}`);
    }
  }

  u8(what = 'u8'): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  u16(what = 'u16'): number {
    this.need(2, what);
    const b = this.buf;
    const v = b[this.pos]! * 0x100 + b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u24(what = 'u24'): number {
    this.need(3, what);
    const b = this.buf;
    const v = b[this.pos]! * 0x10000 + b[this.pos + 1]! * 0x100 + b[this.pos + 2]!;
    this.pos += 3;
    return v;
  }

  /** Signed 24-bit (FLV CompositionTime SI24). */
  s24(what = 's24'): number {
    const v = this.u24(what);
    return v >= 0x800000 ? v - 0x1000000 : v;
  }

  u32(what = 'u32'): number {
    this.need(4, what);
    const b = this.buf;
    const v = b[this.pos]! * 0x1000000 + b[this.pos + 1]! * 0x10000 + b[this.pos + 2]! * 0x100 + b[this.pos + 3]!;
    this.pos += 4;
    return v;
  }

  s16(what = 's16'): number {
    const v = this.u16(what);
    return v >= 0x8000 ? v - 0x10000 : v;
  }

  f64(what = 'double'): number {
    this.need(8, what);
    const b = this.buf;
    const v = new DataView(b.buffer, b.byteOffset + this.pos, 8).getFloat64(0, false);
    this.pos += 8;
    return v;
  }

  /** A zero-copy view of the next n bytes. */
  bytes(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  utf8(n: number, what = 'string'): string {
    const v = this.bytes(n, what);
    return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
  }

  /** Four ASCII bytes (an Enhanced RTMP FourCC). */
  fourcc(what = 'fourcc'): string {
    const v = this.bytes(4, what);
    return String.fromCharCode(v[0]!, v[1]!, v[2]!, v[3]!);
  }
}
