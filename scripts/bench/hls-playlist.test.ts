import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParseError } from '../../core/errors/xlive-error.js';
import { MAX_PLAYLIST_CHARS, parseMediaPlaylist } from './hls-playlist.js';

const XLIVE = `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:41
#EXT-X-DISCONTINUITY-SEQUENCE:0
#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:00.000Z
#EXTINF:2.000,
a1-41.ts
#EXTINF:2.002,
a1-42.ts?token=x
`;

/** nginx-rtmp's style: CRLF-free, EXTINF with a decimal, no PROGRAM-DATE-TIME. */
const NGINX = '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:7\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.000,\nbench-7.ts\n';

describe('parseMediaPlaylist', () => {
  it('reads target duration, sequence numbers, durations and URIs', () => {
    const p = parseMediaPlaylist(XLIVE);
    assert.deepEqual(p, {
      targetDuration: 2,
      mediaSequence: 41,
      ended: false,
      segments: [
        { sequence: 41, uri: 'a1-41.ts', duration: 2 },
        { sequence: 42, uri: 'a1-42.ts?token=x', duration: 2.002 },
      ],
    });
    assert.deepEqual(parseMediaPlaylist(NGINX).segments, [{ sequence: 7, uri: 'bench-7.ts', duration: 2 }]);
  });

  it('accepts CRLF, a BOM, the end tag and a playlist without segments', () => {
    const p = parseMediaPlaylist('\uFEFF#EXTM3U\r\n#EXT-X-TARGETDURATION:6\r\n#EXTINF:5.5,title\r\nx.ts\r\n#EXT-X-ENDLIST\r\n');
    assert.deepEqual([p.targetDuration, p.mediaSequence, p.ended, p.segments], [6, 0, true, [{ sequence: 0, uri: 'x.ts', duration: 5.5 }]]);
    assert.equal(parseMediaPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:2\n').segments.length, 0);
  });

  it('refuses broken playlists with a ParseError naming the offset', () => {
    const cases: [string, RegExp, number][] = [
      ['<html>', /#EXTM3U/, 0],
      ['#EXTM3U\n#EXTINF:2,\nx.ts\n', /no EXT-X-TARGETDURATION/, 24],
      ['#EXTM3U\n#EXT-X-TARGETDURATION:two\n', /bad EXT-X-TARGETDURATION value "two"/, 8],
      ['#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:-1,\nx.ts\n', /bad EXTINF duration "-1"/, 32],
      ['#EXTM3U\n#EXT-X-TARGETDURATION:2\nx.ts\n', /without a preceding EXTINF/, 32],
      ['#EXTM3U\n' + 'x'.repeat(MAX_PLAYLIST_CHARS), /exceeds/, MAX_PLAYLIST_CHARS],
    ];
    for (const [text, message, offset] of cases) {
      assert.throws(() => parseMediaPlaylist(text), (err: unknown) => err instanceof ParseError && message.test(err.message) && err.offset === offset, text.slice(0, 60));
    }
  });

  it('never crashes on seeded random mutations of a valid playlist', () => {
    let state = 12345;
    const rand = (n: number) => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) % n);
    const alphabet = '#EXTINF:,-.0123456789\n\rX-TARGETDURATION';
    for (let i = 0; i < 3000; i++) {
      const chars = [...XLIVE];
      for (let k = rand(6) + 1; k > 0; k--) chars[rand(chars.length)] = alphabet[rand(alphabet.length)]!;
      try {
        const p = parseMediaPlaylist(chars.join(''));
        for (const s of p.segments) assert.ok(Number.isFinite(s.duration) && s.duration >= 0);
      } catch (err) {
        assert.ok(err instanceof ParseError, String(err));
      }
    }
  });
});
