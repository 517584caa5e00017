/** WebSocket-FLV: each FLV chunk group (file header, one tag) as one binary message. */
import type { FlvCloseReason, FlvTransport } from './flv-transport.js';
import { WsCloseCode } from './ws/websocket-frames.js';
import type { WebSocketConnection } from './ws/websocket-connection.js';

/** Close codes (RFC 6455 section 7.4.1) for why the server ends a viewer. */
const CLOSE_CODES: Record<FlvCloseReason, number> = {
  'stream-ended': WsCloseCode.normal,
  shutdown: WsCloseCode.goingAway,
  kicked: WsCloseCode.policyViolation,
  'slow-reader': WsCloseCode.policyViolation,
  error: WsCloseCode.internalError,
  'sink-failed': WsCloseCode.internalError,
};

export class WsFlvTransport implements FlvTransport {
  constructor(private readonly conn: WebSocketConnection) {}

  write(chunks: readonly Uint8Array[]): boolean {
    return this.conn.sendBinary(chunks);
  }

  onDrain(cb: () => void): void {
    this.conn.onDrain(cb);
  }

  onClose(cb: () => void): void {
    this.conn.onClose(cb);
  }

  close(reason: FlvCloseReason): void {
    // A slow reader's socket is full: a close frame would wait behind the backlog, so drop it now.
    if (reason === 'slow-reader') this.conn.destroy();
    else this.conn.close(CLOSE_CODES[reason], reason);
  }
}
