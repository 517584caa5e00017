import assert from 'node:assert/strict';
import { join, relative, resolve, isAbsolute } from 'node:path';
import { describe, it } from 'node:test';
import { SeededRandom } from 'xlive/sdk/testing';

const { ValidationError } = await import('xlive/sdk');
const { checkPrefix, parseKey } = await import('./storage-key.js');

const REC = '20250101T120000Z-0a1b2c3d';

describe('parseKey', () => {
  it('accepts live keys and names their stream', () => {
    const k = parseKey('live', 'live/stage/seg-000123.ts');
    assert.equal(k.streamPath, 'live/stage');
    assert.deepEqual(k.dir, ['live', 'stage']);
    assert.equal(k.fileName, 'seg-000123.ts');
    assert.equal(k.kind, 'segment');
    assert.equal(k.recordingId, null);
    assert.equal(parseKey('live', 'live/stage/index.m3u8').kind, 'playlist');
    assert.deepEqual(parseKey('live', 'live/stage/v1/seg-1.m4s').dir, ['live', 'stage', 'v1']);
  });

  it('accepts recording keys inside a recording folder only', () => {
    const k = parseKey('recording', `live/stage/${REC}/seg-000001.ts`);
    assert.equal(k.recordingId, REC);
    assert.throws(() => parseKey('recording', 'live/stage/seg-1.ts'), ValidationError);
    assert.throws(() => parseKey('recording', 'live/stage/notanid/seg-1.ts'), ValidationError);
    assert.throws(() => parseKey('recording', `live/stage/${REC}/recording.json`), /reserved/);
  });

  const evil = [
    '',
    '../x',
    'a/../../b',
    'live/../../etc/passwd',
    '/etc/passwd',
    '/live/stage/seg.ts',
    'live/stage/..',
    'live/./seg.ts',
    'live/stage/seg\0.ts',
    'live/stage/%2e%2e/x.ts',
    'live/%2e%2e%2f%2e%2e/x.ts',
    'live/stage/..%2fx.ts',
    'live\\..\\..\\x.ts',
    'live/stage/.tmp-abcd',
    'live/stage/.hidden',
    'live//seg.ts',
    'live/stage/',
    'live/stage',
    'a/b/c/d/e',
    'live/stage/seg…ts',
    'live/stage/seg ts',
    'live/stage/' + 'x'.repeat(129),
    'x/'.repeat(300) + 'y',
  ];
  for (const key of evil) {
    it(`refuses ${JSON.stringify(key.slice(0, 40))} with VALIDATION_FAILED`, () => {
      assert.throws(
        () => parseKey('live', key),
        (e: unknown) => e instanceof ValidationError && e.code === 'VALIDATION_FAILED',
      );
    });
  }

  it('refuses non-strings and unknown classes', () => {
    assert.throws(() => parseKey('live', 42), ValidationError);
    assert.throws(() => parseKey('live', null), ValidationError);
    assert.throws(() => parseKey('cold' as 'live', 'a/b/c'), ValidationError);
  });

  it('never yields a path outside the root (seeded fuzz, 5000 keys)', () => {
    const rnd = new SeededRandom(0x5eed);
    const alphabet = ['a', 'Z', '0', '.', '..', '/', '\\', '\0', '%2e', '-', '_', ' ', '~', 'é', ':', 'live', 'stage', REC];
    const root = '/srv/root';
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      let key = '';
      const n = 1 + rnd.int(12);
      for (let j = 0; j < n; j++) key += rnd.pick(alphabet);
      for (const cls of ['live', 'recording'] as const) {
        let k;
        try {
          k = parseKey(cls, key);
        } catch (e) {
          assert.ok(e instanceof ValidationError, `non-coded error for ${JSON.stringify(key)}`);
          continue;
        }
        accepted++;
        const p = resolve(join(root, k.key));
        const rel = relative(root, p);
        assert.ok(rel !== '' && !rel.startsWith('..') && !isAbsolute(rel), `escaped: ${JSON.stringify(key)}`);
        assert.equal(rel, k.key);
      }
    }
    assert.ok(accepted > 0, 'the fuzz should also produce some valid keys');
  });
});

describe('checkPrefix', () => {
  it('accepts relative prefixes and refuses traversal', () => {
    assert.equal(checkPrefix(''), '');
    assert.equal(checkPrefix('live/'), 'live/');
    assert.equal(checkPrefix('live/sta'), 'live/sta');
    for (const bad of ['/etc', '../', 'a/../b', 'a\0', 'a\\b', 'x'.repeat(401)]) assert.throws(() => checkPrefix(bad), ValidationError);
  });
});
