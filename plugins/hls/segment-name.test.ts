import { test } from 'node:test';
import assert from 'node:assert/strict';
const { isSegmentName, isRecordingId, segmentName, sessionTag } = await import('./segment-name.js');
const { parseLiveRequest } = await import('./hls-routes.js');
const { NotFoundError, ValidationError } = await import('xlive/sdk');
const { SeededRandom } = await import('xlive/sdk/testing');

const streams = {
  parsePath(p: string) {
    const m = /^([A-Za-z0-9_-][A-Za-z0-9_.-]{0,127})\/([A-Za-z0-9_-][A-Za-z0-9_.-]{0,127})$/.exec(p);
    if (!m || p.includes('..')) throw new ValidationError(`bad path ${p}`);
    return { app: m[1]!, name: m[2]!, path: p };
  },
};

test('segment names are built from a short session tag and parsed back strictly', () => {
  const tag = sessionTag('6f1c2a9e-0b4d-4c1e-9a7f-1234567890ab');
  assert.equal(tag, '6f1c2a9e0b4d');
  assert.equal(segmentName(tag, 42), '6f1c2a9e0b4d-42.ts');
  assert.ok(isSegmentName('6f1c2a9e0b4d-42.ts'));
  assert.equal(sessionTag('---'), 's');
  for (const bad of ['', 'index.m3u8', '../x-1.ts', 'a-1.ts/', 'a-.ts', 'a-1.TS', 'a-1.ts%00', 'a b-1.ts', 'a-1.ts.ts', '..%2f-1.ts', `${'a'.repeat(17)}-1.ts`, 'a-1234567890123.ts']) {
    assert.equal(isSegmentName(bad), false, bad);
  }
  assert.ok(isRecordingId('20250101T120000Z-0a1b2c3d'));
  for (const bad of ['', '..', 'a/b', '.hidden', 'a..b', 'x'.repeat(200)]) assert.equal(isRecordingId(bad), false, bad);
});

test('live request paths: playlist and segment names only, traversal and absurd names refused with coded errors', () => {
  assert.deepEqual(parseLiveRequest('/hls/live/x/index.m3u8', streams), { app: 'live', name: 'x', path: 'live/x', file: 'index.m3u8' });
  assert.equal(parseLiveRequest('/hls/live/x/ab12-7.ts', streams).file, 'ab12-7.ts');
  const refused = [
    '/hls/live/x/..%2f..%2fetc%2fpasswd',
    '/hls/live/x/../../etc/passwd',
    '/hls/live/../../x/index.m3u8',
    '/hls/..%2f/x/index.m3u8',
    '/hls/live/x/%2e%2e/index.m3u8',
    '/hls/live/x/index.m3u8/..',
    '/hls/live/x/ab12-7.ts%00.m3u8',
    '/hls/live/x/recording.json',
    '/hls/live/x/.tmp-1',
    `/hls/live/x/${'a'.repeat(5000)}.ts`,
    `/hls/${'a'.repeat(300)}/x/index.m3u8`,
    '/hls/live/index.m3u8',
    '/hls/index.m3u8',
    '/hls/',
    '/etc/passwd',
  ];
  for (const p of refused) {
    assert.throws(() => parseLiveRequest(p, streams), (e: unknown) => e instanceof NotFoundError || e instanceof ValidationError, p);
  }
});

test('fuzz: no random path is accepted unless every part is from the safe alphabet', () => {
  const rng = new SeededRandom(0x4c5);
  const alphabet = 'abcAZ09-_./%\\\0 .~:?#';
  for (let i = 0; i < 3000; i++) {
    const len = rng.int(41);
    let s = '/hls/';
    for (let j = 0; j < len; j++) s += alphabet[rng.int(alphabet.length)];
    let r;
    try {
      r = parseLiveRequest(s, streams);
    } catch (e) {
      assert.ok(e instanceof NotFoundError || e instanceof ValidationError, `${JSON.stringify(s)}: ${String(e)}`);
      continue;
    }
    assert.ok(!r.path.includes('..') && !/[%\\\0 ~:?#]/.test(s.slice(5)), `accepted ${JSON.stringify(s)}`);
    assert.ok(r.file === 'index.m3u8' || /^[A-Za-z0-9]+-\d+\.ts$/.test(r.file));
  }
});
