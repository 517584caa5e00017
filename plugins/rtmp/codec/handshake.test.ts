import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from 'xlive/sdk/testing';

const { ParseError } = await import('xlive/sdk');
const { ServerHandshake, ClientHandshake } = await import('./handshake.js');
const D = await import('./handshake-digest.js');

/** Deterministic randomness so fixtures are stable. */
function fixedRandom(seed: number): (n: number) => Buffer {
  const rnd = new SeededRandom(seed);
  return (n) => rnd.bytes(n);
}

/** Run client and server against each other in memory. */
function run(digest: boolean | 0 | 1, piece = 4096) {
  const server = new ServerHandshake({ randomBytes: fixedRandom(1), now: () => 1000 });
  const client = new ClientHandshake({ digest, randomBytes: fixedRandom(2), now: () => 2000 });
  const c0c1 = client.start();
  let s0s1s2 = Buffer.alloc(0);
  for (let i = 0; i < c0c1.length; i += piece) {
    const step = server.push(c0c1.subarray(i, i + piece));
    if (step.reply) s0s1s2 = Buffer.concat([s0s1s2, step.reply]);
  }
  const cstep = client.push(s0s1s2);
  assert.ok(cstep.done && cstep.reply);
  const sstep = server.push(Buffer.concat([cstep.reply, Buffer.from('chunk-bytes')]));
  return { server, client, c0c1, s0s1s2, sstep };
}

describe('server handshake', () => {
  it('answers a plain C1 with S0, a plain S1 and S2 echoing C1 (RTMP 1.0 spec 5.2)', () => {
    const { server, c0c1, s0s1s2, sstep } = run(false);
    assert.equal(server.scheme, null);
    assert.equal(s0s1s2.length, 1 + 1536 * 2);
    assert.equal(s0s1s2[0], 3);
    assert.equal(s0s1s2.readUInt32BE(1), 1000, 'S1 time');
    assert.equal(s0s1s2.readUInt32BE(5), 0, 'S1 zero field');
    assert.deepEqual(s0s1s2.subarray(1 + 1536), c0c1.subarray(1), 'S2 echoes C1');
    assert.ok(sstep.done);
    assert.deepEqual(sstep.rest, Buffer.from('chunk-bytes'), 'bytes after C2 start the chunk stream');
  });

  for (const scheme of [0, 1] as const) {
    it(`answers a digest C1 (scheme ${scheme}) with a verifiable S1 digest and S2`, () => {
      const { server, client, c0c1, s0s1s2, sstep } = run(scheme);
      assert.equal(server.scheme, scheme);
      const s1 = s0s1s2.subarray(1, 1 + 1536);
      assert.equal(D.findDigestScheme(s1, D.FMS_KEY_S1), scheme, 'S1 digest with the FMS key');
      assert.deepEqual([...s1.subarray(4, 8)], [0x0d, 0x0e, 0x0a, 0x0d], 'server version');
      const c1Digest = D.digestAt(c0c1.subarray(1), scheme);
      assert.ok(D.verifyResponse(s0s1s2.subarray(1 + 1536), c1Digest, D.FMS_KEY), 'S2 signs the C1 digest');
      assert.deepEqual(client.serverDigest, { s1: true, s2: true });
      assert.ok(sstep.done);
    });
  }

  it('places digests where the offset schemes say', () => {
    const sig = Buffer.alloc(1536);
    sig.set([1, 2, 3, 4], 8);
    sig.set([200, 200, 200, 200], 772);
    assert.equal(D.digestOffset(sig, 0), ((1 + 2 + 3 + 4) % 728) + 12);
    assert.equal(D.digestOffset(sig, 1), (800 % 728) + 776);
  });

  it('falls back to the plain handshake when a versioned C1 has no valid digest', () => {
    const server = new ServerHandshake({ randomBytes: fixedRandom(3) });
    const c1 = fixedRandom(4)(1536);
    c1.writeUInt32BE(0x80000702, 4);
    const step = server.push(Buffer.concat([Buffer.from([3]), c1]));
    assert.equal(server.scheme, null);
    assert.deepEqual(step.reply!.subarray(1 + 1536), c1);
  });

  it('completes when fed one byte at a time', () => {
    const { sstep } = run(0, 1);
    assert.ok(sstep.done);
  });

  it('refuses other versions and RTMPE with ParseError', () => {
    assert.throws(() => new ServerHandshake().push(Buffer.from([6])), /encrypted rtmpe/);
    assert.throws(() => new ServerHandshake().push(Buffer.from([0x47, 0x45, 0x54])), /unsupported rtmp version 71/);
  });
});

describe('handshake fuzz', () => {
  it('handles 2000 random and mutated inputs: reply, wait, or ParseError, never more', () => {
    const rnd = new SeededRandom(7);
    const good = new ClientHandshake({ digest: true, randomBytes: fixedRandom(5) }).start();
    for (let i = 0; i < 2000; i++) {
      const input = i % 2 === 0 ? rnd.mutate(good) : Buffer.concat([Buffer.from([3]), rnd.bytes(rnd.int(4000))]);
      const server = new ServerHandshake({ randomBytes: fixedRandom(i) });
      try {
        for (const piece of rnd.split(input, 2000)) {
          const step = server.push(piece);
          if (step.reply) assert.equal(step.reply.length, 1 + 1536 * 2);
        }
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
      }
    }
  });
});
