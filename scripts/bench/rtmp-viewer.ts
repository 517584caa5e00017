import type { RtmpMessage } from '../../plugins/rtmp/codec/chunk-reader.js';
import { MessageType } from '../../plugins/rtmp/codec/chunk-writer.js';
import { withTimeout } from './clip-publisher.js';
import type { CrowdMeter } from './crowd-meter.js';
import type { Viewer } from './http-flv-viewer.js';
import { RtmpClient } from './rtmp-client.js';
import { videoTagKind } from '../../core/media/flv/video-tag-kind.js';

/**
 * A lightweight RTMP viewer: handshake, connect, createStream, play; video messages are
 * classified from their first two bytes and matched by timestamp for latency.
 */
export class RtmpViewer implements Viewer {
  private client: RtmpClient | undefined;
  private requestedAt = 0;
  private gotKeyframe = false;
  private stopping = false;
  private lastBytes = 0;

  constructor(
    private readonly url: string,
    private readonly meter: CrowdMeter,
  ) {}

  async start(timeoutMs: number): Promise<void> {
    this.requestedAt = performance.now();
    const client = await RtmpClient.open(this.url, timeoutMs);
    this.client = client;
    if (this.stopping) {
      client.close();
      return;
    }
    client.onMedia = (msg, now) => this.onMedia(msg, now);
    const streamId = await withTimeout(client.createStream(), timeoutMs, 'createStream');
    await withTimeout(client.play(streamId), timeoutMs, 'play');
    client.onClose = (err) => {
      if (this.stopping) return;
      this.meter.disconnects++;
      this.meter.error(`rtmp: ${err?.message ?? 'the server closed the connection'}`);
    };
  }

  stop(): void {
    this.stopping = true;
    this.client?.close();
  }

  private onMedia(msg: RtmpMessage, now: number): void {
    const c = this.client!;
    this.meter.bytes(c.bytesReceived - this.lastBytes);
    this.lastBytes = c.bytesReceived;
    if (msg.typeId !== MessageType.Video || msg.payload.length === 0) return;
    const kind = videoTagKind(msg.payload[0]!, msg.payload[1]);
    if (kind.sequenceHeader) return;
    if (!this.gotKeyframe) {
      if (!kind.keyframe) return;
      this.gotKeyframe = true;
      this.meter.firstKeyframe(now - this.requestedAt);
    }
    this.meter.videoFrame(msg.timestamp, now);
  }
}
