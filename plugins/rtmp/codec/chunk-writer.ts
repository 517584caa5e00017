import type { Frame } from 'xlive/sdk';

/**
 * Serialise RTMP messages into chunks (RTMP 1.0 spec section 5.3). The first chunk carries a
 * full fmt 0 header, the rest fmt 3; every header is a view into one small buffer and every
 * payload piece a view of the message payload, so payloads are never copied. fmt 0 makes the
 * result independent of what was sent before, so it can be shared by every viewer.
 */

export interface OutgoingMessage {
  csid: number;
  typeId: number;
  streamId: number;
  /** Milliseconds; written modulo 2^32. */
  timestamp: number;
  payload: Uint8Array;
}

/** Chunk streams used for what the server sends. */
export const Csid = { Control: 2, Command: 3, Audio: 4, Data: 5, Video: 6 } as const;
/** Message type ids (spec 5.4, 7.1). */
export const MessageType = {
  SetChunkSize: 1,
  Abort: 2,
  Acknowledgement: 3,
  UserControl: 4,
  WindowAckSize: 5,
  SetPeerBandwidth: 6,
  Audio: 8,
  Video: 9,
  DataAmf3: 15,
  SharedObjectAmf3: 16,
  CommandAmf3: 17,
  DataAmf0: 18,
  SharedObjectAmf0: 19,
  CommandAmf0: 20,
  Aggregate: 22,
} as const;

const TWO32 = 0x100000000;
const EXTENDED = 0xffffff;

function basicHeaderSize(csid: number): number {
  if (csid < 2 || csid > 65599) throw new RangeError(`chunk stream id ${csid} out of range 2..65599`);
  return csid < 64 ? 1 : csid < 320 ? 2 : 3;
}

/** Basic header (spec 5.3.1.1): 2-bit fmt + 6-bit csid, or 0/1 + (csid − 64) in 1 or 2 bytes. */
function writeBasic(buf: Buffer, pos: number, fmt: number, csid: number): number {
  if (csid < 64) {
    buf[pos] = (fmt << 6) | csid;
    return pos + 1;
  }
  if (csid < 320) {
    buf[pos] = fmt << 6; // csid field 0: one more byte follows
    buf[pos + 1] = csid - 64;
    return pos + 2;
  }
  buf[pos] = (fmt << 6) | 1; // csid field 1: two more bytes follow, little-endian
  buf[pos + 1] = (csid - 64) % 256;
  buf[pos + 2] = Math.floor((csid - 64) / 256);
  return pos + 3;
}

/** The chunks of one message: [header, payload piece, header, payload piece, ...]. */
export function encodeChunks(msg: OutgoingMessage, chunkSize: number): Buffer[] {
  if (!(chunkSize >= 1)) throw new RangeError(`chunk size ${chunkSize} must be >= 1`);
  const len = msg.payload.length;
  if (len > 0xffffff) throw new RangeError(`message of ${len} bytes exceeds the 24-bit length field`);
  const ts = Math.max(0, Math.floor(msg.timestamp)) % TWO32;
  const ext = ts >= EXTENDED;
  const basic = basicHeaderSize(msg.csid);
  const extSize = ext ? 4 : 0;
  const first = basic + 11 + extSize;
  const cont = basic + extSize;
  const chunks = Math.max(1, Math.ceil(len / chunkSize));
  const headers = Buffer.allocUnsafe(first + (chunks - 1) * cont);

  // fmt 0 message header (spec 5.3.1.2.1): timestamp u24, length u24, type u8, stream id u32 LE.
  let p = writeBasic(headers, 0, 0, msg.csid);
  headers.writeUIntBE(ext ? EXTENDED : ts, p, 3);
  headers.writeUIntBE(len, p + 3, 3);
  headers[p + 6] = msg.typeId;
  headers.writeUInt32LE(msg.streamId, p + 7);
  p += 11;
  if (ext) p = headers.writeUInt32BE(ts, p); // extended timestamp (spec 5.3.1.3)

  const payload = Buffer.from(msg.payload.buffer, msg.payload.byteOffset, len);
  const out: Buffer[] = [headers.subarray(0, first)];
  if (len > 0) out.push(payload.subarray(0, Math.min(chunkSize, len)));
  for (let off = chunkSize; off < len; off += chunkSize) {
    const start = p;
    p = writeBasic(headers, p, 3, msg.csid);
    if (ext) p = headers.writeUInt32BE(ts, p); // fmt 3 repeats the extended timestamp
    out.push(headers.subarray(start, p), payload.subarray(off, Math.min(off + chunkSize, len)));
  }
  return out;
}

/** Total bytes of encoded chunks. */
export function chunksLength(chunks: readonly Uint8Array[]): number {
  let n = 0;
  for (const c of chunks) n += c.length;
  return n;
}

/** Message type and chunk stream a frame is sent on: audio 8, video 9, data (AMF0) 18. */
export function frameRoute(frame: Pick<Frame, 'track'>): { typeId: number; csid: number } {
  switch (frame.track) {
    case 'audio':
      return { typeId: MessageType.Audio, csid: Csid.Audio };
    case 'video':
      return { typeId: MessageType.Video, csid: Csid.Video };
    default:
      return { typeId: MessageType.DataAmf0, csid: Csid.Data };
  }
}

/** AMF0 string "onMetaData": marker 0x02, u16 length 10, the name. */
const ON_METADATA = Buffer.from([0x02, 0x00, 0x0a, ...Buffer.from('onMetaData', 'latin1')]);

/** Whether a data frame is stream metadata (`onMetaData` script body). */
export function isMetadataFrame(frame: Pick<Frame, 'track' | 'payload'>): boolean {
  const p = frame.payload;
  return frame.track === 'data' && p.length >= ON_METADATA.length && ON_METADATA.every((b, i) => p[i] === b);
}

/** The `frame.shared` key of a frame's chunks for a chunk size and message stream. */
export function frameChunksKey(chunkSize: number, streamId: number): string {
  return 'rtmp:' + chunkSize + ':' + streamId;
}

/**
 * A frame's chunks for a chunk size and message stream, built once and shared by every viewer
 * with the same chunk size and stream id (key `rtmp:<chunkSize>:<streamId>`; a viewer may pass the
 * key it computed once, so the hot path builds no string). Metadata goes out at timestamp 0:
 * ffmpeg's FLV demuxer turns script data with a later timestamp into an extra subtitle stream.
 */
export function frameChunks(frame: Frame, chunkSize: number, streamId: number, key = frameChunksKey(chunkSize, streamId)): Buffer[] {
  return frame.shared(key, (f) =>
    encodeChunks(
      { ...frameRoute(f), streamId, timestamp: isMetadataFrame(f) ? 0 : f.dts, payload: f.payload },
      chunkSize,
    ),
  );
}
