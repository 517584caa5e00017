/**
 * One stream's live media playlist (RFC 8216 §6.2.2): the retained segments, the media sequence, the
 * discontinuity sequence and the advertised target duration, kept between renders as the playlist
 * codec asks. Segments are added only after their bytes are stored.
 */
import { renderMediaPlaylist, targetDurationFor } from './codec/playlist.js';

export interface LiveSegment {
  /** Media sequence number (EXT-X-MEDIA-SEQUENCE counts these). */
  sequence: number;
  /** File name, also the relative URI. */
  name: string;
  durationMs: number;
  discontinuity: boolean;
  programDateTime: Date;
  bytes: number;
}

export type NewLiveSegment = Omit<LiveSegment, 'sequence'>;

export class LivePlaylist {
  private segments: LiveSegment[] = [];
  private nextSequence = 0;
  private discontinuitySequence = 0;
  private targetDuration: number;
  private gap = false;
  private ended = false;
  private text: string | undefined;

  /**
   * @param windowSize segments a playlist lists
   * @param retain segments kept (≥ windowSize): the ones that left the window stay available for a
   *   while, as §6.2.2 asks, for clients still working through an older playlist
   */
  constructor(
    private readonly windowSize: number,
    private readonly retain: number,
    segmentMs: number,
  ) {
    this.targetDuration = Math.max(1, Math.round(segmentMs / 1000));
  }

  get size(): number {
    return this.segments.length;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Media sequence the next segment gets. */
  get mediaSequence(): number {
    return this.nextSequence;
  }

  /** The next segment follows a gap (a dropped or failed segment): it starts a discontinuity. */
  markGap(): void {
    this.gap = true;
  }

  /** Append a stored segment; returns the segments no longer retained (to delete). */
  add(seg: NewLiveSegment): LiveSegment[] {
    const entry: LiveSegment = { ...seg, sequence: this.nextSequence++, discontinuity: seg.discontinuity || (this.gap && this.segments.length > 0) };
    this.gap = false;
    this.segments.push(entry);
    const evicted = this.segments.length > this.retain ? this.segments.splice(0, this.segments.length - this.retain) : [];
    for (const e of evicted) if (e.discontinuity) this.discontinuitySequence++;
    this.targetDuration = targetDurationFor(this.segments, this.targetDuration);
    this.text = undefined;
    return evicted;
  }

  setEnded(ended: boolean): void {
    if (ended === this.ended) return;
    this.ended = ended;
    this.text = undefined;
  }

  has(name: string): boolean {
    return this.find(name) !== undefined;
  }

  find(name: string): LiveSegment | undefined {
    for (let i = this.segments.length - 1; i >= 0; i--) if (this.segments[i]!.name === name) return this.segments[i];
    return undefined;
  }

  /** Every retained segment, oldest first. */
  list(): readonly LiveSegment[] {
    return this.segments;
  }

  /** The playlist text (cached until the next change). */
  render(): string {
    this.text ??= renderMediaPlaylist({
      segments: this.segments.map((s) => ({
        sequence: s.sequence,
        uri: s.name,
        durationMs: s.durationMs,
        discontinuity: s.discontinuity,
        programDateTime: s.programDateTime,
      })),
      kind: 'live',
      windowSize: this.windowSize,
      ended: this.ended,
      minTargetDuration: this.targetDuration,
      discontinuitySequence: this.discontinuitySequence,
    });
    return this.text;
  }
}

/** Append `?<query>` to every URI line of a playlist (playback tokens must reach segment requests). */
export function withQuery(playlist: string, query: string): string {
  if (query === '') return playlist;
  return playlist
    .split('\n')
    .map((line) => (line === '' || line.startsWith('#') ? line : `${line}?${query}`))
    .join('\n');
}
