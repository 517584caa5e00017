import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParseError } from '../errors.js';
import { unescapeRbsp } from '../h264/rbsp.js';
import { BitReader } from './bit-reader.js';
import { ByteCursor } from './byte-cursor.js';
import { bits, hex } from '../../../test/helpers/test-bytes.js';

describe('bit reader', () => {
  it('reads Exp-Golomb ue(v) and se(v) (H.264 9.1)', () => {
    const r = new BitReader(bits('1 010 011 00100 00111 010 011'));
    assert.deepEqual([r.ue(), r.ue(), r.ue(), r.ue(), r.ue(), r.se(), r.se()], [0, 1, 2, 3, 6, 1, -1]);
  });

  it('refuses codes longer than 32 bits and reads past the end as ParseError', () => {
    assert.throws(() => new BitReader(Buffer.alloc(8)).ue(), /longer than 32 bits/);
    assert.throws(() => new BitReader(hex('ff')).u(9), ParseError);
  });

  it('reads fields across byte boundaries and names the absolute byte of a truncated one', () => {
    const r = new BitReader(hex('a5 f0 0f'), 40);
    assert.deepEqual([r.u(3), r.u(7), r.flag(), r.u(13)], [0b101, 0b0010111, true, 0b1000000001111]);
    assert.equal(r.bitsLeft, 0);
    assert.throws(() => r.u(1, 'x'), (e: unknown) => e instanceof ParseError && e.offset === 43 && /truncated x: need 1 bits, 0 left/.test(e.message));
    assert.throws(() => new BitReader(hex('00')).u(33), RangeError);
  });

  it('removes emulation prevention bytes', () => {
    assert.deepEqual([...unescapeRbsp(hex('00 00 03 01 00 00 03 00 00 03'))], [0, 0, 1, 0, 0, 0, 0]);
    const clean = hex('01 02 03');
    assert.equal(unescapeRbsp(clean), clean, 'no copy without escapes');
  });
});

describe('byte cursor', () => {
  it('reads big-endian integers, signed 16/24, doubles, FourCCs and strings', () => {
    const c = new ByteCursor(hex('01 0203 040506 ffffc0 0708090a 8000 400921fb54442d18 61766331 6869'));
    assert.deepEqual(
      [c.u8(), c.u16(), c.u24(), c.s24(), c.u32(), c.s16(), c.f64(), c.fourcc(), c.utf8(2)],
      [1, 0x0203, 0x040506, -64, 0x0708090a, -32768, Math.PI, 'avc1', 'hi'],
    );
    assert.equal(c.remaining, 0);
  });

  it('returns views, skips, and throws ParseError at the absolute offset, prefixed with what it reads', () => {
    const buf = hex('00 11 22 33');
    const c = new ByteCursor(buf, 100, 'Thing');
    c.skip(1);
    const v = c.bytes(2, 'middle');
    assert.equal(v.buffer, buf.buffer);
    assert.deepEqual([...v], [0x11, 0x22]);
    assert.equal(c.offset, 103);
    assert.throws(() => c.u16('tail'), (e: unknown) => e instanceof ParseError && e.offset === 103 && e.message === 'Thing: truncated tail: need 2 bytes, have 1 (at byte 103)');
    assert.throws(() => c.fail('bad', 0), (e: unknown) => e instanceof ParseError && e.offset === 100);
  });
});
