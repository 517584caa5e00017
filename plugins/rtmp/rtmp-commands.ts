import { describeError, maskStreamName, StreamBusyError } from 'xlive/sdk';
import type { RtmpMessage } from './codec/chunk-reader.js';
import { MessageType } from './codec/chunk-writer.js';
import { parseCommand, type RtmpCommand } from './codec/command.js';
import * as M from './codec/messages.js';
import { PlaySession } from './play-session.js';
import { PublishSession } from './publish-session.js';
import type { ConnRole, RtmpConnDeps } from './rtmp-conn.js';
import type { SessionHost } from './session-host.js';
import { authorizeStream } from './stream-access.js';
import { connectTarget, streamRequest, type ConnectTarget } from './stream-request.js';

/** The connection as the command handler drives it: it may change the outgoing chunk size. */
export interface CommandHost extends SessionHost {
  chunkSize: number;
}

/** Message streams one connection may create. */
const MAX_MESSAGE_STREAMS = 16;

/** A stream name for logs: names are often stream keys, so long ones are shown only as a fingerprint. */
export const maskName = maskStreamName;

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/**
 * The NetConnection/NetStream commands of one connection (RTMP 1.0 spec 7.2) with the replies
 * OBS, ffmpeg, vMix, Larix, hardware encoders and VLC/ffplay expect, and its publish/play sessions.
 */
export class RtmpCommands {
  private target: ConnectTarget | null = null;
  private nextStreamId = 1;
  private readonly streamIds = new Set<number>();
  private pending = false;
  private publishing: PublishSession | null = null;
  private playing: PlaySession | null = null;

  constructor(
    private readonly host: CommandHost,
    private readonly deps: RtmpConnDeps,
  ) {}

  get role(): ConnRole {
    return this.publishing ? 'publisher' : this.playing ? 'player' : 'idle';
  }

  get app(): string {
    return this.target?.app ?? '';
  }

  get path(): string | undefined {
    return this.publishing?.path ?? this.playing?.path;
  }

  /** Media description of what is being published, for listings. */
  get media(): string | undefined {
    return this.publishing?.media;
  }

  onCommand(msg: RtmpMessage): void {
    const cmd = parseCommand(msg.payload, msg.typeId === MessageType.CommandAmf3);
    const h = this.host;
    if (cmd.name !== 'connect' && !this.target) {
      h.close(`command ${JSON.stringify(cmd.name.slice(0, 40))} before connect`, 'warn');
      return;
    }
    const tx = cmd.transactionId;
    switch (cmd.name) {
      case 'connect':
        return this.connect(cmd);
      case 'createStream':
        return this.createStream(tx);
      case 'releaseStream':
      case '_checkbw':
      case 'FCSubscribe':
        return h.send(M.result(tx));
      case 'FCPublish':
        h.send(M.onFCPublish(str(cmd.args[0])));
        return h.send(M.result(tx));
      case 'FCUnpublish':
        h.send(M.onFCUnpublish(str(cmd.args[0])));
        return h.send(M.result(tx));
      case 'getStreamLength':
        return h.send(M.result(tx, 0)); // live: no length
      case 'publish':
        return this.guard(this.publish(str(cmd.args[0]), msg.streamId));
      case 'play':
        return this.guard(this.play(str(cmd.args[0]), msg.streamId));
      case 'deleteStream':
        return this.endStream(typeof cmd.args[0] === 'number' ? cmd.args[0] : msg.streamId);
      case 'closeStream':
        return this.endStream(msg.streamId);
      case 'receiveAudio':
      case 'receiveVideo':
        if (this.playing && typeof cmd.args[0] === 'boolean') {
          if (cmd.name === 'receiveAudio') this.playing.receiveAudio = cmd.args[0];
          else this.playing.receiveVideo = cmd.args[0];
        }
        return;
      case '_result':
      case '_error':
      case 'onBWDone':
      case 'pause':
      case 'seek':
        return;
      default:
        h.log.debug(`unhandled command ${JSON.stringify(cmd.name.slice(0, 40))}`);
        if (tx > 0) h.send(M.errorResult(tx, 'NetConnection.Call.Failed', `unknown command ${cmd.name.slice(0, 40)}`));
    }
  }

  /** Audio, video and data messages: only meaningful on a publishing connection. */
  onStreamMessage(msg: RtmpMessage): void {
    if (this.publishing) this.publishing.onMessage(msg);
  }

  /** The socket drained: the player's reader may flush its queue. */
  drained(): void {
    this.playing?.resume();
  }

  /** The connection is going away: unpublish and leave. */
  stop(reason: string): void {
    const pub = this.publishing;
    this.publishing = null;
    pub?.close(`publisher left (${reason})`);
    this.playing?.stop();
    this.playing = null;
  }

  private guard(p: Promise<void>): void {
    p.catch((err: unknown) => {
      this.host.log.error(`internal error: ${describeError(err)}`);
      this.host.close('internal error', 'warn');
    });
  }

