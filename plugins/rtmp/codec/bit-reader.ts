import { ParseError } from 'xlive/sdk';

/**
 * An MSB-first bit reader with Exp-Golomb codes (ITU-T H.264 section 9.1), for parameter sets
 * and AudioSpecificConfig. Reading past the end throws ParseError with the byte offset.
 */
export class BitReader {
  private bit = 0;

  constructor(private readonly buf: Uint8Array) {}

  get bitsLeft(): number {
    return this.buf.length * 8 - this.bit;
  }

  u(n: number, what = 'bits'): number {
    if (n > this.bitsLeft) throw new ParseError(`truncated ${what}: need ${n} bits`, this.bit >> 3);
    let v = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.buf[(this.bit >> 3)]!;
      v = v * 2 + ((byte >> (7 - (this.bit & 7))) & 1);
      this.bit++;
    }
    return v;
  }

  flag(what = 'flag'): boolean {
    return this.u(1, what) === 1;
  }

  /** ue(v): leadingZeroBits zeros, a one, then leadingZeroBits bits (H.264 9.1). */
  ue(what = 'ue(v)'): number {
    let zeros = 0;
    while (this.u(1, what) === 0) {
      if (++zeros > 31) throw new ParseError(`exp-golomb code of ${what} longer than 32 bits`, this.bit >> 3);
    }
    return 2 ** zeros - 1 + this.u(zeros, what);
  }

  /** se(v): ue mapped to 0, 1, −1, 2, −2, … (H.264 9.1.1). */
  se(what = 'se(v)'): number {
    const k = this.ue(what);
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }
}

/** Remove emulation-prevention bytes (00 00 03 → 00 00) from a NAL unit (H.264 7.4.1). */
export function unescapeRbsp(nal: Uint8Array): Uint8Array {
  let zeros = 0;
  let found = -1;
  for (let i = 0; i < nal.length; i++) {
    if (zeros >= 2 && nal[i] === 3) {
      found = i;
      break;
    }
    zeros = nal[i] === 0 ? zeros + 1 : 0;
  }
  if (found < 0) return nal;
  const out = new Uint8Array(nal.length);
  let n = 0;
  zeros = 0;
  for (let i = 0; i < nal.length; i++) {
    const b = nal[i]!;
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    out[n++] = b;
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, n);
}
