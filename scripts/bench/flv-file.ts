import { ParseError } from '../../core/media/errors.js';
import { readFlv } from '../../core/media/flv/flv-reader.js';
import { FlvTagType } from '../../core/media/flv/flv-tag-header.js';
import { videoTagKind } from '../../core/media/flv/video-tag-kind.js';

/**
 * The tags of a whole FLV file (read by the media library), as views of the file buffer, for the bench
 * publisher, with the flags it needs: config (E.4.2.1 AudioTagHeader SoundFormat 10 = AAC, then
 * AACPacketType 0 = sequence header; video: videoTagKind) and keyframe.
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
  const tags: ClipTag[] = [];
  let bodyBytes = 0;
  for (const { type, timestamp, body } of readFlv(buf, { maxTags: MAX_TAGS }).tags) {
    let keyframe = false;
    let config = type === FlvTagType.script;
    if (type === FlvTagType.video && body.length > 0) {
      const kind = videoTagKind(body[0]!, body[1]);
      keyframe = kind.keyframe;
      config = kind.sequenceHeader;
    } else if (type === FlvTagType.audio && body.length > 1) {
      config = body[0]! >> 4 === 10 && body[1] === 0; // AAC AudioSpecificConfig
    }
    tags.push({ type, timestamp, body, keyframe, config });
    bodyBytes += body.length;
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
