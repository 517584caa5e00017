import { ParseError } from '../../core/errors/xlive-error.js';
import { videoTagKind } from './video-tag-kind.js';

/**
 * The tags of a whole FLV file, as views of the file buffer, for the bench publisher.
 * References: FLV 10.1 Annex E.2 (header), E.3 (body: PreviousTagSize + tags), E.4.1 (tag header),
 * E.4.2.1 (AudioTagHeader: SoundFormat 10 = AAC, then AACPacketType 0 = sequence header).
 */

export interface ClipTag {
  /** 8 audio, 9 video, 18 script. */
  type: number;
  /** Milliseconds. */
  timestamp: number;
  body: Buffer;
  keyframe: boolean;
  /** Codec configuration (AVC/HEVC sequence header, AAC AudioSpecificConfig) or script data. */
  config: boolean;
}

export interface Clip {
  tags: ClipTag[];
  /** Span of one loop in ms: last video timestamp plus one video frame interval. */
  durationMs: number;
  /** Bytes of tag bodies in one loop, for the nominal bitrate. */
  bodyBytes: number;
}

const MAX_TAGS = 200_000;

export function parseClip(buf: Buffer): Clip {
  if (buf.length < 13 || buf.toString('latin1', 0, 3) !== 'FLV') throw new ParseError('not an flv file', 0);
  const dataOffset = buf.readUInt32BE(5); // DataOffset u32 (E.2)
  let pos = dataOffset + 4; // skip PreviousTagSize0 (E.3)
  const tags: ClipTag[] = [];
  let bodyBytes = 0;
  while (pos + 11 <= buf.length) {
    if (tags.length >= MAX_TAGS) throw new ParseError(`more than ${MAX_TAGS} tags`, pos);
    const type = buf[pos]! & 0x1f; // TagType u5 (E.4.1)
    const size = buf.readUIntBE(pos + 1, 3); // DataSize u24
    const timestamp = buf.readUIntBE(pos + 4, 3) + buf[pos + 7]! * 0x1000000; // Timestamp u24 + Extended u8
    const end = pos + 11 + size;
    if (end > buf.length) throw new ParseError(`tag of ${size} bytes runs past the end of the file`, pos);
    const body = buf.subarray(pos + 11, end);
    let keyframe = false;
    let config = type === 18;
    if (type === 9 && size > 0) {
      const kind = videoTagKind(body[0]!, body[1]);
      keyframe = kind.keyframe;
      config = kind.sequenceHeader;
    } else if (type === 8 && size > 1) {
      config = body[0]! >> 4 === 10 && body[1] === 0; // AAC AudioSpecificConfig
    }
    tags.push({ type, timestamp, body, keyframe, config });
    bodyBytes += size;
    pos = end + 4; // PreviousTagSize
  }
  return { tags, durationMs: loopDuration(tags), bodyBytes };
}

function loopDuration(tags: readonly ClipTag[]): number {
  const video = tags.filter((t) => t.type === 9 && !t.config).map((t) => t.timestamp);
  if (video.length < 2) throw new ParseError('the clip needs at least two video frames', 0);
  const last = video[video.length - 1]!;
  const interval = Math.max(1, Math.round((last - video[0]!) / (video.length - 1)));
  const lastAny = Math.max(...tags.map((t) => t.timestamp));
  return Math.max(last + interval, lastAny + 1);
}
