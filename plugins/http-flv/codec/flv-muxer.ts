/**
 * FLV serialisation for live viewers: the file header and, per frame, the tag header and trailing
 * PreviousTagSize. Frame payloads already are FLV tag bodies (legacy or Enhanced RTMP), so a tag is
 * `[header, payload, trailer]` with the payload passed through as the frame's own view, never copied.
 * The header bytes themselves are the media library's (`xlive/media` flv-tag-header).
 */
import { FLV_TAG_HEADER_SIZE, FlvTagType, writeFlvTagHeader, type FlvTagType as FlvTagTypeValue } from 'xlive/media';
import type { Frame, TrackKind } from 'xlive/sdk';

/** The key under which a frame's serialised tag is shared by all FLV viewers. */
export const FLV_TAG_SHARED_KEY = 'flv-tag';

/** A frame serialised as one FLV tag: three views to write in order (no payload copy). */
export type FlvTagChunks = readonly [header: Uint8Array, payload: Uint8Array, trailer: Uint8Array];

/** The FLV TagType for a frame's track. */
export function flvTagTypeOf(track: TrackKind): FlvTagTypeValue {
  switch (track) {
    case 'audio':
      return FlvTagType.audio;
    case 'video':
      return FlvTagType.video;
    case 'data':
      return FlvTagType.script;
  }
}

/** Serialise a frame as an FLV tag without the cache (see `flvTagChunks`): one 15-byte allocation. */
export function buildFlvTag(frame: Frame): FlvTagChunks {
  const size = frame.payload.byteLength;
  const bytes = Buffer.alloc(FLV_TAG_HEADER_SIZE + 4);
  writeFlvTagHeader(bytes, 0, flvTagTypeOf(frame.track), size, frame.dts);
  bytes.writeUInt32BE(FLV_TAG_HEADER_SIZE + size, FLV_TAG_HEADER_SIZE); // PreviousTagSize UI32 (E.3)
  return [bytes.subarray(0, FLV_TAG_HEADER_SIZE), frame.payload, bytes.subarray(FLV_TAG_HEADER_SIZE)];
}

/** A frame as an FLV tag, built once per frame and shared by every viewer (`frame.shared`). */
export function flvTagChunks(frame: Frame): FlvTagChunks {
  return frame.shared(FLV_TAG_SHARED_KEY, buildFlvTag);
}

/** Total bytes of a tag on the wire. */
export function flvTagByteLength(chunks: FlvTagChunks): number {
  return chunks[0].byteLength + chunks[1].byteLength + chunks[2].byteLength;
}

export const FLV_TAG_BYTES_SHARED_KEY = 'flv-tag-bytes';

/** The frame's tag as one buffer, built once per frame and shared by every viewer that needs contiguous bytes (WebSocket messages). */
export function flvTagBytes(frame: Frame): Uint8Array {
  return frame.shared(FLV_TAG_BYTES_SHARED_KEY, (f) => Buffer.concat(flvTagChunks(f)));
}