  /** connect (7.2.1.1): window, bandwidth and chunk size, then `_result` and onBWDone. */
  private connect(cmd: RtmpCommand): void {
    const h = this.host;
    if (this.target) return h.send(M.errorResult(cmd.transactionId, 'NetConnection.Connect.Failed', 'already connected'));
    this.target = connectTarget(cmd.object);
    const obj = (cmd.object ?? {}) as Record<string, unknown>;
    const encoding = obj.objectEncoding === 3 ? 3 : 0;
    const { ackWindow, chunkSize } = this.deps.limits;
    h.send(M.windowAckSize(ackWindow));
    h.send(M.setPeerBandwidth(ackWindow, 2));
    h.send(M.setChunkSize(chunkSize));
    h.chunkSize = chunkSize;
    const fourCc = Array.isArray(obj.fourCcList) ? obj.fourCcList.filter((v): v is string => typeof v === 'string').slice(0, 32) : undefined;
    h.send(M.connectResult(cmd.transactionId, encoding, fourCc));
    h.send(M.command(0, ['onBWDone', 0, null]));
    h.log.debug(`connected to app ${JSON.stringify(this.target.app)}${typeof obj.flashVer === 'string' ? ` (${obj.flashVer.slice(0, 60)})` : ''}`);
  }

  private createStream(tx: number): void {
    if (this.streamIds.size >= MAX_MESSAGE_STREAMS) {
      return this.host.send(M.errorResult(tx, 'NetConnection.Call.Failed', `more than ${MAX_MESSAGE_STREAMS} streams`));
    }
    const id = this.nextStreamId++;
    this.streamIds.add(id);
    this.host.send(M.createStreamResult(tx, id));
  }

  private busy(): string | null {
    if (this.pending) return 'a publish or play request is already pending on this connection';
    if (this.publishing) return 'this connection is already publishing';
    if (this.playing) return 'this connection is already playing';
    return null;
  }

  private async publish(name: string, streamId: number): Promise<void> {
    const h = this.host;
    const req = streamRequest(this.target!, name);
    const shown = `${req.app}/${maskName(req.name)}`;
    const refuse = (code: string, reason: string) => {
      h.send(M.onStatus(streamId, 'error', code, reason, { details: name.split('?')[0] }));
      h.close(`publish ${shown} refused: ${reason}`, 'warn');
    };
    const busy = this.busy();
    if (busy) return refuse(M.Status.PublishBadName, busy);
    this.pending = true;
    const access = await authorizeStream(this.deps, req, 'publish', h.remote).finally(() => (this.pending = false));
    if (h.closed) return;
    if (!access.ok) return refuse(access.refusal === 'denied' ? M.Status.PublishDenied : M.Status.PublishBadName, access.reason);
    if (!this.deps.mayPublish()) return refuse(M.Status.PublishBadName, 'too many streams are being published');
    // An authorised publisher is established (never evicted as idle) and may use the reserved slots.
    const admitted = this.deps.admission.establish({ priority: true });
    if (!admitted.ok) return refuse(M.Status.PublishBadName, admitted.reason);
    let publisher;
    try {
      publisher = this.deps.streams.publish(access.path, { protocol: 'rtmp', remote: h.remote });
    } catch (err) {
      const reason = err instanceof StreamBusyError ? `${access.path} is already publishing` : describeError(err);
      return refuse(M.Status.PublishBadName, reason);
    }
    const session = new PublishSession(h, streamId, access.path, publisher, this.deps.now());
    this.publishing = session;
    publisher.signal.addEventListener(
      'abort',
      () => {
        if (this.publishing !== session) return; // we ended it ourselves
        this.publishing = null;
        h.close(`publishing ${access.path} ended: ${describeError(publisher.signal.reason)}`);
      },
      { once: true },
    );
    h.send(M.streamBegin(streamId));
    h.send(M.onStatus(streamId, 'status', M.Status.PublishStart, `${req.name} is now published.`, { details: req.name }));
    h.log.info(`publishing ${access.path}`);
  }

  private async play(name: string, streamId: number): Promise<void> {
    const h = this.host;
    const req = streamRequest(this.target!, name);
    const busy = this.busy();
    if (busy) {
      h.send(M.onStatus(streamId, 'error', M.Status.PlayFailed, busy));
      return;
    }
    this.pending = true;
    const access = await authorizeStream(this.deps, req, 'read', h.remote).finally(() => (this.pending = false));
    if (h.closed) return;
    if (!access.ok) {
      const code = access.refusal === 'denied' ? M.Status.PlayFailed : M.Status.PlayStreamNotFound;
      h.send(M.onStatus(streamId, 'error', code, access.reason, { details: req.name }));
      h.log.warn(`play ${req.app}/${maskName(req.name)} refused: ${access.reason}`);
      if (access.refusal === 'denied') h.close('play refused');
      return;
    }
    const admitted = this.deps.admission.establish();
    if (!admitted.ok) {
      h.send(M.onStatus(streamId, 'error', M.Status.PlayFailed, admitted.reason, { details: req.name }));
      h.close(`play ${access.path} refused: ${admitted.reason}`, 'warn');
      return;
    }
    const session = new PlaySession(h, streamId, access.path, this.deps.now());
    this.playing = session;
    if (!session.start(this.deps.streams, req.name)) {
      this.playing = null;
      this.deps.admission.idle();
      h.log.info(`play ${access.path}: not being published`);
      return;
    }
    h.log.info(`playing ${access.path}`);
  }

  /** deleteStream / closeStream: end what runs on that message stream. */
  private endStream(streamId: number): void {
    this.streamIds.delete(streamId);
    if (this.publishing && this.publishing.streamId === streamId) {
      const pub = this.publishing;
      this.publishing = null;
      pub.close('unpublished');
      this.host.log.info(`unpublished ${pub.path}`);
    }
    if (this.playing && this.playing.streamId === streamId) {
      this.playing.stop();
      this.host.log.info(`stopped playing ${this.playing.path}`);
      this.playing = null;
    }
    if (!this.publishing && !this.playing) this.deps.admission.idle();
  }
}
