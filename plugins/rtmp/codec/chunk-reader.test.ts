import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from 'xlive/sdk/testing';

const { ParseError } = await import('xlive/sdk');
const { ChunkReader, unwrap } = await import('./chunk-reader.js');
const { encodeChunks } = await import('./chunk-writer.js');

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const fill = (n: number, byte = 0xab) => Buffer.alloc(n, byte);
type Msg = { csid: number; typeId: number; streamId: number; timestamp: number; payload: Buffer };
const plain = (msgs: Msg[]) => msgs.map((m) => ({ ...m, payload: m.payload.toString('hex') }));

/** Feed everything at once, and again one byte at a time; both must give the same messages. */
function parse(input: Buffer, options = {}): Msg[] {
  const whole = new ChunkReader(options).push(input);
  const r = new ChunkReader(options);
  const bytewise: Msg[] = [];
  for (let i = 0; i < input.length; i++) bytewise.push(...r.push(input.subarray(i, i + 1)));
  assert.deepEqual(plain(bytewise), plain(whole), 'byte-by-byte feeding gives the same messages');
  return whole;
}

describe('chunk reader: headers (RTMP 1.0 spec 5.3.1)', () => {
  it('reads a fmt 0 chunk: timestamp, length, type id, little-endian stream id', () => {
    const [m] = parse(hex('03 0003e8 000005 14 01000000' + Buffer.from('hello').toString('hex')));
    assert.deepEqual({ ...m, payload: m!.payload.toString() }, { csid: 3, typeId: 20, streamId: 1, timestamp: 1000, payload: 'hello' });
  });

  it('applies fmt 1 and 2 deltas, and fmt 3 repeats the last delta for a new message', () => {
    const input = hex(
      '06 0003e8 000003 09 01000000 aaaaaa' + // fmt 0: ts 1000
        '46 000014 000003 09 bbbbbb' + // fmt 1: +20, length 3, type 9
        '86 00000a cccccc' + // fmt 2: +10
        'c6 dddddd', // fmt 3: +10 again
    );
    const msgs = parse(input);
    assert.deepEqual(msgs.map((m) => m.timestamp), [1000, 1020, 1030, 1040]);
    assert.deepEqual(msgs.map((m) => m.streamId), [1, 1, 1, 1]);
    assert.deepEqual(msgs.map((m) => m.payload.toString('hex')), ['aaaaaa', 'bbbbbb', 'cccccc', 'dddddd']);
  });

  it('treats the fmt 0 timestamp as the delta of a following fmt 3 message (spec 5.3.1.2.4)', () => {
    const msgs = parse(hex('04 000028 000001 08 00000000 01 c4 02'));
    assert.deepEqual(msgs.map((m) => m.timestamp), [40, 80]);
  });

  it('reads 2- and 3-byte basic headers (csid 64..319 and 320..65599)', () => {
    const msgs = parse(hex('00 24 000000 000001 12 00000000 01' + '01 50 01 000000 000001 12 00000000 02'));
    assert.deepEqual(msgs.map((m) => m.csid), [100, 400]);
  });

  it('splits messages over chunks of the current size and reassembles them', () => {
    const body = Buffer.alloc(300);
    for (let i = 0; i < 300; i++) body[i] = i % 251;
    const input = Buffer.concat([
      hex('06 000000 00012c 09 01000000'), body.subarray(0, 128),
      hex('c6'), body.subarray(128, 256),
      hex('c6'), body.subarray(256),
    ]);
    const [m] = parse(input);
    assert.deepEqual(m!.payload, body);
  });

  it('interleaves chunks of two chunk streams', () => {
    const input = Buffer.concat([
      hex('06 000000 000100 09 01000000'), fill(128, 1),
      hex('04 000000 000002 08 01000000 0202'),
      hex('c6'), fill(128, 1),
    ]);
    const msgs = parse(input);
    assert.deepEqual(msgs.map((m) => [m.csid, m.payload.length]), [[4, 2], [6, 256]]);
  });

  it('reads extended timestamps, including the copy on fmt 3 continuation chunks', () => {
    const input = Buffer.concat([
      hex('06 ffffff 0000c8 09 01000000 01000000'), fill(128),
      hex('c6 01000000'), fill(72),
    ]);
    const [m] = parse(input);
    assert.equal(m!.timestamp, 0x01000000);
    assert.equal(m!.payload.length, 200);
  });

  it('accepts fmt 3 continuation chunks that leave the extended timestamp out', () => {
    const input = Buffer.concat([hex('06 ffffff 0000c8 09 01000000 01000000'), fill(128), hex('c6'), fill(72, 0x11)]);
    const [m] = parse(input);
    assert.equal(m!.payload.length, 200);
    assert.equal(m!.payload[199], 0x11);
  });

  it('reads the extended timestamp a fmt 3 message start carries as its delta', () => {
    const msgs = parse(hex('06 ffffff 000001 09 01000000 01000000 aa' + 'c6 01000000 bb'));
    assert.deepEqual(msgs.map((m) => m.timestamp), [0x01000000, 0x02000000]);
  });

  it('unwraps 32-bit timestamps past 2^32 ms', () => {
    const msgs = parse(hex('06 ffffff 000001 09 01000000 fffffff0 aa' + '86 000020 bb'));
    assert.deepEqual(msgs.map((m) => m.timestamp), [0xfffffff0, 0x100000010]);
    assert.equal(unwrap(0x100000010, 5), 0x100000005, 'a small step back stays on the same lap');
    assert.equal(unwrap(0, 0xfffffff0), 0xfffffff0, 'never negative');
  });

  it('completes zero-length messages from the header alone', () => {
    const msgs = parse(hex('03 000000 000000 14 00000000' + '03 000000 000001 14 00000000 05'));
    assert.deepEqual(msgs.map((m) => m.payload.length), [0, 1]);
  });
});

