import { ParseError } from 'xlive/sdk';
import { ByteQueue } from './byte-queue.js';

/**
 * Incremental RTMP chunk stream parser (RTMP 1.0 spec section 5.3). Feed received bytes with
 * `push`; it returns the messages completed by them. Set Chunk Size (type 1) and Abort (type 2)
 * are applied here (and still returned). Bounded: message size, chunk streams tracked, and the
 * bytes held in partial messages.
 */

export interface RtmpMessage {
  /** Chunk stream the message arrived on. */
  csid: number;
  typeId: number;
  streamId: number;
  /** Milliseconds; 32-bit wraps are unfolded into a monotonic timeline (may exceed 2^32). */
  timestamp: number;
  payload: Buffer;
}

export interface ChunkReaderOptions {
  /** Largest message accepted, bytes (default 8 MiB). */
  maxMessageSize?: number;
  /** Chunk streams tracked at once (default 64). */
  maxChunkStreams?: number;
  /** Bytes held across all partially received messages (default 2 × maxMessageSize). */
  maxPendingBytes?: number;
}

export const DEFAULT_CHUNK_SIZE = 128;
const TWO32 = 0x100000000;
const EXTENDED = 0xffffff;
/** Message header sizes for fmt 0..3 (spec 5.3.1.2). */
const HEADER_SIZE = [11, 7, 3, 0] as const;

interface ChunkStream {
  csid: number;
  typeId: number;
  streamId: number;
  length: number;
  /** Last raw 32-bit timestamp and the delta a fmt 3 message start repeats. */
  ts32: number;
  delta: number;
  /** Whether the last header carried an extended timestamp, and its value. */
  extended: boolean;
  extValue: number;
  /** Partial message: views gathered so far. */
  parts: Buffer[] | null;
  received: number;
  /** Unwrapped timestamp of the current/last message. */
  timestamp: number;
}

export class ChunkReader {
  /** Incoming chunk size, changed by the peer's Set Chunk Size. */
  chunkSize = DEFAULT_CHUNK_SIZE;
  private readonly q = new ByteQueue();
  private readonly streams = new Map<number, ChunkStream>();
  /** The chunk whose payload is being read, and how many of its bytes are left. */
  private active: ChunkStream | null = null;
  private left = 0;
  private pending = 0;
  /** Bytes consumed so far: the base of error offsets. */
  private consumed = 0;
  private readonly maxMessageSize: number;
  private readonly maxChunkStreams: number;
  private readonly maxPendingBytes: number;

  constructor(options: ChunkReaderOptions = {}) {
    this.maxMessageSize = options.maxMessageSize ?? 8 * 1024 * 1024;
    this.maxChunkStreams = options.maxChunkStreams ?? 64;
    this.maxPendingBytes = options.maxPendingBytes ?? 2 * this.maxMessageSize;
  }

  /** Bytes buffered but not parsed yet (an incomplete header). */
  get buffered(): number {
    return this.q.length;
  }

  /** Feed received bytes; returns the messages they complete. Throws ParseError on bad input. */
  push(data: Buffer): RtmpMessage[] {
    this.q.push(data);
    const out: RtmpMessage[] = [];
    for (;;) {
      if (this.active === null && !this.readHeader(out)) break;
      if (this.active === null) continue; // a zero-length message was completed by its header
      if (this.q.length === 0) break;
      const st = this.active;
      const part = this.q.take(this.left);
      this.consumed += part.length;
      this.left -= part.length;
      st.parts!.push(part);
      st.received += part.length;
      this.pending += part.length;
      if (this.pending > this.maxPendingBytes) {
        this.fail(`more than ${this.maxPendingBytes} bytes held in partial messages`);
      }
      if (this.left === 0) {
        this.active = null;
        if (st.received === st.length) this.complete(st, out);
      }
    }
    return out;
  }

  private fail(message: string, at = this.consumed): never {
    throw new ParseError(message, at);
  }

