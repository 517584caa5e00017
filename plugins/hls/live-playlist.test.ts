import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NewLiveSegment } from './live-playlist.js';
const { LivePlaylist, withQuery } = await import('./live-playlist.js');

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

function seg(i: number, extra: Partial<NewLiveSegment> = {}): NewLiveSegment {
  return { name: `abc-${i}.ts`, durationMs: 2000, discontinuity: false, programDateTime: new Date(T0 + i * 2000), bytes: 1000, ...extra };
}

test('a live playlist lists the last windowSize segments with consecutive media sequence and program date time', () => {
  const p = new LivePlaylist(3, 6, 2000);
  for (let i = 0; i < 5; i++) assert.deepEqual(p.add(seg(i)), []);
  assert.equal(
    p.render(),
    [
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-TARGETDURATION:2',
      '#EXT-X-MEDIA-SEQUENCE:2',
      '#EXT-X-DISCONTINUITY-SEQUENCE:0',
      '#EXT-X-INDEPENDENT-SEGMENTS',
      '#EXT-X-PROGRAM-DATE-TIME:2025-01-01T12:00:04.000Z',
      '#EXTINF:2.000,',
      'abc-2.ts',
      '#EXT-X-PROGRAM-DATE-TIME:2025-01-01T12:00:06.000Z',
      '#EXTINF:2.000,',
      'abc-3.ts',
      '#EXT-X-PROGRAM-DATE-TIME:2025-01-01T12:00:08.000Z',
      '#EXTINF:2.000,',
      'abc-4.ts',
      '',
    ].join('\n'),
  );
  assert.ok(p.has('abc-0.ts'), 'segments out of the window stay available while retained');
});

test('segments beyond the retained count are evicted oldest first, and dropped discontinuities are counted', () => {
  const p = new LivePlaylist(2, 3, 2000);
  p.add(seg(0));
  p.add(seg(1, { discontinuity: true }));
  p.add(seg(2));
  assert.deepEqual(p.add(seg(3)).map((s) => s.name), ['abc-0.ts']);
  assert.deepEqual(p.add(seg(4, { discontinuity: true })).map((s) => s.name), ['abc-1.ts']);
  const text = p.render();
  assert.match(text, /#EXT-X-MEDIA-SEQUENCE:3\n/);
  assert.match(text, /#EXT-X-DISCONTINUITY-SEQUENCE:1\n/, 'the discontinuity of the evicted abc-1 is counted');
  assert.match(text, /#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:[^\n]+\n#EXTINF:2.000,\nabc-4.ts/);
  assert.equal(p.list().length, 3);
  assert.ok(!p.has('abc-1.ts'));
});

test('a gap (dropped or failed segment) turns the next segment into a discontinuity', () => {
  const p = new LivePlaylist(6, 12, 2000);
  p.add(seg(0));
  p.markGap();
  p.add(seg(2));
  p.add(seg(3));
  assert.deepEqual(p.list().map((s) => [s.sequence, s.discontinuity]), [[0, false], [1, true], [2, false]]);
});

test('the target duration never goes down and covers the longest segment; ENDLIST comes and goes with setEnded', () => {
  const p = new LivePlaylist(2, 2, 2000);
  p.add(seg(0, { durationMs: 4600 }));
  p.add(seg(1));
  p.add(seg(2));
  p.add(seg(3));
  assert.match(p.render(), /#EXT-X-TARGETDURATION:5\n/, 'still 5 after the long segment left');
  p.setEnded(true);
  assert.ok(p.render().endsWith('abc-3.ts\n#EXT-X-ENDLIST\n'));
  p.setEnded(false);
  assert.ok(!p.render().includes('ENDLIST'));
});

test('withQuery appends the query to URI lines only', () => {
  const text = '#EXTM3U\n#EXTINF:2.000,\na-1.ts\n#EXT-X-ENDLIST\n';
  assert.equal(withQuery(text, 'token=a%20b'), '#EXTM3U\n#EXTINF:2.000,\na-1.ts?token=a%20b\n#EXT-X-ENDLIST\n');
  assert.equal(withQuery(text, ''), text);
});
