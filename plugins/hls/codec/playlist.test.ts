import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from 'xlive/sdk';
import { renderMediaPlaylist, targetDurationFor, type PlaylistSegment } from './playlist.js';

const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);
const FIXED: PlaylistSegment[] = [
  { sequence: 10, uri: 'seg-10.ts', durationMs: 2000, programDateTime: new Date(T0) },
  { sequence: 11, uri: 'seg-11.ts', durationMs: 2002 },
  { sequence: 12, uri: 'seg-12.ts', durationMs: 2500, discontinuity: true, programDateTime: new Date(T0 + 60_000) },
  { sequence: 13, uri: 'seg-13.ts', durationMs: 1980 },
];

test('live playlist text for a fixed list (discontinuity, program date time, target = max rounded)', () => {
  assert.equal(
    renderMediaPlaylist({ segments: FIXED }),
    [
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-TARGETDURATION:3',
      '#EXT-X-MEDIA-SEQUENCE:10',
      '#EXT-X-DISCONTINUITY-SEQUENCE:0',
      '#EXT-X-INDEPENDENT-SEGMENTS',
      '#EXT-X-PROGRAM-DATE-TIME:2024-01-01T00:00:00.000Z',
      '#EXTINF:2.000,',
      'seg-10.ts',
      '#EXTINF:2.002,',
      'seg-11.ts',
      '#EXT-X-DISCONTINUITY',
      '#EXT-X-PROGRAM-DATE-TIME:2024-01-01T00:01:00.000Z',
      '#EXTINF:2.500,',
      'seg-12.ts',
      '#EXTINF:1.980,',
      'seg-13.ts',
      '',
    ].join('\n'),
  );
});

test('an ended live stream gets EXT-X-ENDLIST; VOD adds PLAYLIST-TYPE and ENDLIST and lists everything', () => {
  assert.ok(renderMediaPlaylist({ segments: FIXED, ended: true }).endsWith('seg-13.ts\n#EXT-X-ENDLIST\n'));
  const many = Array.from({ length: 9 }, (_, i) => ({ sequence: i, uri: `s${i}.ts`, durationMs: 2000 }));
  const vod = renderMediaPlaylist({ segments: many, kind: 'vod', independentSegments: false });
  assert.equal(
    vod,
    '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-DISCONTINUITY-SEQUENCE:0\n' +
      '#EXT-X-PLAYLIST-TYPE:VOD\n' +
      many.map((s) => `#EXTINF:2.000,\n${s.uri}\n`).join('') +
      '#EXT-X-ENDLIST\n',
  );
  assert.ok(renderMediaPlaylist({ segments: many, kind: 'event' }).includes('#EXT-X-PLAYLIST-TYPE:EVENT\n'));
});

test('live window: last N segments, media sequence of the first, discontinuities dropped are counted', () => {
  const segs = Array.from({ length: 8 }, (_, i) => ({ sequence: 100 + i, uri: `s${100 + i}.ts`, durationMs: 2000, discontinuity: i === 1 || i === 3 }));
  const text = renderMediaPlaylist({ segments: segs, windowSize: 6, discontinuitySequence: 4 });
  assert.match(text, /#EXT-X-MEDIA-SEQUENCE:102\n/);
  assert.match(text, /#EXT-X-DISCONTINUITY-SEQUENCE:5\n/, '4 before the list + the one on s101');
  assert.equal(text.match(/#EXTINF/g)!.length, 6);
  assert.match(text, /#EXT-X-DISCONTINUITY\n#EXTINF:2.000,\ns103.ts/);
  assert.ok(!text.includes('s101.ts'));
});

test('target duration: rounds to nearest, covers every retained segment, is never lowered, at least 1', () => {
  assert.equal(targetDurationFor([{ durationMs: 2499 }]), 2);
  assert.equal(targetDurationFor([{ durationMs: 2500 }]), 3);
  assert.equal(targetDurationFor([{ durationMs: 300 }]), 1);
  assert.equal(targetDurationFor([]), 1);
  assert.equal(targetDurationFor([{ durationMs: 2000 }], 4), 4);
  // a long segment outside the window still counts while it is retained
  const segs = [{ sequence: 0, uri: 'a.ts', durationMs: 6100 }, ...Array.from({ length: 6 }, (_, i) => ({ sequence: i + 1, uri: `b${i}.ts`, durationMs: 2000 }))];
  assert.match(renderMediaPlaylist({ segments: segs, windowSize: 6 }), /#EXT-X-TARGETDURATION:6\n/);
  assert.match(renderMediaPlaylist({ segments: segs.slice(1), minTargetDuration: 6 }), /#EXT-X-TARGETDURATION:6\n/);
  // every EXTINF rounds to no more than the target (RFC 8216 §4.3.3.1)
  const text = renderMediaPlaylist({ segments: FIXED });
  const target = Number(/TARGETDURATION:(\d+)/.exec(text)![1]);
  for (const m of text.matchAll(/#EXTINF:([\d.]+),/g)) assert.ok(Math.round(Number(m[1])) <= target);
});

test('an empty live playlist is still valid; bad URIs or durations are ValidationErrors', () => {
  assert.equal(
    renderMediaPlaylist({ segments: [], independentSegments: false }),
    '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-DISCONTINUITY-SEQUENCE:0\n',
  );
  assert.throws(() => renderMediaPlaylist({ segments: [{ sequence: 0, uri: 'a.ts\n#EXT-X-ENDLIST', durationMs: 1 }] }), ValidationError);
  assert.throws(() => renderMediaPlaylist({ segments: [{ sequence: 0, uri: 'a.ts', durationMs: Number.NaN }] }), ValidationError);
});
