/**
 * HTTP-FLV: the FLV stream as the body of a long-lived 200 response. The response object sends the
 * status line and headers (and the final chunk on a graceful end); the body is written straight to
 * the socket through a TurnWriter, so everything sent in one event-loop turn (several frames parsed
 * from one ingest read, each as header + payload + trailer views) leaves in one writev, uncopied,
 * without ServerResponse's per-write work. HTTP/1.1 bodies keep chunked transfer coding (RFC 9112
 * section 7.1), framed here: an EOF-delimited body would save two small iovecs per write, but
 * ffmpeg 5.1 reports such a body's end as an I/O error ("Stream ends prematurely").
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { TurnWriter } from 'xlive/sdk';
import { isGracefulClose, type FlvCloseReason, type FlvTransport } from './flv-transport.js';

/** Response headers of an HTTP-FLV stream. */
export const HTTP_FLV_HEADERS: Readonly<OutgoingHttpHeaders> = Object.freeze({
  'Content-Type': 'video/x-flv',
  'Cache-Control': 'no-cache',
  'Access-Control-Allow-Origin': '*',
});

export interface HttpFlvTransportOptions {
  /** How long a graceful close may take to flush before the socket is dropped. */
  closeTimeoutMs?: number;
  headers?: Readonly<OutgoingHttpHeaders>;
}

export const DEFAULT_HTTP_CLOSE_TIMEOUT_MS = 5000;

/** CRLF ending a chunk's data (RFC 9112 section 7.1: chunk = chunk-size CRLF chunk-data CRLF). */
const CRLF = Buffer.from('\r\n', 'latin1');

export class HttpFlvTransport implements FlvTransport {
  readonly contiguous = false;
  private readonly closeTimeoutMs: number;
  private readonly headers: Readonly<OutgoingHttpHeaders>;
  private ended = false;
  /** Set once the status line and headers are out: the socket the body goes to, and its writer. */
  private socket: Socket | undefined;
  private out: TurnWriter | undefined;
  /** Whether Node chose chunked transfer coding for this response (HTTP/1.1; not for HTTP/1.0). */
  private chunked = false;
  private readonly drainListeners: Array<() => void> = [];

  constructor(
    private readonly res: ServerResponse,
    options: HttpFlvTransportOptions = {},
  ) {
    this.closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_HTTP_CLOSE_TIMEOUT_MS;
    this.headers = options.headers ?? HTTP_FLV_HEADERS;
  }

  /** Send the status line and headers now (the body follows as frames arrive). */
  open(): void {
    if (this.res.headersSent || this.ended) return;
    this.startBody();
  }

  write(chunks: readonly Uint8Array[]): boolean {
    const res = this.res;
    if (this.ended || res.destroyed || res.writableEnded) return true;
    if (!res.headersSent) this.startBody();
    const out = this.out;
    if (out) {
      if (!this.chunked) return out.write(chunks);
      let size = 0;
      for (let i = 0; i < chunks.length; i++) size += chunks[i]!.byteLength;
      if (size === 0) return out.write(chunks); // a zero-size chunk would end the body
      // chunk-size in hex, CRLF, the data, CRLF (RFC 9112 section 7.1).
      return out.write([Buffer.from(size.toString(16) + '\r\n', 'latin1'), ...chunks, CRLF]);
    }
    // No socket of our own yet (a pipelined request waiting its turn): the response buffers it.
    res.cork();
    let ok = true;
    for (const c of chunks) ok = res.write(c);
    res.uncork();
    return ok;
  }

  onDrain(cb: () => void): void {
    // Body bytes go to the socket, so its 'drain' is the one that follows a false write().
    this.drainListeners.push(cb);
    this.res.on('drain', cb);
    this.socket?.on('drain', cb);
  }

  onClose(cb: () => void): void {
    if (this.res.destroyed || this.res.writableFinished) queueMicrotask(cb);
    else this.res.once('close', cb);
  }

  close(reason: FlvCloseReason): void {
    if (this.ended) return;
    this.ended = true;
    const res = this.res;
    if (!isGracefulClose(reason) || res.destroyed) {
      res.destroy();
      return;
    }
    if (!res.headersSent) this.startBody();
    // Ends after what was written (queued in order on the same socket): the last chunk for a
    // chunked body, or the end of the connection for an HTTP/1.0 one.
    res.end();
    const timer = setTimeout(() => res.destroy(), this.closeTimeoutMs);
    timer.unref();
    res.once('close', () => clearTimeout(timer));
  }

  /** Status line and headers, flushed now; then body writes bypass the response. */
  private startBody(): void {
    const res = this.res;
    res.writeHead(200, { ...this.headers });
    res.flushHeaders();
    const socket = res.socket;
    if (!socket || socket.destroyed) return; // not this response's turn on the socket yet: res buffers
    this.chunked = res.chunkedEncoding;
    socket.setNoDelay(true);
    this.socket = socket;
    this.out = new TurnWriter(socket);
    for (const cb of this.drainListeners) socket.on('drain', cb);
    // A kept-alive socket outlives this response: leave it without our listeners.
    res.once('close', () => {
      for (const cb of this.drainListeners) socket.off('drain', cb);
    });
  }
}
