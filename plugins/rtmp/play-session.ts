import type { Frame, Reader, ReaderCloseReason, ReaderSink, StreamApi } from 'xlive/sdk';
import { frameChunks, frameChunksKey } from './codec/chunk-writer.js';
import { Status, onStatus, sampleAccess, streamBegin, streamEof } from './codec/messages.js';
import type { SessionHost } from './session-host.js';

/**
 * One stream being played on a connection: the hub's reader sink. Frames go out as chunks built
 * once per chunk size and stream id and shared by every viewer; socket backpressure is reported
 * to the hub through write()'s result, and `resume()` is called on 'drain'.
 */
export class PlaySession implements ReaderSink {
  private reader: Reader | undefined;
  private ended = false;
  /** `frame.shared` key of this viewer's chunks, rebuilt only if the chunk size changes. */
  private chunksKey = '';
  private keyChunkSize = 0;
  receiveAudio = true;
  receiveVideo = true;

  constructor(
    private readonly host: SessionHost,
    readonly streamId: number,
    readonly path: string,
    readonly since: number,
  ) {}

  /**
   * Announce the stream (StreamBegin, Play.Reset, Play.Start, |RtmpSampleAccess) and
   * join it; the hub then sends metadata, sequence headers and the GOP at once. False when nothing
   * is published at the path (the client got Play.StreamNotFound).
   */
  start(streams: Pick<StreamApi, 'get' | 'subscribe'>, name: string): boolean {
    const id = this.streamId;
    if (!streams.get(this.path)?.publisher) {
      this.host.send(onStatus(id, 'error', Status.PlayStreamNotFound, `${name} is not being published.`, { details: name }));
      return false;
    }
    this.host.send(streamBegin(id));
    this.host.send(onStatus(id, 'status', Status.PlayReset, `Playing and resetting ${name}.`, { details: name }));
    this.host.send(onStatus(id, 'status', Status.PlayStart, `Started playing ${name}.`, { details: name }));
    this.host.send(sampleAccess(id));
    // No NetStream.Data.Start data message: ffmpeg's FLV demuxer would add an "unknown" data stream.
    this.reader = streams.subscribe(this.path, { protocol: 'rtmp', remote: this.host.remote, sink: this });
    return true;
  }

  get stats(): Reader['stats'] | undefined {
    return this.reader?.stats;
  }

  write(frame: Frame): boolean {
    if (this.ended || this.host.closed) return true;
    if ((frame.track === 'audio' && !this.receiveAudio) || (frame.track === 'video' && !this.receiveVideo)) return true;
    try {
      const chunkSize = this.host.chunkSize;
      if (chunkSize !== this.keyChunkSize) {
        this.keyChunkSize = chunkSize;
        this.chunksKey = frameChunksKey(chunkSize, this.streamId);
      }
      return this.host.writeChunks(frameChunks(frame, chunkSize, this.streamId, this.chunksKey));
    } catch (err) {
      // Never let one viewer's failure reach the publisher that is delivering this frame.
      this.host.close(`cannot send a ${frame.track} frame: ${err instanceof Error ? err.message : String(err)}`, 'warn');
      return true;
    }
  }

  /** The hub ended this reader: tell the player, then close the connection. */
  close(reason: ReaderCloseReason): void {
    if (this.ended) return;
    this.ended = true;
    if (this.host.closed) return;
    if (reason === 'stream-ended') {
      this.host.send(streamEof(this.streamId));
      this.host.send(onStatus(this.streamId, 'status', Status.PlayUnpublishNotify, `${this.path} is now unpublished.`));
      this.host.close(`${this.path} ended`);
    } else {
      this.host.send(onStatus(this.streamId, 'status', Status.PlayStop, `Stopped playing ${this.path} (${reason}).`));
      this.host.close(reason === 'slow-reader' ? `too slow to keep up with ${this.path}` : `reader ${reason}`, reason === 'slow-reader' ? 'warn' : 'info');
    }
  }

  /** The socket drained: let the hub flush what it queued. */
  resume(): void {
    if (!this.ended) this.reader?.resume();
  }

  /** The client stopped playing or left. */
  stop(): void {
    if (this.ended) return;
    this.ended = true;
    this.reader?.close();
  }
}
