import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from 'xlive/sdk/testing';

const { ParseError } = await import('xlive/sdk');
const ws = await import('./websocket-frames.js');
const { WebSocketFrameParser, WebSocketFrameError, WsOpcode, WsCloseCode } = ws;

/** A masked client frame. */
function clientFrame(opcode: number, payload: Uint8Array, opts: { fin?: boolean; mask?: Buffer; rsv?: number } = {}): Buffer {
  const mask = opts.mask ?? Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
  const len = payload.byteLength;
  const ext = len < 126 ? Buffer.alloc(0) : len <= 0xffff ? Buffer.alloc(2) : Buffer.alloc(8);
  if (ext.byteLength === 2) ext.writeUInt16BE(len);
  if (ext.byteLength === 8) ext.writeBigUInt64BE(BigInt(len));
  const body = Buffer.from(payload).map((b, i) => b ^ mask[i % 4]!);
  const b0 = ((opts.fin ?? true) ? 0x80 : 0) | (opts.rsv ?? 0) | opcode;
  return Buffer.concat([Buffer.from([b0, 0x80 | (len < 126 ? len : len <= 0xffff ? 126 : 127)]), ext, mask, body]);
}

function parseAll(bytes: Buffer, split = 0): { frames: Array<{ opcode: number; payload: string; length: number }>; error?: { closeCode: number; offset: number } } {
  const p = new WebSocketFrameParser({ maxFrameBytes: 1024 });
  const frames: Array<{ opcode: number; payload: string; length: number }> = [];
  try {
    const step = split > 0 ? split : bytes.byteLength || 1;
    for (let i = 0; i < bytes.byteLength; i += step) {
      for (const f of p.push(bytes.subarray(i, i + step))) frames.push({ opcode: f.opcode, payload: f.payload.toString('hex'), length: f.length });
    }
    return { frames };
  } catch (err) {
    assert.ok(err instanceof WebSocketFrameError, `unexpected error ${String(err)}`);
    return { frames, error: { closeCode: err.closeCode, offset: err.offset } };
  }
}

describe('websocket frame encoding', () => {
  it('writes unmasked headers with 7-, 16- and 64-bit lengths', () => {
    assert.deepEqual(ws.encodeFrameHeader(WsOpcode.binary, 0), Buffer.from([0x82, 0]));
    assert.deepEqual(ws.encodeFrameHeader(WsOpcode.binary, 125), Buffer.from([0x82, 125]));
    assert.deepEqual(ws.encodeFrameHeader(WsOpcode.binary, 126), Buffer.from([0x82, 126, 0, 126]));
    assert.deepEqual(ws.encodeFrameHeader(WsOpcode.binary, 65535), Buffer.from([0x82, 126, 0xff, 0xff]));
    assert.deepEqual(ws.encodeFrameHeader(WsOpcode.binary, 65536), Buffer.from([0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]));
    assert.deepEqual(ws.encodeFrameHeader(WsOpcode.text, 3, false), Buffer.from([0x01, 3]));
  });

  it('sends a binary message as header plus the caller views', () => {
    const a = Buffer.from([1, 2]);
    const b = Buffer.from([3]);
    const parts = ws.encodeBinaryMessage([a, b]);
    assert.deepEqual(parts[0], Buffer.from([0x82, 3]));
    assert.equal(parts[1], a);
    assert.equal(parts[2], b);
  });

  it('writes RFC 6455 section 5.7 unmasked ping and close frames', () => {
    assert.deepEqual(ws.encodeControlFrame(WsOpcode.ping, Buffer.from('Hello')), Buffer.from([0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]));
    assert.deepEqual(ws.encodeCloseFrame(1000, 'bye'), Buffer.from([0x88, 5, 0x03, 0xe8, 0x62, 0x79, 0x65]));
    assert.deepEqual(ws.encodeCloseFrame(), Buffer.from([0x88, 0]));
    assert.throws(() => ws.encodeControlFrame(WsOpcode.ping, Buffer.alloc(126)), RangeError);
  });

  it('truncates a long close reason to 123 bytes of valid UTF-8', () => {
    const f = ws.encodeCloseFrame(1001, 'é'.repeat(100));
    assert.ok(f.byteLength <= 127);
    const reason = f.subarray(4);
    assert.ok(reason.byteLength <= 123);
    assert.equal(new TextDecoder('utf-8', { fatal: true }).decode(reason), 'é'.repeat(reason.byteLength / 2));
  });
});

