import { isXliveError, describeError, type Frame, type Logger } from 'xlive/sdk';
import { TsMuxer, type TsMuxerOptions } from './ts-muxer.js';

/** A finished MPEG-TS segment. `bytes` are whole 188-byte packets, PAT + PMT first. */
export interface Segment {
  sequence: number;
  durationMs: number;
  /** RTMP dts (ms) of the first frame. */
  startDts: number;
  /** The timeline or the encoding is not continuous with the previous segment (EXT-X-DISCONTINUITY). */
  discontinuity: boolean;
  bytes: Buffer[];
  byteLength: number;
  /** Wall-clock time of the first frame (EXT-X-PROGRAM-DATE-TIME). */
  programDateTime: Date;
}

export interface SegmenterOptions extends TsMuxerOptions {
  /** Cut at the first video keyframe (audio-only: audio frame) once a segment is this long. Default 2000. */
  targetDurationMs?: number;
  /** Hard cap on one segment's bytes; reaching it forces a cut. Default 64 MiB. */
  maxSegmentBytes?: number;
  /** A forward dts jump larger than this (per track) is a discontinuity. Default 10 000 ms. */
  maxForwardJumpMs?: number;
  /** Sequence number of the first segment. Default 0. */
  firstSequence?: number;
  /** Flag the first segment as a discontinuity (a new segmenter continuing an old playlist). */
  startWithDiscontinuity?: boolean;
  /** Wall clock in ms since the epoch. Default Date.now. */
  now?: () => number;
  logger?: Logger;
}

export interface SegmenterStats {
  segments: number;
  droppedFrames: number;
  badFrames: number;
}

interface OpenSegment {
  sequence: number;
  startDts: number;
  discontinuity: boolean;
  bytes: Buffer[];
  byteLength: number;
  mediaBytes: number;
  /** Latest known end (dts + estimated frame duration) over all muxed frames. */
  endDts: number;
  programDateTime: Date;
}

type MediaTrack = 'video' | 'audio';

/**
 * Cuts one stream's Frames into MPEG-TS segments. Segments start on a video keyframe (audio-only
 * streams cut on time) once the current one reached the target duration; a sequence-header change,
 * a timestamp jump (backwards, or forward beyond `maxForwardJumpMs`), `markDiscontinuity()` or the
 * size cap end the current segment early. Owns at most one open segment of ≤ `maxSegmentBytes`.
 */
export class Segmenter {
  private readonly muxer: TsMuxer;
  private readonly targetMs: number;
  private readonly maxBytes: number;
  private readonly maxJumpMs: number;
  private readonly now: () => number;
  private readonly log: Logger | undefined;
  private nextSequence: number;
  private started = false;
  private current: OpenSegment | undefined;
  private pendingDiscontinuity: boolean;
  /** A configuration change asks for a cut at the next point where a segment may start. */
  private pendingCut = false;
  private readonly lastDts: Partial<Record<MediaTrack, number>> = {};
  private readonly frameMs: Record<MediaTrack, number> = { video: 0, audio: 0 };
  private clockAnchor: { wallMs: number; dts: number } | undefined;
  private readonly counters: SegmenterStats = { segments: 0, droppedFrames: 0, badFrames: 0 };
  private readonly warnedCodecs = new Set<string>();

  constructor(opts: SegmenterOptions = {}) {
    this.muxer = new TsMuxer(opts);
    this.targetMs = opts.targetDurationMs ?? 2000;
    this.maxBytes = opts.maxSegmentBytes ?? 64 * 1024 * 1024;
    this.maxJumpMs = opts.maxForwardJumpMs ?? 10_000;
    this.nextSequence = opts.firstSequence ?? 0;
    this.pendingDiscontinuity = opts.startWithDiscontinuity ?? false;
    this.now = opts.now ?? Date.now;
    this.log = opts.logger;
  }

  get stats(): Readonly<SegmenterStats> {
    return { ...this.counters };
  }

  /** The muxer holding the latest sequence headers (read-only use: codec, params, audio config). */
  get tsMuxer(): Pick<TsMuxer, 'videoCodec' | 'hasAudio' | 'audioConfig' | 'videoParams'> {
    return this.muxer;
  }

  /** Feeds one frame; returns the segments it finished (usually none, at a cut one). */
  push(frame: Frame): Segment[] {
    if (frame.track === 'data') return [];
    const track: MediaTrack = frame.track;
    if (!TsMuxer.supports(frame.codec)) {
      this.drop();
      if (!this.warnedCodecs.has(frame.codec) && this.warnedCodecs.size < 16) {
        this.warnedCodecs.add(frame.codec);
        this.log?.warn('codec not supported by hls, dropping its frames', { codec: frame.codec });
      }
      return [];
    }
    const done: Segment[] = [];
    if (frame.sequenceHeader) {
      this.onSequenceHeader(frame);
      return done;
    }
    const last = this.lastDts[track];
    if (last !== undefined) {
      if (frame.dts < last || frame.dts - last > this.maxJumpMs) {
        this.log?.info('timestamp jump, starting a discontinuity', { track, from: last, to: frame.dts });
        this.breakTimeline(done);
      } else if (frame.dts > last) {
        this.frameMs[track] = frame.dts - last;
      }
    }
    this.lastDts[track] = frame.dts;

    const videoMode = this.muxer.videoCodec !== undefined;
    const canStart = videoMode ? track === 'video' && frame.keyframe : track === 'audio';
    if (this.current && canStart && (this.pendingCut || frame.dts - this.current.startDts >= this.targetMs)) {
      this.finish(done, frame.dts);
    }
    if (!this.current) {
      if (!canStart) {
        this.drop();
        return done;
      }
      this.open(frame.dts);
      // A segment must begin with the frame that opened it; if that one yields nothing, drop it.
      if (!this.mux(frame, done)) this.finish(done);
      return done;
    }
    this.mux(frame, done);
    return done;
  }

