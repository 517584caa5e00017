/**
 * One server-side WebSocket on an upgraded socket (after the 101): sends binary messages with
 * backpressure, answers ping with pong and close with close (RFC 6455 sections 5.5.1-5.5.3), and
 * closes with 1002/1007/1009 on a bad client frame. Client text/binary messages are ignored.
 */
import type { Duplex } from 'node:stream';
import { TurnWriter, type Logger } from 'xlive/sdk';
import {
  WebSocketFrameError,
  WebSocketFrameParser,
  WsCloseCode,
  WsOpcode,
  decodeClosePayload,
  encodeCloseFrame,
  encodeControlFrame,
  encodeFrameHeader,
  type WsFrame,
} from './websocket-frames.js';

export interface WebSocketConnectionOptions {
  log: Logger;
  /** Largest client data frame accepted (close 1009 above). */
  maxClientFrameBytes?: number;
  /** How long to wait for the peer to finish the close handshake before dropping the socket. */
  closeTimeoutMs?: number;
}

export const DEFAULT_CLOSE_TIMEOUT_MS = 3000;
/**
 * Pongs are skipped while this much is already waiting to be written: a client that pings without
 * reading cannot grow our buffer (section 5.5.3 allows answering only the most recent ping).
 */
export const MAX_PENDING_BYTES_FOR_PONG = 64 * 1024;

export class WebSocketConnection {
  private readonly parser: WebSocketFrameParser;
  private readonly closeTimeoutMs: number;
  private readonly log: Logger;
  private closeSent = false;
  private closed = false;
  private closeTimer: NodeJS.Timeout | undefined;
  private readonly closeListeners: Array<() => void> = [];
  /** One writev per socket per event-loop turn for the messages sent in it. */
  private readonly out: TurnWriter;

  constructor(
    private readonly socket: Duplex,
    options: WebSocketConnectionOptions,
  ) {
    this.log = options.log;
    this.out = new TurnWriter(socket);
    this.closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    this.parser = new WebSocketFrameParser(
      options.maxClientFrameBytes === undefined ? {} : { maxFrameBytes: options.maxClientFrameBytes },
    );
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('end', () => this.socket.end()); // peer half-closed: finish our side too
    socket.on('error', (err: Error) => {
      this.log.debug(`websocket socket error: ${err.message}`);
      this.socket.destroy();
    });
    socket.once('close', () => this.finish());
    if (socket.destroyed) queueMicrotask(() => this.finish());
  }

  /** Whether messages can still be sent (no close sent, socket alive). */
  get isOpen(): boolean {
    return !this.closeSent && !this.closed && this.socket.writable;
  }

  /** Feed bytes that arrived with the upgrade request (`head`). */
  receiveHead(head: Buffer): void {
    if (head.byteLength > 0) this.receive(head);
  }

  /**
   * Send one binary message whose payload is `chunks` in order, without copying them: the frame
   * header and chunks are queued on the socket, corked until the end of this event-loop turn, so
   * every message sent in the turn leaves in one writev. Returns false when the socket's buffer
   * is over its high-water mark (wait for `onDrain`). Once closing, messages are dropped and true
   * is returned.
   */
  sendBinary(chunks: readonly Uint8Array[]): boolean {
    if (!this.isOpen) return true;
    let length = 0;
    for (let i = 0; i < chunks.length; i++) length += chunks[i]!.byteLength;
    this.out.write([encodeFrameHeader(WsOpcode.binary, length)]);
    return this.out.write(chunks);
  }

  onDrain(cb: () => void): void {
    this.socket.on('drain', cb);
  }

  /** Called once when the connection is gone (either side closed it, or the socket failed). */
  onClose(cb: () => void): void {
    if (this.closed) queueMicrotask(cb);
    else this.closeListeners.push(cb);
  }

  /** Start the closing handshake (section 7.1.2): send a close frame, end our side, drop after a timeout. */
  close(code: number = WsCloseCode.normal, reason = ''): void {
    if (this.closed) return;
    if (!this.closeSent) {
      this.closeSent = true;
      if (this.socket.writable) this.socket.write(encodeCloseFrame(code, reason));
    }
    this.socket.end();
    this.closeTimer ??= setTimeout(() => this.socket.destroy(), this.closeTimeoutMs);
    this.closeTimer.unref?.();
  }

  /** Drop the TCP connection now (slow reader: a close frame would sit behind the backlog). */
  destroy(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    let frames: WsFrame[];
    try {
      frames = this.parser.push(chunk);
    } catch (err) {
      if (err instanceof WebSocketFrameError) {
        this.log.debug(`closing websocket ${err.closeCode}: ${err.message}`);
        this.close(err.closeCode, 'bad frame');
      } else {
        this.log.warn(`websocket receive failed: ${(err as Error).message}`);
        this.close(WsCloseCode.internalError);
      }
      return;
    }
    for (const frame of frames) this.handle(frame);
  }

  private handle(frame: WsFrame): void {
    switch (frame.opcode) {
      case WsOpcode.ping:
        // Section 5.5.3: a pong echoes the ping's application data.
        if (this.isOpen && this.socket.writableLength <= MAX_PENDING_BYTES_FOR_PONG) {
          this.socket.write(encodeControlFrame(WsOpcode.pong, frame.payload));
        }
        return;
      case WsOpcode.close: {
        // Section 5.5.1: answer with a close frame, echoing the status code received.
        const { code } = decodeClosePayload(frame.payload);
        this.close(code ?? WsCloseCode.normal);
        return;
      }
      default:
        return; // pong, text, binary, continuation: nothing to do for a send-only server
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
    for (const cb of this.closeListeners.splice(0)) cb();
  }
}
