/**
 * One FLV viewer session: subscribes to a stream through the hub, writes the FLV file header then
 * every frame as a shared tag (`[header, payload, trailer]`, payload never copied) to its transport,
 * honours backpressure (false → the hub queues; drain → `reader.resume()`), and ties the two ends'
 * lifetimes together: the hub closing the reader ends the transport, the client leaving closes the reader.
 */
import type { Frame, Logger, Reader, ReaderStats, StreamApi, StreamPath } from 'xlive/sdk';
import { describeError } from 'xlive/sdk';
import { flvFileHeader, type FlvHeaderFlags } from 'xlive/media';
import { flvTagBytes, flvTagChunks } from './codec/flv-muxer.js';
import type { FlvCloseReason, FlvTransport } from './flv-transport.js';

export type FlvProtocol = 'http-flv' | 'ws-flv';

/** Why a viewer session ended: the hub's reasons, the client leaving, or a failure of ours. */
export type FlvViewerEndReason = FlvCloseReason | 'client-closed';

export interface FlvViewerOptions {
  streams: Pick<StreamApi, 'subscribe' | 'get'>;
  path: StreamPath;
  protocol: FlvProtocol;
  transport: FlvTransport;
  log: Logger;
  remote?: string;
  /** Reader queue budget overrides (the hub's defaults otherwise). */
  maxQueueBytes?: number;
  maxQueueMs?: number;
  /** Called once when the session ends. */
  onEnd?: (viewer: FlvViewer, reason: FlvViewerEndReason) => void;
}

export class FlvViewer {
  readonly path: StreamPath;
  readonly protocol: FlvProtocol;
  readonly remote: string | undefined;
  private reader: Reader | undefined;
  private headerSent = false;
  private ended = false;
  private endReason: FlvViewerEndReason | undefined;
  private lastStats: ReaderStats | undefined;

  constructor(private readonly options: FlvViewerOptions) {
    this.path = options.path;
    this.protocol = options.protocol;
    this.remote = options.remote;
  }

  /** Reader statistics (kept after the session ended). */
  get stats(): ReaderStats | undefined {
    return this.reader?.stats ?? this.lastStats;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  get reason(): FlvViewerEndReason | undefined {
    return this.endReason;
  }

  /**
   * Subscribe and start streaming. Throws what `subscribe` throws (StreamNotFoundError…) before
   * anything is written, so the caller can still answer with an error.
   */
  start(): void {
    const { options } = this;
    const transport = options.transport;
    const reader = options.streams.subscribe(this.path, {
      protocol: this.protocol,
      ...(this.remote === undefined ? {} : { remote: this.remote }),
      ...(options.maxQueueBytes === undefined ? {} : { maxQueueBytes: options.maxQueueBytes }),
      ...(options.maxQueueMs === undefined ? {} : { maxQueueMs: options.maxQueueMs }),
      sink: {
        write: (frame) => this.writeFrame(frame),
        close: (reason) => this.end(reason),
      },
    });
    this.reader = reader;
    if (this.ended) {
      // The hub ended us while replaying the GOP: nothing more to wire.
      reader.close();
      return;
    }
    transport.onDrain(() => this.reader?.resume());
    transport.onClose(() => this.end('client-closed'));
    // No frame yet (a stream that just started): send the header so the client sees a response.
    if (!this.headerSent) this.send([]);
  }

  /** End the session from our side (plugin stopping, viewer kicked by the plugin). */
  close(reason: FlvCloseReason = 'shutdown'): void {
    this.end(reason);
  }

  private writeFrame(frame: Frame): boolean {
    if (this.ended) return true;
    let tag: readonly Uint8Array[];
    try {
      tag = this.options.transport.contiguous ? [flvTagBytes(frame)] : flvTagChunks(frame);
    } catch (err) {
      this.options.log.warn(`skipping a ${frame.track} frame at ${frame.dts} ms: ${describeError(err)}`);
      return true;
    }
    return this.send(tag);
  }

  /** Write chunks, preceded by the FLV file header on the first call. */
  private send(chunks: readonly Uint8Array[]): boolean {
    if (this.headerSent) return this.options.transport.write(chunks);
    this.headerSent = true;
    return this.options.transport.write([flvFileHeader(this.headerFlags()), ...chunks]);
  }

  /** FLV header flags from what the stream is known to carry; both when nothing is known yet. */
  private headerFlags(): FlvHeaderFlags {
    const stats = this.options.streams.get(this.path);
    const meta = stats?.metadata ?? {};
    const video = stats?.media.video !== undefined || meta['videocodecid'] !== undefined;
    const audio = stats?.media.audio !== undefined || meta['audiocodecid'] !== undefined;
    return video || audio ? { video, audio } : { video: true, audio: true };
  }

  private end(reason: FlvViewerEndReason): void {
    if (this.ended) return;
    this.ended = true;
    this.endReason = reason;
    const reader = this.reader;
    if (reader) {
      this.lastStats = { ...reader.stats };
      reader.close(); // idempotent; a no-op when the hub closed it
    }
    if (reason !== 'client-closed') this.options.transport.close(reason);
    const remote = this.remote ?? 'client';
    this.options.log.debug(`${this.protocol} viewer ${remote} on ${this.path} ended: ${reason}`);
    this.options.onEnd?.(this, reason);
  }
}
