/**
 * WebSocket-FLV on a `ws` socket: the FLV file header rides with the first tag, then each tag is one
 * binary message sent from the frame's shared buffer (built once per frame for all WebSocket viewers,
 * never copied per viewer). Backpressure: `write` returns false once the socket holds more than
 * WS_HIGH_WATER_BYTES not yet handed to the kernel; the hub then queues within the viewer's byte and
 * time budget (the same as HTTP-FLV: dropped to the next keyframe, then ended as a slow reader), and
 * the send callback that finds the buffer down to half of it resumes the reader. Nothing awaits a reader.
 */
import type { ServerWebSocket } from 'xlive/sdk';
import type { FlvCloseReason, FlvTransport } from './flv-transport.js';

/** RFC 6455 section 7.4.1 close codes. */
export const WS_CLOSE = Object.freeze({ normal: 1000, goingAway: 1001, policyViolation: 1008, internalError: 1011 });

/** Bytes a viewer's socket may hold before `write` says wait (what the hub then queues is the budget). */
export const WS_HIGH_WATER_BYTES = 64 * 1024;
const OPEN = 1;

/** Why the server ends a viewer, as a close code. */
const CLOSE_CODES: Record<FlvCloseReason, number> = {
  'stream-ended': WS_CLOSE.normal,
  shutdown: WS_CLOSE.goingAway,
  kicked: WS_CLOSE.policyViolation,
  'slow-reader': WS_CLOSE.policyViolation,
  error: WS_CLOSE.internalError,
  'sink-failed': WS_CLOSE.internalError,
};

export class WsFlvTransport implements FlvTransport {
  readonly contiguous = true;
  private waiting = false;
  private readonly drainListeners: Array<() => void> = [];
  /** One bound callback for every send (no closure per message). */
  private readonly sent = (): void => {
    if (!this.waiting || this.ws.bufferedAmount > WS_HIGH_WATER_BYTES / 2) return;
    this.waiting = false;
    for (const cb of this.drainListeners) cb();
  };

  constructor(private readonly ws: ServerWebSocket) {
    // Errors (a bad client frame, a reset) are followed by 'close'; without a listener ws would throw.
    ws.on('error', () => undefined);
  }

  write(chunks: readonly Uint8Array[]): boolean {
    const ws = this.ws;
    if (ws.readyState !== OPEN || chunks.length === 0) return true;
    ws.send(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), this.sent);
    if (ws.bufferedAmount <= WS_HIGH_WATER_BYTES) return true;
    this.waiting = true;
    return false;
  }

  onDrain(cb: () => void): void {
    this.drainListeners.push(cb);
  }

  onClose(cb: () => void): void {
    if (this.ws.readyState === 3) queueMicrotask(cb);
    else this.ws.on('close', () => cb());
  }

  close(reason: FlvCloseReason): void {
    // A slow reader's socket is full: a close frame would wait behind the backlog, so drop it now.
    if (reason === 'slow-reader' || reason === 'error' || this.ws.readyState !== OPEN) {
      this.ws.terminate();
      return;
    }
    // The core's ws server drops a peer that does not answer the close within 3 s.
    this.ws.close(CLOSE_CODES[reason], reason);
  }
}
