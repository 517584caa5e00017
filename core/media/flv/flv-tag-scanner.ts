import { ParseError } from '../errors.js';
import { videoTagKind } from './video-tag-kind.js';

/**
 * An incremental FLV stream scanner (bench viewers, tests of live FLV output): it reads tag headers (and the first two
 * bytes of video bodies) and skips payloads without copying or buffering them. It holds at most
 * 13 bytes between pushes. References: FLV 10.1 Annex E.2 (header), E.3 (PreviousTagSize), E.4.1
 * (FLVTAG header).
 */

export interface FlvTagInfo {
  /** TagType: 8 audio, 9 video, 18 script. */
  type: number;
  /** Milliseconds; TimestampExtended is the upper 8 bits (E.4.1). */
  timestamp: number;
  /** DataSize of the body. */
  size: number;
  keyframe: boolean;
  sequenceHeader: boolean;
}

const FLV_HEADER = 9;
const TAG_HEADER = 11;
const PREVIOUS_TAG_SIZE = 4;

type Phase = 'file-header' | 'tag-header' | 'video-lead' | 'skip';

export class FlvTagScanner {
  private readonly scratch = Buffer.alloc(TAG_HEADER + 2);
  private have = 0;
  private need = FLV_HEADER;
  private phase: Phase = 'file-header';
  private skipLeft = 0;
  private consumed = 0;
  private tag: FlvTagInfo = { type: 0, timestamp: 0, size: 0, keyframe: false, sequenceHeader: false };

  constructor(
    private readonly onTag: (tag: FlvTagInfo) => void,
    private readonly maxTagSize = 16 * 1024 * 1024,
  ) {}

  /** Bytes scanned so far. */
  get offset(): number {
    return this.consumed;
  }

  /** Feed bytes; calls onTag for each tag header read. Throws ParseError on a malformed stream. */
  push(chunk: Uint8Array): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.phase === 'skip') {
        const n = Math.min(this.skipLeft, chunk.length - pos);
        pos += n;
        this.consumed += n;
        this.skipLeft -= n;
        if (this.skipLeft === 0) this.expect('tag-header', TAG_HEADER);
        continue;
      }
      const n = Math.min(this.need - this.have, chunk.length - pos);
      this.scratch.set(chunk.subarray(pos, pos + n), this.have);
      this.have += n;
      pos += n;
      if (this.have === this.need) this.complete();
      this.consumed += n;
    }
  }

  private expect(phase: Phase, need: number): void {
    this.phase = phase;
    this.need = need;
    this.have = 0;
  }

  private complete(): void {
    const s = this.scratch;
    if (this.phase === 'file-header') {
      // 'F' 'L' 'V', Version u8, flags u8, DataOffset u32 (E.2); then PreviousTagSize0 (E.3).
      if (s[0] !== 0x46 || s[1] !== 0x4c || s[2] !== 0x56) throw new ParseError('flv signature is not "FLV"', this.consumed);
      const dataOffset = s.readUInt32BE(5);
      if (dataOffset < FLV_HEADER || dataOffset > 1024) throw new ParseError(`flv DataOffset ${dataOffset} is out of range`, this.consumed + 5);
      this.startSkip(dataOffset - FLV_HEADER + PREVIOUS_TAG_SIZE);
      return;
    }
    if (this.phase === 'tag-header') {
      // Reserved u2 + Filter u1 + TagType u5, DataSize u24, Timestamp u24, TimestampExtended u8, StreamID u24.
      const type = s[0]! & 0x1f;
      const size = s.readUIntBE(1, 3);
      if (size > this.maxTagSize) throw new ParseError(`flv tag of ${size} bytes exceeds ${this.maxTagSize}`, this.consumed);
      const timestamp = s.readUIntBE(4, 3) + s[7]! * 0x1000000;
      this.tag = { type, timestamp, size, keyframe: false, sequenceHeader: false };
      if (type === 9 && size > 0) {
        this.phase = 'video-lead';
        this.need = TAG_HEADER + Math.min(2, size);
        return;
      }
      this.onTag(this.tag);
      this.startSkip(size + PREVIOUS_TAG_SIZE);
      return;
    }
    // video-lead: the first one or two bytes of the video tag body.
    const kind = videoTagKind(s[TAG_HEADER]!, this.tag.size > 1 ? s[TAG_HEADER + 1] : undefined);
    this.tag.keyframe = kind.keyframe;
    this.tag.sequenceHeader = kind.sequenceHeader;
    this.onTag(this.tag);
    this.startSkip(this.tag.size - (this.need - TAG_HEADER) + PREVIOUS_TAG_SIZE);
  }

  private startSkip(n: number): void {
    this.phase = 'skip';
    this.skipLeft = n;
    this.have = 0;
  }
}