describe('chunk reader: protocol control', () => {
  it('applies Set Chunk Size before the next chunk (spec 5.4.1)', () => {
    const input = Buffer.concat([hex('02 000000 000004 01 00000000 00001000'), hex('06 000000 00012c 09 01000000'), fill(300)]);
    const reader = new ChunkReader();
    const msgs = reader.push(input);
    assert.equal(reader.chunkSize, 4096);
    assert.deepEqual(msgs.map((m) => [m.typeId, m.payload.length]), [[1, 4], [9, 300]]);
  });

  it('refuses chunk size 0 and sizes with bit 31 set', () => {
    assert.throws(() => new ChunkReader().push(hex('02 000000 000004 01 00000000 00000000')), /invalid chunk size 0/);
    assert.throws(() => new ChunkReader().push(hex('02 000000 000004 01 00000000 80000000')), /invalid chunk size/);
  });

  it('drops a partial message on Abort (spec 5.4.2)', () => {
    const input = Buffer.concat([
      hex('06 000000 0000c8 09 01000000'), fill(128),
      hex('02 000000 000004 02 00000000 00000006'),
      hex('06 000000 000002 09 01000000 abcd'),
    ]);
    const msgs = parse(input);
    assert.deepEqual(msgs.map((m) => [m.typeId, m.payload.toString('hex')]), [[2, '00000006'], [9, 'abcd']]);
  });
});

describe('chunk reader: memory', () => {
  it('returns a single-chunk message as a view of the received buffer (zero copy)', () => {
    const input = hex('06 000000 000004 09 01000000 01020304');
    const [m] = new ChunkReader().push(input);
    assert.equal(m!.payload.buffer, input.buffer);
    assert.equal(m!.payload.byteOffset, input.byteOffset + 12);
  });

  it('refuses messages over the size limit', () => {
    assert.throws(
      () => new ChunkReader({ maxMessageSize: 1000 }).push(hex('06 000000 0003e9 09 01000000')),
      (err: unknown) => err instanceof ParseError && /1001 bytes exceeds 1000/.test(err.message),
    );
  });

  it('bounds the chunk streams tracked and the bytes held in partial messages', () => {
    const many = Buffer.concat(Array.from({ length: 5 }, (_, i) => hex(`${(10 + i).toString(16).padStart(2, '0')} 000000 000001 09 01000000 00`)));
    assert.throws(() => new ChunkReader({ maxChunkStreams: 4 }).push(many), /more than 4 chunk streams/);
    const partials = Buffer.concat(
      [4, 5, 6].map((csid) => Buffer.concat([hex(`0${csid} 000000 000200 09 01000000`), fill(128)])),
    );
    assert.throws(() => new ChunkReader({ maxPendingBytes: 300 }).push(partials), /more than 300 bytes held/);
  });

  it('refuses fmt 2/3 chunks on a chunk stream it has never seen', () => {
    assert.throws(() => new ChunkReader().push(hex('c5 00')), /fmt 3 chunk on new chunk stream 5/);
    assert.throws(() => new ChunkReader().push(hex('85 000001 00')), /fmt 2 chunk on new chunk stream 5/);
  });
});

describe('chunk reader fuzz', () => {
  const rnd = new SeededRandom(0xc0ffee);
  const stream = Buffer.concat(
    Array.from({ length: 20 }, (_, i) =>
      Buffer.concat(
        encodeChunks(
          { csid: rnd.pick([3, 4, 6, 70, 400]), typeId: rnd.pick([8, 9, 18, 20]), streamId: 1, timestamp: i * 33 + (i % 3 === 0 ? 0xfffff0 : 0), payload: rnd.bytes(rnd.int(400)) },
          128,
        ),
      ),
    ),
  );

  function feed(input: Buffer, pieces: number): void {
    const reader = new ChunkReader({ maxMessageSize: 64 * 1024, maxChunkStreams: 16 });
    try {
      for (const p of rnd.split(input, pieces)) {
        for (const m of reader.push(p)) assert.ok(m.payload.length <= 64 * 1024);
      }
      assert.ok(reader.buffered < 32, 'only an incomplete header stays buffered');
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
    }
  }

  it('parses a clean multi-csid stream split anywhere', () => {
    const reader = new ChunkReader();
    let n = 0;
    for (const p of rnd.split(stream, 50)) n += reader.push(p).length;
    assert.equal(n, 20);
  });

  it('survives 2000 mutated chunk streams with only ParseErrors', () => {
    for (let i = 0; i < 2000; i++) feed(rnd.mutate(stream), 300);
  });

  it('survives 2000 random chunk streams with only ParseErrors', () => {
    for (let i = 0; i < 2000; i++) feed(rnd.bytes(1 + rnd.int(600)), 100);
  });
});
