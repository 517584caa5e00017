/**
 * RFC 6455 section 5 framing for a send-only server: unmasked server frames built as a small header
 * plus the caller's payload views, and an incremental parser of client frames that enforces the
 * masking, control-frame and fragmentation rules. Client data frames are validated and discarded
 * without being buffered (this server only sends), so memory stays bounded whatever a client sends.
 */
import { ParseError } from 'xlive/sdk';

/** Opcodes (RFC 6455 section 5.2). */
export const WsOpcode = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;
export type WsOpcode = (typeof WsOpcode)[keyof typeof WsOpcode];

/** Close status codes used here (RFC 6455 section 7.4.1). */
export const WsCloseCode = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  invalidPayload: 1007,
  policyViolation: 1008,
  messageTooBig: 1009,
  internalError: 1011,
} as const;

/** Control frames carry at most 125 payload bytes (RFC 6455 section 5.5). */
export const MAX_CONTROL_PAYLOAD = 125;
/** Default cap on a client data frame's declared length. */
export const DEFAULT_MAX_CLIENT_FRAME_BYTES = 64 * 1024;

/** A client frame that broke the protocol; `closeCode` is what to close the connection with. */
export class WebSocketFrameError extends ParseError {
  constructor(
    message: string,
    offset: number,
    readonly closeCode: number,
  ) {
    super(message, offset, { details: { closeCode } });
  }
}

/** A parsed client frame. Data frames (text/binary/continuation) come with an empty payload. */
export interface WsFrame {
  opcode: WsOpcode;
  fin: boolean;
  /** Unmasked payload of a control frame; empty for data frames. */
  payload: Buffer;
  /** The declared payload length. */
  length: number;
}

/** The header of an unmasked server frame (RFC 6455 section 5.2) for a payload of `length` bytes. */
export function encodeFrameHeader(opcode: WsOpcode, length: number, fin = true): Buffer {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`bad websocket payload length ${length}`);
  const b0 = (fin ? 0x80 : 0) | opcode; // FIN bit, RSV1-3 = 0, opcode
  if (length < 126) {
    return Buffer.from([b0, length]); // MASK = 0 (server frames are never masked), 7-bit length
  }
  if (length <= 0xffff) {
    const h = Buffer.alloc(4);
    h[0] = b0;
    h[1] = 126; // 16-bit extended payload length follows
    h.writeUInt16BE(length, 2);
    return h;
  }
  const h = Buffer.alloc(10);
  h[0] = b0;
  h[1] = 127; // 64-bit extended payload length follows (most significant bit 0)
  h.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
  h.writeUInt32BE(length % 2 ** 32, 6);
  return h;
}

/** One binary message as `[header, ...chunks]`: the chunks are sent as they are, never copied. */
export function encodeBinaryMessage(chunks: readonly Uint8Array[]): Uint8Array[] {
  let length = 0;
  for (const c of chunks) length += c.byteLength;
  return [encodeFrameHeader(WsOpcode.binary, length), ...chunks];
}

/** A whole control frame (ping/pong/close), at most 125 payload bytes (section 5.5). */
export function encodeControlFrame(opcode: WsOpcode, payload: Uint8Array = Buffer.alloc(0)): Buffer {
  if (payload.byteLength > MAX_CONTROL_PAYLOAD) throw new RangeError(`control frame payload of ${payload.byteLength} bytes exceeds 125`);
  return Buffer.concat([encodeFrameHeader(opcode, payload.byteLength), payload]);
}

/** A close frame: 2-byte status code then a UTF-8 reason, truncated to fit (section 5.5.1). */
export function encodeCloseFrame(code?: number, reason = ''): Buffer {
  if (code === undefined) return encodeControlFrame(WsOpcode.close);
  let chars = [...reason];
  let text = Buffer.from(reason, 'utf8');
  while (text.byteLength > MAX_CONTROL_PAYLOAD - 2) {
    chars = chars.slice(0, -1); // drop whole code points so the reason stays valid UTF-8
    text = Buffer.from(chars.join(''), 'utf8');
  }
  const payload = Buffer.alloc(2 + text.byteLength);
  payload.writeUInt16BE(code, 0);
  text.copy(payload, 2);
  return encodeControlFrame(WsOpcode.close, payload);
}

