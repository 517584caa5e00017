/** Live routes: bad names and traversal attempts, unknown streams, CORS preflight, play tokens. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Harness } from './test-support/plugin-harness.js';
const { harness, haveFfmpeg, useClip, pushAll, rawGet, until, uris } = await import('./test-support/plugin-harness.js');

const fixture = useClip();

describe('hls plugin: requests', { skip: haveFfmpeg ? false : 'ffmpeg missing' }, () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());

  test('unknown streams and bad names are 4xx problem+json, and the store is never asked for them', async () => {
    const pub = h.t.hub.publish('live/b', { protocol: 'test' });
    await pushAll(pub, fixture.clip.slice(0, 200));
    await until(() => h.storage.keys('live', 'live/b/').some((k) => k.endsWith('.ts')), 'a segment');
    const callsBefore = h.storage.calls.length;
    const unknown = await fetch(`${h.url}/hls/live/nope/index.m3u8`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.headers.get('content-type'), 'application/problem+json');
    assert.equal(((await unknown.json()) as { code: string }).code, 'STREAM_NOT_FOUND');
    const attempts = [
      '/hls/live/b/..%2f..%2f..%2fetc%2fpasswd',
      '/hls/live/b/..%2F..%2Fpackage.json',
      '/hls/live/b/%2e%2e%2f%2e%2e%2findex.m3u8',
      '/hls/live/b/../../../../etc/passwd',
      '/hls/live%2fb/index.m3u8',
      '/hls/live/b/index.m3u8%00',
      '/hls/live/b/..%5c..%5cwindows',
      `/hls/live/b/${'x'.repeat(3000)}.ts`,
      `/hls/${'y'.repeat(3000)}/b/index.m3u8`,
      '/hls/live/b/deadbeef-99999.ts',
      '/hls/live/b/recording.json',
      '/hls/live/b/index.m3u8/x',
    ];
    for (const p of attempts) {
      const r = await rawGet(h.port, p);
      assert.ok(r.status >= 400 && r.status < 500, `${p} → ${r.status}`);
      assert.ok(!r.body.includes('root:'), p);
    }
    assert.deepEqual(h.storage.calls.slice(callsBefore).filter((c) => !c.startsWith('put live live/b/') && !c.startsWith('delete live live/b/')), []);
    const preflight = await fetch(`${h.url}/hls/live/b/index.m3u8`, { method: 'OPTIONS', headers: { Origin: 'http://other.example', 'Access-Control-Request-Method': 'GET' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    pub.close();
  });

});

describe('hls plugin: play tokens', { skip: haveFfmpeg ? false : 'ffmpeg missing' }, () => {
  test('?token= is checked on playlists and segments and carried into segment URIs', async () => {
    let asked = 0;
    const gate = (req: { path: string; token?: string }) => (asked++, req.path === 'live/p' && req.token === 's3cr et' ? { allow: true as const } : { allow: false as const, reason: 'no valid playback token' });
    const h = await harness({}, { gate });
    try {
      const pub = h.t.hub.publish('live/p', { protocol: 'test' });
      await pushAll(pub, fixture.clip.slice(0, 200));
      const denied = await fetch(`${h.url}/hls/live/p/index.m3u8`);
      assert.equal(denied.status, 403);
      const ok = await fetch(`${h.url}/hls/live/p/index.m3u8?token=s3cr%20et`);
      assert.equal(ok.status, 200);
      const listed = uris(await ok.text());
      assert.ok(listed.length > 0);
      for (const uri of listed) assert.match(uri, /^[A-Za-z0-9]+-\d+\.ts\?token=s3cr%20et$/);
      assert.equal((await fetch(`${h.url}/hls/live/p/${listed[0]}`)).status, 200);
      assert.equal((await fetch(`${h.url}/hls/live/p/${listed[0]!.split('?')[0]}`)).status, 403);
      // An allowed viewer session (address, stream, query) is asked once, not per request; refusals
      // are not kept: the refused playlist, the allowed playlist (its segment shares it), the segment
      // without the token.
      const before = asked;
      for (let i = 0; i < 3; i++) assert.equal((await fetch(`${h.url}/hls/live/p/index.m3u8?token=s3cr%20et`)).status, 200);
      assert.equal(asked, before, 'a kept decision is not asked again');
      assert.equal(before, 3);
      pub.close();
    } finally {
      await h.close();
    }
  });
});
