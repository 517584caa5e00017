import { ValidationError } from 'xlive/sdk';

/** One media segment as a playlist lists it. */
export interface PlaylistSegment {
  /** Media sequence number (consecutive; RFC 8216 §6.2.2). */
  sequence: number;
  /** Relative URI, e.g. `seg-42.ts`. */
  uri: string;
  durationMs: number;
  /** EXT-X-DISCONTINUITY before this segment. */
  discontinuity?: boolean;
  /** EXT-X-PROGRAM-DATE-TIME of this segment's first sample. */
  programDateTime?: Date;
}

export interface MediaPlaylistOptions {
  /** Retained segments, oldest first; a live playlist shows the last `windowSize` of them. */
  segments: readonly PlaylistSegment[];
  /** 'live' (sliding window), 'event' (all, growing) or 'vod' (all, ended). Default 'live'. */
  kind?: 'live' | 'event' | 'vod';
  /** Segments shown by a live playlist. Default 6. */
  windowSize?: number;
  /** The stream has ended: EXT-X-ENDLIST (always for 'vod'). */
  ended?: boolean;
  /**
   * Target duration already advertised for this playlist: never lowered (RFC 8216 §6.2.1 — it must
   * not change), so pass back what `targetDurationFor` returned last time.
   */
  minTargetDuration?: number;
  /** EXT-X-DISCONTINUITY-SEQUENCE of `segments[0]`: discontinuities already dropped before it. */
  discontinuitySequence?: number;
  /** EXT-X-INDEPENDENT-SEGMENTS (every segment starts with a keyframe). Default true. */
  independentSegments?: boolean;
}

const VERSION = 3; // decimal EXTINF durations need version 3 (RFC 8216 §7)

/** EXTINF duration rounded to the nearest integer, as §4.3.3.1 compares it with the target. */
function roundedSeconds(durationMs: number): number {
  return Math.round(durationMs / 1000);
}

/**
 * EXT-X-TARGETDURATION for a set of segments (§4.3.3.1): at least every segment's rounded duration,
 * at least `previous` (it is never lowered), at least 1.
 */
export function targetDurationFor(segments: readonly Pick<PlaylistSegment, 'durationMs'>[], previous = 0): number {
  let target = Math.max(1, previous);
  for (const s of segments) target = Math.max(target, roundedSeconds(s.durationMs));
  return target;
}

/** The segments a playlist of this kind shows: the last `windowSize` for live, all otherwise. */
export function playlistWindow<T>(segments: readonly T[], kind: 'live' | 'event' | 'vod', windowSize: number): T[] {
  if (kind !== 'live') return segments.slice();
  return segments.slice(Math.max(0, segments.length - Math.max(1, windowSize)));
}

/** Renders an RFC 8216 media playlist. Pure: the same input gives the same text. */
export function renderMediaPlaylist(opts: MediaPlaylistOptions): string {
  const kind = opts.kind ?? 'live';
  const shown = playlistWindow(opts.segments, kind, opts.windowSize ?? 6);
  const skipped = opts.segments.length - shown.length;
  let discontinuitySequence = opts.discontinuitySequence ?? 0;
  for (let i = 0; i < skipped; i++) if (opts.segments[i]!.discontinuity) discontinuitySequence++;

  const lines = ['#EXTM3U', `#EXT-X-VERSION:${VERSION}`];
  // Over all retained segments, so the value does not drop as long ones leave the window.
  lines.push(`#EXT-X-TARGETDURATION:${targetDurationFor(opts.segments, opts.minTargetDuration)}`);
  lines.push(`#EXT-X-MEDIA-SEQUENCE:${shown[0]?.sequence ?? 0}`);
  lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${discontinuitySequence}`);
  if (kind === 'vod') lines.push('#EXT-X-PLAYLIST-TYPE:VOD');
  if (kind === 'event') lines.push('#EXT-X-PLAYLIST-TYPE:EVENT');
  if (opts.independentSegments ?? true) lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
  for (const s of shown) {
    if (/[\r\n]/.test(s.uri) || s.uri === '') {
      throw new ValidationError(`segment ${s.sequence} has an invalid uri ${JSON.stringify(s.uri)}`);
    }
    if (!Number.isFinite(s.durationMs) || s.durationMs < 0) {
      throw new ValidationError(`segment ${s.sequence} has an invalid duration ${s.durationMs}`);
    }
    if (s.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    if (s.programDateTime) lines.push(`#EXT-X-PROGRAM-DATE-TIME:${s.programDateTime.toISOString()}`);
    lines.push(`#EXTINF:${(s.durationMs / 1000).toFixed(3)},`, s.uri);
  }
  if (kind === 'vod' || opts.ended) lines.push('#EXT-X-ENDLIST');
  return lines.join('\n') + '\n';
}
