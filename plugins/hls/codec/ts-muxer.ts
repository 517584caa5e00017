import {
  parseAdtsConfig,
  parseAvcConfig,
  parseHevcConfig,
  writeAdtsHeader,
  ADTS_HEADER_BYTES,
  ADTS_MAX_FRAME_BYTES,
  type AdtsConfig,
} from 'xlive/media';
import { ParseError, type Frame } from 'xlive/sdk';
import { annexBParts, type AnnexBCodec, type VideoParams } from './annexb.js';
import { pesHeaderLength, writePesHeader, STREAM_ID_AUDIO, STREAM_ID_VIDEO } from './pes-header.js';
import { TsPacketizer } from './ts-packetizer.js';
import { buildPatSection, buildPmtSection, STREAM_TYPE, type PmtStream } from './ts-psi.js';
import { msTo90k } from './ts-timestamp.js';

/** PIDs, as ffmpeg's mpegts muxer numbers them (PMT 0x1000, first ES 0x100). */
export const TS_PID = { PAT: 0x0000, PMT: 0x1000, VIDEO: 0x0100, AUDIO: 0x0101 } as const;

export interface TsMuxerOptions {
  /** Added to every RTMP millisecond time before the 90 kHz mapping (wraps mod 2^33). Default 0. */
  timestampOffsetMs?: number;
  /** Longest gap between PCRs on the PCR PID, besides one on every keyframe. Default 100 ms. */
  pcrIntervalMs?: number;
}

/** What a sequence header changed: nothing, parameters of a known track, or the track set/codec. */
export type SequenceHeaderChange = 'same' | 'params' | 'tracks';

interface VideoState {
  params: VideoParams;
  raw: Uint8Array;
}
interface AudioState {
  config: AdtsConfig;
  raw: Uint8Array;
}

/**
 * FLV-payload Frames → MPEG-TS packets (ISO/IEC 13818-1) for one program: H.264/H.265 video on PID
 * 0x100 (PCR PID), AAC as ADTS on 0x101. Keeps the latest sequence headers. Call `tables()` at the
 * start of every segment; `muxFrame()` then returns each frame as whole 188-byte packets.
 */
export class TsMuxer {
  private readonly packetizer = new TsPacketizer();
  private readonly offsetMs: number;
  private readonly pcrIntervalMs: number;
  private video: VideoState | undefined;
  private audio: AudioState | undefined;
  /** Tracks listed in the last PMT written; frames of other tracks are not muxed. */
  private pmtVideo: AnnexBCodec | undefined;
  private pmtAudio = false;
  private pmtVersion = 0;
  private pmtSignature = '';
  private lastPcrDts: number | undefined;

  constructor(opts: TsMuxerOptions = {}) {
    this.offsetMs = opts.timestampOffsetMs ?? 0;
    this.pcrIntervalMs = opts.pcrIntervalMs ?? 100;
  }

  get videoCodec(): AnnexBCodec | undefined {
    return this.video?.params.codec;
  }
  get hasAudio(): boolean {
    return this.audio !== undefined;
  }
  get audioConfig(): AdtsConfig | undefined {
    return this.audio?.config;
  }
  get videoParams(): VideoParams | undefined {
    return this.video?.params;
  }

  /** True when muxFrame() knows how to carry frames of this codec. */
  static supports(codec: Frame['codec']): boolean {
    return codec === 'h264' || codec === 'h265' || codec === 'aac';
  }

  /** Parses and keeps a sequence header frame; throws ParseError when it is malformed. */
  setSequenceHeader(frame: Frame): SequenceHeaderChange {
    const raw = frame.payload.subarray(frame.dataOffset);
    if (frame.codec === 'h264' || frame.codec === 'h265') {
      if (this.video && sameBytes(this.video.raw, raw)) return 'same';
      const cfg = frame.codec === 'h264' ? parseAvcConfig(raw, frame.dataOffset) : parseHevcConfig(raw, frame.dataOffset);
      const vps = 'vps' in cfg ? cfg.vps : [];
      const change = this.video?.params.codec === frame.codec ? 'params' : 'tracks';
      this.video = { raw, params: { codec: frame.codec, nalLengthSize: cfg.nalLengthSize, vps, sps: cfg.sps, pps: cfg.pps } };
      return change;
    }
    if (frame.codec === 'aac') {
      if (this.audio && sameBytes(this.audio.raw, raw)) return 'same';
      const config = parseAdtsConfig(raw, frame.dataOffset);
      const change = this.audio ? 'params' : 'tracks';
      this.audio = { raw, config };
      return change;
    }
    return 'same';
  }

