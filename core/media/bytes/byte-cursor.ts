import { ParseError } from '../errors.js';

/**
 * A bounds-checked big-endian reader over a byte view. Every read past the end throws ParseError
 * naming the absolute offset (`base` + position), so callers never index out of range; `bytes()`
 * returns subarray views, never copies. With `what`, messages start with the structure's name.
 */
export class ByteCursor {
  pos = 0;

  constructor(
    readonly buf: Uint8Array,
    /** Absolute offset of buf[0] in the caller's stream, for error messages. */
    readonly base = 0,
    /** The structure being read (`AVCDecoderConfigurationRecord`), prefixed to messages. */
    readonly what?: string,
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** Absolute offset of the next byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Throw ParseError at `at` (a position in buf, default the cursor's). */
  fail(message: string, at = this.pos): never {
    throw new ParseError(this.what === undefined ? message : `${this.what}: ${message}`, this.base + at);
  }

  need(n: number, field: string): void {
    if (n > this.buf.length - this.pos) {
      this.fail(`truncated ${field}: need ${n} bytes, have ${this.buf.length - this.pos}`);
    }
  }

  u8(field = 'u8'): number {
    this.need(1, field);
    return this.buf[this.pos++]!;
  }

  u16(field = 'u16'): number {
    this.need(2, field);
    const b = this.buf;
    const v = b[this.pos]! * 0x100 + b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  s16(field = 's16'): number {
    const v = this.u16(field);
    return v >= 0x8000 ? v - 0x10000 : v;
  }

  u24(field = 'u24'): number {
    this.need(3, field);
    const b = this.buf;
    const v = b[this.pos]! * 0x10000 + b[this.pos + 1]! * 0x100 + b[this.pos + 2]!;
    this.pos += 3;
    return v;
  }

  /** Signed 24-bit (FLV CompositionTime SI24). */
  s24(field = 's24'): number {
    const v = this.u24(field);
    return v >= 0x800000 ? v - 0x1000000 : v;
  }

  u32(field = 'u32'): number {
    this.need(4, field);
    const b = this.buf;
    const v = b[this.pos]! * 0x1000000 + b[this.pos + 1]! * 0x10000 + b[this.pos + 2]! * 0x100 + b[this.pos + 3]!;
    this.pos += 4;
    return v;
  }

  /** IEEE 754 double, big-endian (AMF0 Number). */
  f64(field = 'double'): number {
    this.need(8, field);
    const b = this.buf;
    const v = new DataView(b.buffer, b.byteOffset + this.pos, 8).getFloat64(0, false);
    this.pos += 8;
    return v;
  }

  /** A zero-copy view of the next n bytes. */
  bytes(n: number, field = 'bytes'): Uint8Array {
    this.need(n, field);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  skip(n: number, field = 'bytes'): void {
    this.need(n, field);
    this.pos += n;
  }

  utf8(n: number, field = 'string'): string {
    const v = this.bytes(n, field);
    return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
  }

  /** Four ASCII bytes (an Enhanced RTMP FourCC). */
  fourcc(field = 'fourcc'): string {
    const v = this.bytes(4, field);
    return String.fromCharCode(v[0]!, v[1]!, v[2]!, v[3]!);
  }
}
