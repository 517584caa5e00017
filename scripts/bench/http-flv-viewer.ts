import { connect as netConnect, type Socket } from 'node:net';
import type { CrowdMeter } from './crowd-meter.js';
import { FlvTagScanner, type FlvTagInfo } from '../../core/media/flv/flv-tag-scanner.js';
import { HttpResponseReader, type ResponseHead } from './http-response-reader.js';

/**
 * A lightweight HTTP-FLV viewer: a raw socket reading into a buffer shared by every viewer of a
 * crowd (`onread`, no per-read allocation, no stream machinery), an HTTP response reader, and an
 * FLV tag scanner that skips payloads. Reports bytes, first keyframe and latency to a CrowdMeter.
 * Everything is processed synchronously inside the read callback, so sharing the buffer is safe.
 */

export interface Viewer {
  /** Resolves once the server accepted the viewer; rejects if it did not in time. */
  start(timeoutMs: number): Promise<void>;
  /** Leave (not counted as a disconnect). */
  stop(): void;
}

export class HttpFlvViewer implements Viewer {
  private socket: Socket | undefined;
  private requestedAt = 0;
  private gotKeyframe = false;
  private accepted = false;
  private stopping = false;
  private ended = false;
  private now = 0;
  private readonly scanner = new FlvTagScanner((tag) => this.onTag(tag));
  private readonly response: HttpResponseReader;
  private settle: { resolve: () => void; reject: (err: Error) => void } | undefined;

  constructor(
    private readonly url: string,
    private readonly meter: CrowdMeter,
    private readonly readBuffer: Buffer,
  ) {
    this.response = new HttpResponseReader(
      (head) => this.onHead(head),
      (body) => this.scanner.push(body),
    );
  }

  start(timeoutMs: number): Promise<void> {
    const u = new URL(this.url);
    return new Promise((resolve, reject) => {
      this.requestedAt = performance.now();
      const timer = setTimeout(() => this.fail(new Error(`no response within ${timeoutMs} ms`)), timeoutMs);
      this.settle = {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (err) => (clearTimeout(timer), reject(err)),
      };
      const socket = netConnect({
        host: u.hostname,
        port: Number(u.port || 80),
        onread: { buffer: this.readBuffer, callback: (n: number, buf: Uint8Array) => this.onRead(n, buf) },
      });
      this.socket = socket;
      socket.setNoDelay(true);
      socket.once('connect', () => {
        socket.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUser-Agent: xlive-bench\r\nAccept: */*\r\nConnection: close\r\n\r\n`);
      });
      socket.on('error', (err) => this.end(err.message));
      socket.on('end', () => this.end('the server ended the response'));
      socket.on('close', () => this.end('the connection closed'));
    });
  }

  stop(): void {
    this.stopping = true;
    this.socket?.destroy();
  }

  private onRead(n: number, buf: Uint8Array): boolean {
    this.now = performance.now();
    this.meter.bytes(n);
    try {
      this.response.push(buf.subarray(0, n));
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
    return true;
  }

  private onHead(head: ResponseHead): void {
    if (head.status !== 200) throw new Error(`http ${head.status} for ${this.url}`);
    this.accepted = true;
    this.settle?.resolve();
    this.settle = undefined;
  }

  private onTag(tag: FlvTagInfo): void {
    if (tag.type !== 9 || tag.sequenceHeader) return;
    if (!this.gotKeyframe) {
      if (!tag.keyframe) return;
      this.gotKeyframe = true;
      this.meter.firstKeyframe(this.now - this.requestedAt);
    }
    this.meter.videoFrame(tag.timestamp, this.now);
  }

  /** A failure before the response was accepted rejects start(); after, it is a disconnect. */
  private fail(err: Error): void {
    if (this.settle) {
      this.settle.reject(err);
      this.settle = undefined;
      this.stop();
      return;
    }
    this.end(err.message);
    this.socket?.destroy();
  }

  private end(reason: string): void {
    if (this.settle) {
      this.fail(new Error(reason));
      return;
    }
    if (this.ended) return;
    this.ended = true;
    if (this.stopping || !this.accepted) return;
    this.meter.disconnects++;
    this.meter.error(`http-flv: ${reason}`);
  }
}