  /** PAT + PMT for the tracks whose configuration is known (§2.4.4). Also restarts the PCR cadence. */
  tables(): Buffer {
    this.pmtVideo = this.video?.params.codec;
    this.pmtAudio = this.audio !== undefined;
    const streams: PmtStream[] = [];
    if (this.pmtVideo) {
      streams.push({ streamType: this.pmtVideo === 'h264' ? STREAM_TYPE.H264 : STREAM_TYPE.H265, pid: TS_PID.VIDEO });
    }
    if (this.pmtAudio) streams.push({ streamType: STREAM_TYPE.AAC_ADTS, pid: TS_PID.AUDIO });
    const signature = streams.map((s) => s.streamType).join(',');
    if (this.pmtSignature !== '' && signature !== this.pmtSignature) this.pmtVersion = (this.pmtVersion + 1) % 32;
    this.pmtSignature = signature;
    this.lastPcrDts = undefined;
    const pat = this.packetizer.section(TS_PID.PAT, buildPatSection({ pmtPid: TS_PID.PMT }));
    const pmt = this.packetizer.section(
      TS_PID.PMT,
      buildPmtSection({ pcrPid: this.pcrPid(), streams, version: this.pmtVersion }),
    );
    return Buffer.concat([pat, pmt], pat.length + pmt.length);
  }

  private pcrPid(): number {
    return this.pmtVideo || !this.pmtAudio ? TS_PID.VIDEO : TS_PID.AUDIO;
  }

  /**
   * One frame as transport packets, or undefined when it yields none (sequence header, data, an
   * unsupported codec, a track missing from the current PMT, an empty access unit).
   * Throws ParseError for malformed NALU framing or config.
   */
  muxFrame(frame: Frame): Buffer | undefined {
    if (frame.sequenceHeader) {
      this.setSequenceHeader(frame);
      return undefined;
    }
    if (frame.track === 'video' && this.video && frame.codec === this.pmtVideo && frame.codec === this.video.params.codec) {
      return this.muxVideo(frame, this.video.params);
    }
    if (frame.track === 'audio' && frame.codec === 'aac' && this.audio && this.pmtAudio) {
      return this.muxAudio(frame, this.audio.config);
    }
    return undefined;
  }

  private pcrFor(pid: number, dts: number, keyframe: boolean): number | undefined {
    if (pid !== this.pcrPid()) return undefined;
    const last = this.lastPcrDts;
    if (!keyframe && last !== undefined && dts >= last && dts - last < this.pcrIntervalMs) return undefined;
    this.lastPcrDts = dts;
    return msTo90k(dts, this.offsetMs);
  }

  private muxVideo(frame: Frame, params: VideoParams): Buffer | undefined {
    const au = annexBParts(frame.payload.subarray(frame.dataOffset), params, frame.keyframe, frame.dataOffset);
    if (au.byteLength === 0) return undefined;
    const pts = msTo90k(frame.dts + frame.cts, this.offsetMs);
    const dts = msTo90k(frame.dts, this.offsetMs);
    const header = Buffer.allocUnsafe(pesHeaderLength({ pts, dts }));
    writePesHeader(header, 0, { streamId: STREAM_ID_VIDEO, pts, dts, payloadLength: au.byteLength });
    const parts = [header, ...au.parts];
    const pcr = this.pcrFor(TS_PID.VIDEO, frame.dts, au.keyframe);
    return this.packetizer.pes(TS_PID.VIDEO, parts, header.length + au.byteLength, { pcr, randomAccess: au.keyframe });
  }

  private muxAudio(frame: Frame, config: AdtsConfig): Buffer | undefined {
    const raw = frame.payload.subarray(frame.dataOffset);
    if (raw.length === 0) return undefined;
    if (raw.length + ADTS_HEADER_BYTES > ADTS_MAX_FRAME_BYTES) {
      throw new ParseError(`AAC frame of ${raw.length} bytes is too large for ADTS`, frame.dataOffset);
    }
    const pts = msTo90k(frame.dts + frame.cts, this.offsetMs);
    const headerLen = pesHeaderLength({ pts });
    // PES header and ADTS header share one small buffer; the raw frame is a view.
    const head = Buffer.allocUnsafe(headerLen + ADTS_HEADER_BYTES);
    writeAdtsHeader(head, headerLen, config, raw.length);
    writePesHeader(head, 0, { streamId: STREAM_ID_AUDIO, pts, payloadLength: ADTS_HEADER_BYTES + raw.length });
    const pcr = this.pcrFor(TS_PID.AUDIO, frame.dts, false);
    // Every AAC frame is a random access point; flag it when audio carries the clock (audio-only).
    const randomAccess = pcr !== undefined;
    return this.packetizer.pes(TS_PID.AUDIO, [head, raw], head.length + raw.length, { pcr, randomAccess });
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
