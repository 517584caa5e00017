import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../../test/helpers/seeded-random.js';

const { ParseError } = await import('../errors.js');
const { decodeAmf0, decodeAmf0Partial, encodeAmf0, EcmaArray } = await import('./amf0.js');

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const ascii = (s: string) => Buffer.from(s, 'latin1').toString('hex');

describe('amf0 encode', () => {
  it('writes a connect command byte for byte (AMF0 spec 2.2, 2.4, 2.5)', () => {
    const bytes = encodeAmf0(['connect', 1, { app: 'live' }]);
    const want = hex(
      '02 0007' + ascii('connect') + // string marker, u16 length, UTF-8
        '00 3ff0000000000000' + // number 1.0, IEEE-754 big-endian
        '03 0003' + ascii('app') + '02 0004' + ascii('live') + '0000 09', // object, end marker
    );
    assert.deepEqual(bytes, want);
  });

  it('writes null, undefined, booleans, dates, strict and ECMA arrays', () => {
    const date = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    const bytes = encodeAmf0([null, undefined, true, false, date, [1, 'a'], new EcmaArray({ w: 2 })]);
    const d = Buffer.alloc(8);
    d.writeDoubleBE(date.getTime());
    const want = hex(
      '05' + '06' + '0101' + '0100' + '0b' + d.toString('hex') + '0000' +
        '0a 00000002 00 3ff0000000000000 02 0001 61' +
        '08 00000001 0001 77 00 4000000000000000 0000 09',
    );
    assert.deepEqual(bytes, want);
  });

  it('uses a long string past 65535 bytes and skips undefined properties', () => {
    const long = 'x'.repeat(70000);
    const bytes = encodeAmf0([long, { a: undefined, b: 1 }]);
    assert.equal(bytes[0], 0x0c);
    assert.equal(bytes.readUInt32BE(1), 70000);
    assert.deepEqual(decodeAmf0(bytes), [long, { b: 1 }]);
  });

  it('refuses values AMF0 cannot carry', () => {
    assert.throws(() => encodeAmf0([Symbol('x')]), TypeError);
    assert.throws(() => encodeAmf0([10n]), TypeError);
  });
});

describe('amf0 decode', () => {
  it('round-trips every kind it writes', () => {
    const values = [
      'onMetaData',
      3.5,
      -0,
      true,
      null,
      undefined,
      new Date(1700000000000),
      [1, [2, [3]], { deep: { er: 'x' } }],
      { width: 1280, height: 720, encoder: 'ünïcode ✓', nested: { a: [true, false] } },
    ];
    assert.deepEqual(decodeAmf0(encodeAmf0(values)), values);
  });

  it('reads ECMA arrays as records, trusting the end marker over the count', () => {
    const bytes = hex('08 00000005 0001 61 00 3ff0000000000000 0000 09');
    assert.deepEqual(decodeAmf0(bytes), [{ a: 1 }]);
  });

  it('accepts an ECMA array whose end marker is missing at the end of the payload', () => {
    const bytes = hex('02 0001 78 08 00000001 0001 61 00 3ff0000000000000');
    assert.deepEqual(decodeAmf0(bytes), ['x', { a: 1 }]);
  });

  it('reads typed objects, XML documents, references and the unsupported marker', () => {
    const bytes = hex(
      '10 0003' + ascii('Foo') + '0001 61 01 01 0000 09' + // typed object {a:true}
        '0f 00000003' + ascii('<a/>').slice(0, 6) + // XML document "<a/"
        '07 0000' + // reference to the first complex object
        '0d',
    );
    const [obj, xml, ref, unsupported] = decodeAmf0(bytes);
    assert.deepEqual(obj, { a: true });
    assert.equal(xml, '<a/');
    assert.equal(ref, obj);
    assert.equal(unsupported, undefined);
  });

  it('never sets a prototype from a "__proto__" key', () => {
    const bytes = hex('03 0009' + ascii('__proto__') + '03 0005' + ascii('admin') + '0101 0000 09 0000 09');
    const [obj] = decodeAmf0(bytes) as [Record<string, unknown>];
    assert.equal(Object.getPrototypeOf(obj), Object.prototype);
    assert.equal((obj as { admin?: unknown }).admin, undefined);
    assert.deepEqual(Object.keys(obj), ['__proto__']);
  });

  it('reports malformed input as ParseError with the byte offset', () => {
    const cases: Array<[string, number]> = [
      ['02 0005 6162', 3], // string shorter than its length
      ['00 3ff0', 1], // truncated number
      ['09', 0], // object end where a value belongs
      ['04', 0], // movie clip: unsupported
      ['0a ffffffff', 5], // strict array count larger than the payload
      ['07 0003', 0], // reference to nothing
      ['03 0001 61', 4], // object cut off after a key
    ];
    for (const [input, offset] of cases) {
      assert.throws(
        () => decodeAmf0(hex(input)),
        (err: unknown) => err instanceof ParseError && err.offset === offset,
        `input ${input} should fail at ${offset}`,
      );
    }
  });

  it('bounds nesting depth', () => {
    const nested = Buffer.alloc(100 * 5);
    for (let i = 0; i < 100; i++) nested.set([0x0a, 0, 0, 0, 1], i * 5);
    assert.throws(() => decodeAmf0(Buffer.concat([nested, hex('05')])), /nesting deeper than 32/);
  });

  it('returns what decoded before a malformed value', () => {
    const bytes = Buffer.concat([encodeAmf0(['play', 0, null, 'stream']), hex('02 00ff')]);
    const { values, error } = decodeAmf0Partial(bytes);
    assert.deepEqual(values, ['play', 0, null, 'stream']);
    assert.ok(error instanceof ParseError);
  });
});