describe('websocket frame parser', () => {
  it('parses the RFC 6455 section 5.7 masked "Hello" text frame (payload discarded)', () => {
    const bytes = Buffer.from([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
    assert.deepEqual(parseAll(bytes).frames, [{ opcode: 1, payload: '', length: 5 }]);
  });

  it('unmasks a ping payload, byte by byte as in one chunk', () => {
    const bytes = Buffer.from([0x89, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
    const expected = [{ opcode: 9, payload: Buffer.from('Hello').toString('hex'), length: 5 }];
    assert.deepEqual(parseAll(bytes).frames, expected);
    assert.deepEqual(parseAll(bytes, 1).frames, expected);
  });

  it('parses several frames, 16-bit lengths and a fragmented message with a ping inside', () => {
    const bytes = Buffer.concat([
      clientFrame(WsOpcode.binary, Buffer.alloc(300, 7)),
      clientFrame(WsOpcode.text, Buffer.from('ab'), { fin: false }),
      clientFrame(WsOpcode.ping, Buffer.from([1, 2, 3])),
      clientFrame(WsOpcode.continuation, Buffer.from('cd')),
      clientFrame(WsOpcode.pong, Buffer.alloc(0)),
      clientFrame(WsOpcode.close, Buffer.from([0x03, 0xe8, 0x6f, 0x6b])),
      clientFrame(WsOpcode.binary, Buffer.from('ignored after close')),
    ]);
    for (const split of [0, 1, 3, 7]) {
      const r = parseAll(bytes, split);
      assert.equal(r.error, undefined);
      assert.deepEqual(
        r.frames.map((f) => [f.opcode, f.payload, f.length]),
        [[2, '', 300], [1, '', 2], [9, '010203', 3], [0, '', 2], [10, '', 0], [8, '03e86f6b', 4]],
      );
    }
  });

  const violations: Array<[string, Buffer, number, number]> = [
    ['an unmasked frame', Buffer.from([0x82, 0x01, 0x00]), WsCloseCode.protocolError, 1],
    ['RSV1 without an extension', clientFrame(2, Buffer.alloc(1), { rsv: 0x40 }), WsCloseCode.protocolError, 0],
    ['opcode 0x3', clientFrame(3, Buffer.alloc(1)), WsCloseCode.protocolError, 0],
    ['opcode 0xb', clientFrame(0xb, Buffer.alloc(1)), WsCloseCode.protocolError, 0],
    ['a fragmented ping', clientFrame(9, Buffer.alloc(1), { fin: false }), WsCloseCode.protocolError, 0],
    ['a 126-byte ping', clientFrame(9, Buffer.alloc(126)), WsCloseCode.protocolError, 1],
    ['a stray continuation', clientFrame(0, Buffer.alloc(1)), WsCloseCode.protocolError, 0],
    ['a data frame inside a fragmented message', Buffer.concat([clientFrame(2, Buffer.alloc(1), { fin: false }), clientFrame(2, Buffer.alloc(1))]), WsCloseCode.protocolError, 7],
    ['a non-minimal 16-bit length', Buffer.from([0x82, 0xfe, 0x00, 0x05, 0, 0, 0, 0]), WsCloseCode.protocolError, 2],
    ['a non-minimal 64-bit length', Buffer.from([0x82, 0xff, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0, 0, 0, 0]), WsCloseCode.protocolError, 2],
    ['a 64-bit length with the top bit set', Buffer.from([0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), WsCloseCode.protocolError, 2],
    ['a frame over the size limit', Buffer.from([0x82, 0xfe, 0x04, 0x01, 0, 0, 0, 0]), WsCloseCode.messageTooBig, 1],
    ['a huge 64-bit length', Buffer.from([0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]), WsCloseCode.messageTooBig, 1],
    ['a 1-byte close payload', clientFrame(8, Buffer.from([3])), WsCloseCode.protocolError, 6],
    ['close code 1005', clientFrame(8, Buffer.from([0x03, 0xed])), WsCloseCode.protocolError, 6],
    ['close code 999', clientFrame(8, Buffer.from([0x03, 0xe7])), WsCloseCode.protocolError, 6],
    ['a close reason that is not UTF-8', clientFrame(8, Buffer.from([0x03, 0xe8, 0xc3, 0x28])), WsCloseCode.invalidPayload, 8],
  ];
  for (const [name, bytes, code, offset] of violations) {
    it(`closes with ${code} on ${name}, naming the byte offset`, () => {
      for (const split of [0, 1]) {
        const r = parseAll(bytes, split);
        assert.deepEqual(r.error, { closeCode: code, offset }, `split ${split}`);
      }
    });
  }

  it('reports violations as coded ParseErrors and ignores input after one', () => {
    const p = new WebSocketFrameParser();
    assert.throws(() => p.push(Buffer.from([0x82, 0x01])), (e: unknown) => e instanceof ParseError && e.code === 'PARSE_ERROR' && /byte 1/.test(e.message));
    assert.equal(p.done, true);
    assert.deepEqual(p.push(clientFrame(9, Buffer.alloc(1))), []);
  });

  it('survives a seeded fuzz: only frames or WebSocketFrameErrors, the same however the input is split', () => {
    const rnd = new SeededRandom(0x5eed);
    const valid = [
      clientFrame(9, Buffer.from('hi')),
      clientFrame(2, Buffer.alloc(200, 1)),
      clientFrame(1, Buffer.from('x'), { fin: false }),
      clientFrame(0, Buffer.from('y')),
      clientFrame(8, Buffer.from([0x03, 0xe8])),
      clientFrame(10, Buffer.alloc(0)),
    ];
    let errors = 0;
    let frames = 0;
    for (let n = 0; n < 4000; n++) {
      let input: Buffer;
      const kind = rnd.int(3);
      if (kind === 0) {
        input = rnd.bytes(rnd.int(80));
      } else {
        const parts: Buffer[] = [];
        for (let k = rnd.int(5) + 1; k > 0; k--) parts.push(valid[rnd.int(valid.length)]!);
        input = Buffer.concat(parts);
        // Mutate a few bytes (kind 1) or truncate (kind 2).
        if (kind === 1) for (let m = rnd.int(4); m > 0; m--) input[rnd.int(input.byteLength)] = rnd.int(256);
        else input = input.subarray(0, rnd.int(input.byteLength + 1));
      }
      const whole = parseAll(input);
      const split = parseAll(input, 1 + rnd.int(9));
      // Frames completed in the chunk that fails are not returned (push throws), so compare the
      // error when there is one and the frames otherwise.
      if (whole.error) assert.deepEqual(split.error, whole.error, `case ${n}: ${input.toString('hex')}`);
      else assert.deepEqual(split, whole, `case ${n}: ${input.toString('hex')}`);
      if (whole.error) {
        errors++;
        assert.ok(whole.error.offset >= 0 && whole.error.offset < input.byteLength, `case ${n} offset`);
        assert.ok([1002, 1007, 1009].includes(whole.error.closeCode));
      }
      frames += whole.frames.length;
    }
    assert.ok(errors > 500 && frames > 1000, `fuzz exercised both paths (${errors} errors, ${frames} frames)`);
  });
});
