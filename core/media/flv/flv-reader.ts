import { ParseError } from '../errors.js';
import { parseFlvAudioBody, parseFlvScriptBody, parseFlvVideoBody, type FlvBody } from './flv-tag-body.js';
import {
  FLV_PREVIOUS_TAG_SIZE,
  FLV_TAG_HEADER_SIZE,
  FlvTagType,
  readFlvFileHeader,
  readFlvTagHeader,
  type FlvHeaderFlags,
} from './flv-tag-header.js';

/**
 * Reads a whole FLV file (or a captured HTTP-FLV body) held in memory into its tags, as views of the
 * input: for tests, tools and the bench, not the ingest path (RTMP delivers tag bodies one by one).
 * References: FLV 10.1 Annex E.2 (header), E.3 (PreviousTagSize), E.4.1 (tag header).
 */

export interface FlvTag {
  /** TagType: 8 audio, 9 video, 18 script. */
  type: number;
  /** 32-bit timestamp in ms (TimestampExtended as the upper byte). */
  timestamp: number;
  /** Tag body view. */
  body: Buffer;
  /** Byte offset of the tag header in the input. */
  offset: number;
  /** The PreviousTagSize that followed the tag. */
  previousTagSize: number;
}

export interface FlvFile {
  flags: FlvHeaderFlags;
  /** The header's DataOffset. */
  dataOffset: number;
  tags: FlvTag[];
  /** Bytes left over after the last complete tag (a truncated capture, with `partial`). */
  trailing: number;
}

export interface FlvReadOptions {
  /** Report an incomplete last tag in `trailing` instead of throwing. */
  partial?: boolean;
  /** Most tags to read before throwing ParseError (bounds the tag list). Default 1,000,000. */
  maxTags?: number;
}

const DEFAULT_MAX_TAGS = 1_000_000;

/**
 * Parses an FLV byte stream. Throws ParseError (with the byte offset) on a broken header, an
 * encrypted or unknown tag type, a PreviousTagSize that does not match its tag, more than `maxTags`
 * tags, or (without `partial`) a truncated tag.
 */
export function readFlv(input: Uint8Array, options: FlvReadOptions = {}): FlvFile {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const maxTags = options.maxTags ?? DEFAULT_MAX_TAGS;
  const { flags, dataOffset } = readFlvFileHeader(buf);
  if (dataOffset + FLV_PREVIOUS_TAG_SIZE > buf.byteLength) throw new ParseError(`flv DataOffset ${dataOffset} is out of range`, 5);
  if (buf.readUInt32BE(dataOffset) !== 0) throw new ParseError('PreviousTagSize0 is not 0', dataOffset);
  const tags: FlvTag[] = [];
  const done = (trailing: number): FlvFile => ({ flags, dataOffset, tags, trailing });
  let pos = dataOffset + FLV_PREVIOUS_TAG_SIZE;
  while (pos < buf.byteLength) {
    const left = buf.byteLength - pos;
    if (left < FLV_TAG_HEADER_SIZE) return truncated(options, done, left, pos);
    const { type, filtered, dataSize, timestamp } = readFlvTagHeader(buf, pos);
    if (filtered) throw new ParseError('encrypted (Filter) flv tags are not supported', pos);
    if (type !== FlvTagType.audio && type !== FlvTagType.video && type !== FlvTagType.script) throw new ParseError(`unknown flv tag type ${type}`, pos);
    const end = pos + FLV_TAG_HEADER_SIZE + dataSize;
    if (end + FLV_PREVIOUS_TAG_SIZE > buf.byteLength) return truncated(options, done, left, pos);
    const previousTagSize = buf.readUInt32BE(end);
    if (previousTagSize !== FLV_TAG_HEADER_SIZE + dataSize) {
      throw new ParseError(`PreviousTagSize ${previousTagSize} does not match tag size ${FLV_TAG_HEADER_SIZE + dataSize}`, end);
    }
    if (tags.length >= maxTags) throw new ParseError(`more than ${maxTags} flv tags`, pos);
    tags.push({ type, timestamp, body: buf.subarray(pos + FLV_TAG_HEADER_SIZE, end), offset: pos, previousTagSize });
    pos = end + FLV_PREVIOUS_TAG_SIZE;
  }
  return done(0);
}

function truncated(options: FlvReadOptions, done: (trailing: number) => FlvFile, left: number, pos: number): FlvFile {
  if (!options.partial) throw new ParseError(`flv tag truncated (${left} bytes left)`, pos);
  return done(left);
}

/**
 * A tag as the frame an ingest protocol would publish (the same parser RTMP ingest uses), or
 * `skip` with the reason. A truncated body header throws ParseError with its offset in the input.
 */
export function flvTagBody(tag: FlvTag): FlvBody {
  try {
    if (tag.type === FlvTagType.script) return parseFlvScriptBody(tag.body, tag.timestamp);
    return tag.type === FlvTagType.video ? parseFlvVideoBody(tag.body, tag.timestamp) : parseFlvAudioBody(tag.body, tag.timestamp);
  } catch (err) {
    if (err instanceof ParseError) throw new ParseError(`flv tag at byte ${tag.offset}: ${err.message.replace(/ \(at byte \d+\)$/, '')}`, tag.offset + FLV_TAG_HEADER_SIZE + err.offset, { cause: err });
    throw err;
  }
}