describe('amf3 inside amf0 (avmplus marker 0x11)', () => {
  it('reads integers, doubles, strings and string references', () => {
    const bytes = hex(
      '11 04 7f' + // int 127
        '11 04 8100' + // int 128
        '11 04 ffffffff' + // 29-bit -1
        '11 05 4000000000000000' + // double 2
        '11 06 0b' + ascii('hello') + // string "hello"
        '11 01 11 02 11 03 11 00', // null, false, true, undefined
    );
    assert.deepEqual(decodeAmf0(bytes), [127, 128, -1, 2, 'hello', null, false, true, undefined]);
  });

  it('reads dynamic objects with string and trait references, arrays and byte arrays', () => {
    const bytes = hex(
      '11 0a 0b 01' + // object, inline dynamic traits, class ""
        '07' + ascii('app') + '06 09' + ascii('live') + // app: "live"
        '09' + ascii('list') + '09 05 01 04 01 04 02' + // list: [1, 2]
        '0b' + ascii('bytes') + '0c 07 010203' + // bytes: ByteArray(3)
        '0b' + ascii('inner') + '0a 01' + '00 06 00' + '01' + // inner: object reusing traits 0, app: "app"(ref)
        '01', // end of dynamic members
    );
    const [obj] = decodeAmf0(bytes) as [Record<string, unknown>];
    assert.equal(obj.app, 'live');
    assert.deepEqual(obj.list, [1, 2]);
    assert.deepEqual([...(obj.bytes as Uint8Array)], [1, 2, 3]);
    assert.deepEqual(obj.inner, { app: 'app' });
  });

  it('reads sealed members, associative arrays, dates and vectors', () => {
    const bytes = hex(
      '11 0a 13 07' + ascii('Cls') + '03' + ascii('a') + '04 05' + // sealed class Cls {a}, a=5
        '11 09 01 03' + ascii('k') + '06 03' + ascii('v') + '01' + // assoc array {k: "v"}
        '11 08 01 3ff0000000000000' + // date 1 ms
        '11 0d 05 00 ffffffff 00000002', // vector<int> [-1, 2]
    );
    const [sealed, assoc, date, vec] = decodeAmf0(bytes);
    assert.deepEqual(sealed, { a: 5 });
    assert.deepEqual(assoc, { k: 'v' });
    assert.deepEqual(date, new Date(1));
    assert.deepEqual(vec, [-1, 2]);
  });

  it('refuses externalizable objects and bad references with ParseError', () => {
    assert.throws(() => decodeAmf0(hex('11 0a 07 07' + ascii('Ext'))), /externalizable/);
    assert.throws(() => decodeAmf0(hex('11 06 02')), /string reference 1 out of range/);
    assert.throws(() => decodeAmf0(hex('11 0a 05')), /traits reference 1 out of range/);
    assert.throws(() => decodeAmf0(hex('11 12')), /unknown amf3 marker/);
  });
});

describe('amf fuzz', () => {
  const seeds = [
    encodeAmf0(['connect', 1, { app: 'live', tcUrl: 'rtmp://h/live', flashVer: 'FMLE/3.0', objectEncoding: 0 }]),
    encodeAmf0(['@setDataFrame', 'onMetaData', new EcmaArray({ width: 1920, height: 1080, framerate: 30, encoder: 'obs' })]),
    encodeAmf0(['_result', 1, null, [1, 2, new Date(0), { a: [null, undefined] }]]),
    hex('11 0a 0b 01 07' + ascii('app') + '06 09' + ascii('live') + '09' + ascii('list') + '09 05 01 04 01 04 02 01'),
  ];

  function expectOnlyParseErrors(input: Buffer): void {
    try {
      decodeAmf0(input);
    } catch (err) {
      if (!(err instanceof ParseError)) throw new Error(`non-ParseError for ${input.toString('hex')}: ${String(err)}`);
    }
  }

  it('survives 3000 mutated payloads with only ParseErrors', () => {
    const rnd = new SeededRandom(0xa3f0);
    for (let i = 0; i < 3000; i++) expectOnlyParseErrors(rnd.mutate(rnd.pick(seeds)));
  });

  it('survives 3000 random payloads with only ParseErrors', () => {
    const rnd = new SeededRandom(42);
    const markers = [0x00, 0x02, 0x03, 0x08, 0x0a, 0x0b, 0x0c, 0x10, 0x11];
    for (let i = 0; i < 3000; i++) {
      const b = rnd.bytes(1 + rnd.int(64));
      b[0] = rnd.pick(markers); // start on a plausible marker to reach deeper code
      expectOnlyParseErrors(b);
    }
  });
});