  /** Ends the current segment (end of stream); its duration runs to the end of its last frame. */
  flush(): Segment | undefined {
    const done: Segment[] = [];
    this.finish(done);
    return done[0];
  }

  /**
   * A reconnect or other break: ends the current segment, and the next one (starting on a keyframe)
   * is flagged as a discontinuity with a fresh timeline.
   */
  markDiscontinuity(): Segment | undefined {
    const done: Segment[] = [];
    this.breakTimeline(done);
    return done[0];
  }

  private breakTimeline(done: Segment[]): void {
    this.finish(done);
    if (this.started) this.pendingDiscontinuity = true;
    delete this.lastDts.video;
    delete this.lastDts.audio;
    this.clockAnchor = undefined;
  }

  private onSequenceHeader(frame: Frame): void {
    let change;
    try {
      change = this.muxer.setSequenceHeader(frame);
    } catch (err) {
      this.bad(err, frame);
      return;
    }
    if (change === 'same' || !this.current) return;
    // New parameters or a new track: cut where the next segment can start, so its PMT and
    // in-band parameter sets match; a video parameter change is also a decoder discontinuity.
    this.pendingCut = true;
    if (change === 'params' && frame.track === 'video') this.pendingDiscontinuity = true;
    this.log?.info('sequence header changed', { codec: frame.codec, change });
  }

  private open(dts: number): void {
    if (!this.clockAnchor) this.clockAnchor = { wallMs: this.now(), dts };
    const tables = this.muxer.tables();
    this.current = {
      sequence: this.nextSequence++,
      startDts: dts,
      discontinuity: this.pendingDiscontinuity,
      bytes: [tables],
      byteLength: tables.length,
      mediaBytes: 0,
      endDts: dts,
      programDateTime: new Date(this.clockAnchor.wallMs + (dts - this.clockAnchor.dts)),
    };
    this.started = true;
    this.pendingDiscontinuity = false;
    this.pendingCut = false;
  }

  /** Muxes a frame into the open segment; false when it yielded no packets. */
  private mux(frame: Frame, done: Segment[]): boolean {
    const seg = this.current!;
    let packets: Buffer | undefined;
    try {
      packets = this.muxer.muxFrame(frame);
    } catch (err) {
      this.bad(err, frame);
      return false;
    }
    if (!packets) {
      this.drop();
      return false;
    }
    seg.bytes.push(packets);
    seg.byteLength += packets.length;
    seg.mediaBytes += packets.length;
    seg.endDts = Math.max(seg.endDts, frame.dts + this.frameMs[frame.track as MediaTrack]);
    if (seg.byteLength >= this.maxBytes) {
      this.log?.warn('segment reached its size cap, cutting early', { bytes: seg.byteLength });
      this.finish(done);
      // The next segment must wait for a keyframe; frames dropped meanwhile leave a gap.
      if (this.muxer.videoCodec !== undefined) this.pendingDiscontinuity = true;
    }
    return true;
  }

  /** Closes the open segment, if any, ending at `endDts` (or at the end of its last frame). */
  private finish(done: Segment[], endDts?: number): void {
    const seg = this.current;
    if (!seg) return;
    this.current = undefined;
    if (seg.mediaBytes === 0) {
      // Nothing muxed: forget it, but keep its discontinuity for the next one.
      this.nextSequence--;
      this.pendingDiscontinuity ||= seg.discontinuity;
      return;
    }
    const end = endDts ?? seg.endDts;
    this.counters.segments++;
    done.push({
      sequence: seg.sequence,
      durationMs: Math.max(0, end - seg.startDts),
      startDts: seg.startDts,
      discontinuity: seg.discontinuity,
      bytes: seg.bytes,
      byteLength: seg.byteLength,
      programDateTime: seg.programDateTime,
    });
  }

  private drop(): void {
    this.counters.droppedFrames++;
  }

  private bad(err: unknown, frame: Frame): void {
    if (!isXliveError(err)) throw err;
    const n = ++this.counters.badFrames;
    // Log the first few, then one in a thousand: a broken encoder must not flood the log.
    if (n <= 3 || n % 1000 === 0) this.log?.warn('dropping malformed frame', { codec: frame.codec, dts: frame.dts, count: n, error: describeError(err) });
  }
}
