import { ParseError } from 'xlive/sdk';

/**
 * A big-endian bit reader over a byte view, for small headers (AudioSpecificConfig). Reads at most
 * 24 bits at a time so all arithmetic stays well inside 32-bit range. Running off the end throws
 * ParseError naming the byte offset.
 */
export class BitReader {
  private bitPos = 0;

  constructor(
    private readonly data: Uint8Array,
    private readonly what: string,
    /** Added to reported offsets, so errors name the position in the enclosing buffer. */
    private readonly baseOffset = 0,
  ) {}

  get bitsLeft(): number {
    return this.data.length * 8 - this.bitPos;
  }

  read(bits: number): number {
    if (bits > 24) throw new RangeError(`BitReader reads at most 24 bits, asked ${bits}`);
    if (bits > this.bitsLeft) {
      throw new ParseError(`${this.what} truncated: need ${bits} bits, ${this.bitsLeft} left`, this.byteOffset());
    }
    let value = 0;
    for (let i = 0; i < bits; i++) {
      const byte = this.data[this.bitPos >> 3]!;
      value = value * 2 + ((byte >> (7 - (this.bitPos & 7))) & 1);
      this.bitPos++;
    }
    return value;
  }

  byteOffset(): number {
    return this.baseOffset + (this.bitPos >> 3);
  }
}
