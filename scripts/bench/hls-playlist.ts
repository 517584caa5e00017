import { ParseError } from '../../core/errors/xlive-error.js';

/**
 * The few fields of an HLS media playlist (RFC 8216 §4.3.3) a polling bench client needs: target
 * duration, media sequence, the segments with their durations, and the end tag. Unknown tags are
 * ignored, as §4.1 asks of clients. Offsets in errors are character offsets into the text.
 */

export interface PlaylistSegment {
  /** Media sequence number: EXT-X-MEDIA-SEQUENCE + the segment's index (§6.3.2). */
  sequence: number;
  /** The URI line as written (usually relative to the playlist). */
  uri: string;
  /** EXTINF duration, seconds. */
  duration: number;
}

export interface MediaPlaylist {
  /** EXT-X-TARGETDURATION, seconds (§4.3.3.1). */
  targetDuration: number;
  /** EXT-X-MEDIA-SEQUENCE (§4.3.3.2), 0 when absent. */
  mediaSequence: number;
  segments: PlaylistSegment[];
  /** EXT-X-ENDLIST (§4.3.3.4). */
  ended: boolean;
}

/** Playlists longer than this are refused (a live window is a few hundred bytes). */
export const MAX_PLAYLIST_CHARS = 256 * 1024;

export function parseMediaPlaylist(text: string): MediaPlaylist {
  if (text.length > MAX_PLAYLIST_CHARS) throw new ParseError(`playlist of ${text.length} characters exceeds ${MAX_PLAYLIST_CHARS}`, MAX_PLAYLIST_CHARS);
  // §4.3.1.1: the first line is EXTM3U (a UTF-8 BOM is tolerated).
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (!body.startsWith('#EXTM3U')) throw new ParseError('playlist does not start with #EXTM3U', 0);
  let targetDuration: number | undefined;
  let mediaSequence = 0;
  let ended = false;
  let pendingDuration: number | undefined;
  const uris: { uri: string; duration: number }[] = [];
  let offset = 0;
  for (const raw of body.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const at = offset;
    offset += raw.length + 1;
    if (line.length === 0) continue;
    if (line.startsWith('#EXT-X-TARGETDURATION:')) {
      targetDuration = decimal(line.slice(22), at, 'EXT-X-TARGETDURATION');
    } else if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) {
      mediaSequence = decimal(line.slice(22), at, 'EXT-X-MEDIA-SEQUENCE');
    } else if (line.startsWith('#EXTINF:')) {
      // §4.3.2.1: #EXTINF:<duration>,[<title>]
      const value = line.slice(8).split(',')[0]!;
      const d = Number(value);
      if (value.trim() === '' || !Number.isFinite(d) || d < 0) throw new ParseError(`bad EXTINF duration ${JSON.stringify(value.slice(0, 40))}`, at);
      pendingDuration = d;
    } else if (line === '#EXT-X-ENDLIST') {
      ended = true;
    } else if (!line.startsWith('#')) {
      if (pendingDuration === undefined) throw new ParseError(`segment URI ${JSON.stringify(line.slice(0, 80))} without a preceding EXTINF`, at);
      uris.push({ uri: line.trim(), duration: pendingDuration });
      pendingDuration = undefined;
    }
  }
  if (targetDuration === undefined) throw new ParseError('playlist has no EXT-X-TARGETDURATION', body.length);
  return { targetDuration, mediaSequence, ended, segments: uris.map((s, i) => ({ ...s, sequence: mediaSequence + i })) };
}

/** A decimal-integer attribute (§4.2): digits only, at most 2^53. */
function decimal(value: string, offset: number, tag: string): number {
  const v = value.trim();
  const n = Number(v);
  if (!/^\d{1,15}$/.test(v) || !Number.isSafeInteger(n)) throw new ParseError(`bad ${tag} value ${JSON.stringify(v.slice(0, 40))}`, offset);
  return n;
}