/** Whether a close code may appear on the wire (section 7.4.1, 7.4.2 and the IANA registry). */
export function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/** Decode a close frame payload (section 5.5.1). Assumes the parser validated it. */
export function decodeClosePayload(payload: Buffer): { code?: number; reason: string } {
  if (payload.byteLength < 2) return { reason: '' };
  return { code: payload.readUInt16BE(0), reason: payload.subarray(2).toString('utf8') };
}

export interface WebSocketFrameParserOptions {
  /** Largest declared length accepted for a client data frame (close 1009 above it). */
  maxFrameBytes?: number;
}

const enum State {
  Header,
  ControlPayload,
  SkipPayload,
  Done,
}

/**
 * Incremental parser of client→server frames. `push()` returns the frames completed by a chunk and
 * throws WebSocketFrameError (with the close code to use) on the first violation; after a close
 * frame or an error it ignores further input. Holds at most 14 header bytes and 125 payload bytes.
 */
export class WebSocketFrameParser {
  private readonly maxFrameBytes: number;
  private readonly header = Buffer.alloc(14);
  private headerLen = 0;
  private state = State.Header;
  /** Stream offset of the current frame's first byte, and of the next byte to read. */
  private frameStart = 0;
  private offset = 0;
  private opcode: WsOpcode = WsOpcode.continuation;
  private fin = false;
  /** Where the masking key sits in `header` for the current frame. */
  private maskAt = 0;
  private length = 0;
  private remaining = 0;
  private control: Buffer = Buffer.alloc(0);
  private controlFilled = 0;
  /** A fragmented data message is in progress (section 5.4). */
  private fragmented = false;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });

  constructor(options: WebSocketFrameParserOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_CLIENT_FRAME_BYTES;
  }

  /** True once a close frame was read or a violation found. */
  get done(): boolean {
    return this.state === State.Done;
  }

  push(chunk: Uint8Array): WsFrame[] {
    const frames: WsFrame[] = [];
    let i = 0;
    try {
      while (i < chunk.byteLength && this.state !== State.Done) {
        if (this.state === State.Header) {
          this.header[this.headerLen++] = chunk[i++]!;
          this.offset++;
          const frame = this.readHeaderByte();
          if (frame) frames.push(frame);
        } else if (this.state === State.ControlPayload) {
          const n = Math.min(this.remaining, chunk.byteLength - i);
          for (let k = 0; k < n; k++, this.controlFilled++) {
            // Unmask (section 5.3): byte j XOR masking-key byte (j MOD 4).
            this.control[this.controlFilled] = chunk[i + k]! ^ this.header[this.maskAt + (this.controlFilled % 4)]!;
          }
          i += n;
          this.offset += n;
          this.remaining -= n;
          if (this.remaining === 0) frames.push(this.completeFrame());
        } else {
          const n = Math.min(this.remaining, chunk.byteLength - i);
          i += n;
          this.offset += n;
          this.remaining -= n;
          if (this.remaining === 0) frames.push(this.completeFrame());
        }
      }
    } catch (err) {
      this.state = State.Done;
      throw err;
    }
    return frames;
  }

  /** Validate as soon as each header byte arrives; returns a frame when it has no payload. */
  private readHeaderByte(): WsFrame | undefined {
    const h = this.header;
    const n = this.headerLen;
    if (n === 1) {
      this.frameStart = this.offset - 1;
      if (h[0]! & 0x70) this.fail('reserved bits RSV1-3 set without a negotiated extension', WsCloseCode.protocolError, this.frameStart);
      const op = h[0]! & 0x0f;
      if (!isKnownOpcode(op)) this.fail(`unknown opcode 0x${op.toString(16)}`, WsCloseCode.protocolError, this.frameStart);
      this.opcode = op as WsOpcode;
      this.fin = (h[0]! & 0x80) !== 0;
      if (op >= 0x8 && !this.fin) this.fail('fragmented control frame', WsCloseCode.protocolError, this.frameStart);
      if (op === WsOpcode.continuation && !this.fragmented) this.fail('continuation frame without a message to continue', WsCloseCode.protocolError, this.frameStart);
      if ((op === WsOpcode.text || op === WsOpcode.binary) && this.fragmented) {
        this.fail('new data frame inside a fragmented message', WsCloseCode.protocolError, this.frameStart);
      }
      return undefined;
    }
    if (n === 2) {
      if (!(h[1]! & 0x80)) this.fail('client frame is not masked', WsCloseCode.protocolError, this.frameStart + 1);
      const len7 = h[1]! & 0x7f;
      if (this.opcode >= 0x8 && len7 > MAX_CONTROL_PAYLOAD) {
        this.fail(`control frame declares ${len7} payload bytes (max 125)`, WsCloseCode.protocolError, this.frameStart + 1);
      }
      return undefined;
    }
    const len7 = h[1]! & 0x7f;
    const extLen = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
    if (n < 2 + extLen + 4) return undefined;
    // Header complete: extended length (network byte order), then the 4-byte masking key.
    let length = len7;
    if (extLen === 2) {
      length = h.readUInt16BE(2);
      if (length < 126) this.fail(`length ${length} not in minimal form`, WsCloseCode.protocolError, this.frameStart + 2);
    } else if (extLen === 8) {
      const hi = h.readUInt32BE(2);
      if (hi >= 0x8000_0000) this.fail('64-bit length has its most significant bit set', WsCloseCode.protocolError, this.frameStart + 2);
      length = hi * 2 ** 32 + h.readUInt32BE(6);
      if (length <= 0xffff) this.fail(`length ${length} not in minimal form`, WsCloseCode.protocolError, this.frameStart + 2);
    }
    if (length > this.maxFrameBytes) {
      this.fail(`client frame of ${length} bytes exceeds the ${this.maxFrameBytes}-byte limit`, WsCloseCode.messageTooBig, this.frameStart + 1);
    }
    this.maskAt = 2 + extLen;
    this.length = length;
    this.remaining = length;
    this.headerLen = 0;
    if (this.opcode >= 0x8) {
      this.control = Buffer.alloc(length);
      this.controlFilled = 0;
      this.state = State.ControlPayload;
    } else {
      this.state = State.SkipPayload;
    }
    return length === 0 ? this.completeFrame() : undefined;
  }

  private completeFrame(): WsFrame {
    const opcode = this.opcode;
    const payload = opcode >= 0x8 ? this.control : Buffer.alloc(0);
    this.state = State.Header;
    if (opcode === WsOpcode.text || opcode === WsOpcode.binary || opcode === WsOpcode.continuation) {
      this.fragmented = !this.fin;
    } else if (opcode === WsOpcode.close) {
      this.validateClose(payload);
      this.state = State.Done;
    }
    this.control = Buffer.alloc(0);
    return { opcode, fin: this.fin, payload, length: this.length };
  }

  /** Section 5.5.1: empty, or a valid 2-byte code and a UTF-8 reason (1007 when it is not UTF-8). */
  private validateClose(payload: Buffer): void {
    if (payload.byteLength === 0) return;
    const at = this.offset - payload.byteLength; // stream offset of the payload
    if (payload.byteLength === 1) this.fail('close frame with a 1-byte payload', WsCloseCode.protocolError, at);
    const code = payload.readUInt16BE(0);
    if (!isValidCloseCode(code)) this.fail(`invalid close code ${code}`, WsCloseCode.protocolError, at);
    try {
      this.utf8.decode(payload.subarray(2));
    } catch {
      this.fail('close reason is not valid UTF-8', WsCloseCode.invalidPayload, at + 2);
    }
  }

  /** Throw with the stream offset of the offending byte. */
  private fail(message: string, closeCode: number, at: number): never {
    throw new WebSocketFrameError(`websocket: ${message}`, at, closeCode);
  }
}

function isKnownOpcode(op: number): boolean {
  return op <= 0x2 || (op >= 0x8 && op <= 0xa);
}
