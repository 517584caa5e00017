/**
 * What an FLV viewer writes to: HTTP-FLV (a chunked ServerResponse) or WebSocket-FLV (binary
 * messages). Writes honour backpressure: `write()` returns the socket's write() result.
 */
import type { ReaderCloseReason } from 'xlive/sdk';

/** Why a viewer's transport is closed: the hub's reasons, or the plugin's own failure. */
export type FlvCloseReason = ReaderCloseReason | 'error';

export interface FlvTransport {
  /** Wants each tag as one buffer (a WebSocket message is sent from one); else header, payload, trailer views. */
  readonly contiguous: boolean;
  /** Write `chunks` in order as one unit, without copying them. False: wait for `onDrain`. */
  write(chunks: readonly Uint8Array[]): boolean;
  /** Backpressure cleared. */
  onDrain(cb: () => void): void;
  /** The client went away or the transport was closed. Fires once. */
  onClose(cb: () => void): void;
  /**
   * End the transport. Graceful for stream-ended/shutdown/kicked (what is buffered is flushed,
   * then the connection ends, with a timeout); immediate for slow-reader and error.
   */
  close(reason: FlvCloseReason): void;
}

/** Whether to flush what is buffered before closing (a slow reader's backlog is not worth waiting for). */
export function isGracefulClose(reason: FlvCloseReason): boolean {
  return reason === 'stream-ended' || reason === 'shutdown' || reason === 'kicked';
}
