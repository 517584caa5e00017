import { ParseError } from '../errors.js';

/** The widest read: values stay exact doubles and the loop short. */
const MAX_BITS = 32;

/**
 * An MSB-first bit reader with Exp-Golomb codes (ITU-T H.264 section 9.1), for parameter sets and
 * AudioSpecificConfig. Reading past the end throws ParseError naming the byte offset (`base` +
 * position, so errors point into the enclosing buffer).
 */
export class BitReader {
  private bit = 0;

  constructor(
    private readonly buf: Uint8Array,
    /** Absolute offset of buf[0], for error messages. */
    private readonly base = 0,
  ) {}

  get bitsLeft(): number {
    return this.buf.length * 8 - this.bit;
  }

  /** Absolute offset of the byte holding the next bit. */
  byteOffset(): number {
    return this.base + (this.bit >> 3);
  }

  /** u(n): the next n bits (0 ≤ n ≤ 32) as an unsigned number. */
  u(n: number, field = 'bits'): number {
    if (!Number.isInteger(n) || n < 0 || n > MAX_BITS) throw new RangeError(`BitReader reads 0..${MAX_BITS} bits, asked ${n}`);
    if (n > this.bitsLeft) throw new ParseError(`truncated ${field}: need ${n} bits, ${this.bitsLeft} left`, this.byteOffset());
    let v = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.buf[this.bit >> 3]!;
      v = v * 2 + ((byte >> (7 - (this.bit & 7))) & 1);
      this.bit++;
    }
    return v;
  }

  flag(field = 'flag'): boolean {
    return this.u(1, field) === 1;
  }

  /** ue(v): leadingZeroBits zeros, a one, then leadingZeroBits bits (H.264 9.1). */
  ue(field = 'ue(v)'): number {
    let zeros = 0;
    while (this.u(1, field) === 0) {
      if (++zeros > 31) throw new ParseError(`exp-golomb code of ${field} longer than 32 bits`, this.byteOffset());
    }
    return 2 ** zeros - 1 + this.u(zeros, field);
  }

  /** se(v): ue mapped to 0, 1, −1, 2, −2, … (H.264 9.1.1). */
  se(field = 'se(v)'): number {
    const k = this.ue(field);
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }
}
