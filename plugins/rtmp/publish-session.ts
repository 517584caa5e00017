import { describeError, type AudioInfo, type FrameInit, type Publisher, type VideoInfo } from 'xlive/sdk';
import { metadataFrom, parseData } from './codec/command.js';
import { MessageType } from './codec/chunk-writer.js';
import type { RtmpMessage } from './codec/chunk-reader.js';
import { parseFlvAudioBody, parseFlvVideoBody, type FlvBody } from 'xlive/media';
import { mediaInfoOf } from './codec/media-info.js';
import type { SessionHost } from './session-host.js';

/** Malformed media frames tolerated (each dropped and counted) before the publisher is cut off. */
const MAX_BAD_FRAMES = 100;

/** Short media description for logs: `H264 1280x720 High, AAC 48000 Hz 2ch`. */
export function describeMedia(video?: VideoInfo, audio?: AudioInfo): string {
  const parts: string[] = [];
  if (video) {
    let v = video.codec.toUpperCase();
    if (video.width && video.height) v += ` ${video.width}x${video.height}`;
    if (video.profile) v += ` ${video.profile}`;
    parts.push(v);
  }
  if (audio) {
    let a = audio.codec.toUpperCase();
    if (audio.sampleRate) a += ` ${audio.sampleRate} Hz`;
    if (audio.channels) a += ` ${audio.channels}ch`;
    parts.push(a);
  }
  return parts.join(', ') || 'no media yet';
}

/** One stream being published on a connection: media and metadata in, frames to the hub. */
export class PublishSession {
  private video: VideoInfo | undefined;
  private audio: AudioInfo | undefined;
  private infoKey = { video: '', audio: '' };
  private badFrames = 0;
  private pushFailed = false;

  constructor(
    private readonly host: SessionHost,
    readonly streamId: number,
    readonly path: string,
    readonly publisher: Publisher,
    /** When publishing started (ms since epoch). */
    readonly since: number,
  ) {}

  get media(): string {
    return describeMedia(this.video, this.audio);
  }

  /** Audio (8), video (9) and data (15/18) messages on this session's message stream. */
  onMessage(msg: RtmpMessage): void {
    if (msg.typeId === MessageType.Audio || msg.typeId === MessageType.Video) {
      this.onMedia(msg);
    } else if (msg.typeId === MessageType.DataAmf0 || msg.typeId === MessageType.DataAmf3) {
      this.onData(msg);
    }
  }

  close(reason: string): void {
    this.publisher.close(reason);
  }

  private onMedia(msg: RtmpMessage): void {
    let result: FlvBody;
    try {
      result = msg.typeId === MessageType.Video ? parseFlvVideoBody(msg.payload, msg.timestamp) : parseFlvAudioBody(msg.payload, msg.timestamp);
    } catch (err) {
      this.badFrame(`malformed ${msg.typeId === MessageType.Video ? 'video' : 'audio'} message: ${describeError(err)}`);
      return;
    }
    if ('skip' in result) {
      this.host.log.debug(`dropped: ${result.skip}`);
      return;
    }
    this.learn(result.frame);
    this.push(result.frame);
  }

  /** Hand a frame to the hub; a failing subscriber must not take the publisher down. */
  private push(frame: FrameInit): void {
    try {
      this.publisher.push(frame);
    } catch (err) {
      if (!this.pushFailed) this.host.log.error(`delivering a ${frame.track} frame failed: ${describeError(err)}`);
      this.pushFailed = true;
    }
  }

  /** Refine media info from sequence headers (and legacy audio headers); log what changed. */
  private learn(frame: FrameInit): void {
    if (!frame.sequenceHeader && frame.track === 'video') return;
    if (!frame.sequenceHeader && frame.track === 'audio' && this.audio && this.audio.codec === frame.codec) return;
    let info: ReturnType<typeof mediaInfoOf>;
    try {
      info = mediaInfoOf(frame);
    } catch (err) {
      this.host.log.warn(`unreadable ${frame.track} config: ${describeError(err)}`);
      info = frame.track === 'video' ? { video: { codec: frame.codec as VideoInfo['codec'] } } : { audio: { codec: frame.codec as AudioInfo['codec'] } };
    }
    if (!info) return;
    let changed = false;
    if (info.video && JSON.stringify(info.video) !== this.infoKey.video) {
      this.video = info.video;
      this.infoKey.video = JSON.stringify(info.video);
      changed = true;
    }
    if (info.audio && JSON.stringify(info.audio) !== this.infoKey.audio) {
      this.audio = info.audio;
      this.infoKey.audio = JSON.stringify(info.audio);
      changed = true;
    }
    if (!changed) return;
    this.publisher.setMediaInfo(info);
    this.host.log.info(`${this.path}: ${this.media}`);
  }

  private onData(msg: RtmpMessage): void {
    const amf3 = msg.typeId === MessageType.DataAmf3;
    try {
      const meta = metadataFrom(msg.payload, amf3);
      if (meta) {
        this.publisher.setMetadata(meta.payload, meta.values);
        return;
      }
      const { name } = parseData(msg.payload, amf3);
      // Other script data (onTextData, onCuePoint…) is passed through as AMF0 data frames.
      if (!amf3 && !name.startsWith('@')) {
        this.push({ track: 'data', codec: 'amf0', dts: msg.timestamp, payload: msg.payload, dataOffset: 0 });
      }
    } catch (err) {
      this.badFrame(`malformed data message: ${describeError(err)}`);
    }
  }

  private badFrame(reason: string): void {
    this.badFrames++;
    if (this.badFrames === 1) this.host.log.warn(`${reason} (dropped)`);
    if (this.badFrames > MAX_BAD_FRAMES) this.host.close(`more than ${MAX_BAD_FRAMES} malformed media messages; last: ${reason}`, 'warn');
  }
}