  /** Parse one chunk header if it is fully buffered; false when more bytes are needed. */
  private readHeader(out: RtmpMessage[]): boolean {
    const q = this.q;
    if (q.length < 1) return false;
    // Basic header (spec 5.3.1.1): fmt in the top 2 bits; csid 0 → 2 bytes, 1 → 3 bytes.
    const b0 = q.peek(0);
    const fmt = b0 >> 6;
    const low = b0 & 0x3f;
    const basic = low === 0 ? 2 : low === 1 ? 3 : 1;
    if (q.length < basic) return false;
    const csid = low === 0 ? 64 + q.peek(1) : low === 1 ? 64 + q.peek(1) + q.peek(2) * 256 : low;
    const hlen = HEADER_SIZE[fmt as 0 | 1 | 2 | 3];
    if (q.length < basic + hlen) return false;

    let st = this.streams.get(csid);
    if (!st) {
      if (fmt >= 2) this.fail(`fmt ${fmt} chunk on new chunk stream ${csid}`);
      if (this.streams.size >= this.maxChunkStreams) this.fail(`more than ${this.maxChunkStreams} chunk streams`);
      st = {
        csid, typeId: 0, streamId: 0, length: 0, ts32: 0, delta: 0, extended: false, extValue: 0,
        parts: null, received: 0, timestamp: 0,
      };
      this.streams.set(csid, st);
    }
    const continuing = st.parts !== null;
    if (continuing && fmt !== 3) this.fail(`fmt ${fmt} chunk inside a partial message on chunk stream ${csid}`);

    // Message header (spec 5.3.1.2): timestamp/delta u24, length u24, type u8, stream id u32 LE.
    const field = fmt <= 2 ? q.peekUInt(basic, 3) : 0;
    const ext = fmt <= 2 ? field === EXTENDED : st.extended;
    let size = basic + hlen;
    let extValue = 0;
    if (ext) {
      // Extended timestamp (spec 5.3.1.3), also repeated on fmt 3 chunks by most peers; for a
      // continuation chunk it is optional in practice, so it is taken only when it matches.
      if (q.length < size + 4) return false;
      extValue = q.peekUInt(size, 4);
      if (!continuing || extValue === st.extValue) size += 4;
    }

    if (fmt <= 1) {
      const length = q.peekUInt(basic + 3, 3);
      if (length > this.maxMessageSize) this.fail(`message of ${length} bytes exceeds ${this.maxMessageSize}`);
      st.length = length;
      st.typeId = q.peek(basic + 6);
      if (fmt === 0) {
        st.streamId = q.peek(basic + 7) + q.peek(basic + 8) * 0x100 + q.peek(basic + 9) * 0x10000 + q.peek(basic + 10) * 0x1000000;
      }
    }
    if (!continuing) {
      const value = ext ? extValue : field;
      if (fmt === 0) {
        st.ts32 = value;
        st.delta = value; // a following fmt 3 repeats this as its delta (spec 5.3.1.2.4)
      } else {
        if (fmt !== 3) st.delta = value;
        st.ts32 = (st.ts32 + st.delta) % TWO32;
      }
      st.extended = ext;
      st.extValue = ext ? extValue : 0;
      st.timestamp = unwrap(st.timestamp, st.ts32); // wraps are tracked per chunk stream
      st.parts = [];
      st.received = 0;
    }
    q.skip(size);
    this.consumed += size;

    if (st.length === 0) {
      this.complete(st, out);
      return true;
    }
    this.active = st;
    this.left = Math.min(this.chunkSize, st.length - st.received);
    return true;
  }

  private complete(st: ChunkStream, out: RtmpMessage[]): void {
    const parts = st.parts!;
    const payload = parts.length === 1 ? parts[0]! : Buffer.concat(parts, st.length);
    this.pending -= st.received;
    st.parts = null;
    st.received = 0;
    const msg: RtmpMessage = { csid: st.csid, typeId: st.typeId, streamId: st.streamId, timestamp: st.timestamp, payload };
    this.control(msg);
    out.push(msg);
  }

  /** Apply Set Chunk Size (type 1) and Abort Message (type 2), spec 5.4.1 and 5.4.2. */
  private control(msg: RtmpMessage): void {
    if (msg.typeId !== 1 && msg.typeId !== 2) return;
    if (msg.payload.length < 4) this.fail(`control message type ${msg.typeId} shorter than 4 bytes`);
    const v = msg.payload.readUInt32BE(0);
    if (msg.typeId === 1) {
      if (v === 0 || v > 0x7fffffff) this.fail(`invalid chunk size ${v}`);
      this.chunkSize = v;
      return;
    }
    const st = this.streams.get(v);
    if (st && st.parts !== null) {
      this.pending -= st.received;
      st.parts = null;
      st.received = 0;
      if (this.active === st) this.active = null;
    }
  }
}

/**
 * Map a 32-bit timestamp to the point of the unwrapped timeline nearest to the previous one, so a
 * wrap past 2^32 ms continues upward and small backward steps stay small. Never negative.
 */
export function unwrap(previous: number, ts32: number): number {
  const base = previous - (previous % TWO32);
  let best = base + ts32;
  for (const c of [best - TWO32, best + TWO32]) {
    if (c >= 0 && Math.abs(c - previous) < Math.abs(best - previous)) best = c;
  }
  return best;
}
