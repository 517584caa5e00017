/** HTTP-FLV: the FLV stream as the body of a long-lived chunked 200 response. */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
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

export class HttpFlvTransport implements FlvTransport {
  private readonly closeTimeoutMs: number;
  private readonly headers: Readonly<OutgoingHttpHeaders>;
  private ended = false;

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
    this.res.writeHead(200, { ...this.headers });
    this.res.flushHeaders();
  }

  write(chunks: readonly Uint8Array[]): boolean {
    const res = this.res;
    if (this.ended || res.destroyed || res.writableEnded) return true;
    if (!res.headersSent) res.writeHead(200, { ...this.headers });
    // Corked: the chunks (each with its chunked-encoding framing) leave in one writev, uncopied.
    res.cork();
    let ok = true;
    for (const c of chunks) ok = res.write(c);
    res.uncork();
    return ok;
  }

  onDrain(cb: () => void): void {
    this.res.on('drain', cb);
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
    if (!res.headersSent) res.writeHead(200, { ...this.headers });
    res.end();
    const timer = setTimeout(() => res.destroy(), this.closeTimeoutMs);
    timer.unref();
    res.once('close', () => clearTimeout(timer));
  }
}
