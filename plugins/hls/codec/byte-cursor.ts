import { ParseError } from 'xlive/sdk';

/**
 * A bounds-checked big-endian reader over a byte view. Every read past the end throws ParseError
 * with the absolute offset (relative to the view plus `baseOffset`); `bytes()` returns subarray views.
 */
export class ByteCursor {
  pos = 0;

  constructor(
    readonly data: Uint8Array,
    private readonly what: string,
    private readonly baseOffset = 0,
  ) {}

  get remaining(): number {
    return this.data.length - this.pos;
  }

  /** Absolute offset of the cursor, for error messages. */
  offset(): number {
    return this.baseOffset + this.pos;
  }

  need(n: number, field: string): void {
    if (n > this.remaining) {
      throw new ParseError(`${this.what} truncated reading ${field}: need ${n} bytes, ${this.remaining} left`, this.offset());
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.data[this.pos++]!;
  }

  u16(field: string): number {
    this.need(2, field);
    const v = (this.data[this.pos]! << 8) | this.data[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  bytes(n: number, field: string): Uint8Array {
    this.need(n, field);
    const v = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  skip(n: number, field: string): void {
    this.need(n, field);
    this.pos += n;
  }

  fail(message: string, at = this.offset()): never {
    throw new ParseError(`${this.what}: ${message}`, at);
  }
}
