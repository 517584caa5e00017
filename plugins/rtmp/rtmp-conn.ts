import type { Socket } from 'node:net';
import { describeError, ParseError, TurnWriter, type GatesApi, type ConnectionAdmission, type Logger, type StreamApi } from 'xlive/sdk';
import { ChunkReader, type RtmpMessage } from './codec/chunk-reader.js';
import { encodeChunks, MessageType, type OutgoingMessage } from './codec/chunk-writer.js';
import { ServerHandshake, type HandshakeOptions } from './codec/handshake.js';
import { acknowledgement, pingResponse, UserControl } from './codec/messages.js';
import { RtmpCommands } from './rtmp-commands.js';
import type { SessionHost } from './session-host.js';

export interface RtmpConnLimits {
  /** Outgoing chunk size announced after connect. */
  chunkSize: number;
  maxMessageSize: number;
  handshakeTimeoutMs: number;
  idleTimeoutMs: number;
  /** Window Acknowledgement Size announced to the peer, and our ack interval unless it sets one. */
  ackWindow: number;
  /** Bytes the socket may hold unsent before the peer counts as not reading (default 16 MiB). */
  maxWriteBuffer?: number;
}

/** What a connection needs from its server. */
export interface RtmpConnDeps {
  streams: Pick<StreamApi, 'publish' | 'subscribe' | 'get' | 'parsePath'>;
  /** The publish/play gate chain (`ctx.gates`). */
  gates: Pick<GatesApi, 'decide'>;
  log: Logger;
  limits: RtmpConnLimits;
  /** Whether one more stream may be published through this server. */
  mayPublish(): boolean;
  now: () => number;
  handshake?: HandshakeOptions;
  /** The listener's admission control: established once publishing (priority) or playing. */
  admission: ConnectionAdmission;
}

export type ConnRole = 'handshake' | 'idle' | 'publisher' | 'player';

export interface RtmpConnInfo {
  id: string;
  remote: string;
  since: number;
  role: ConnRole;
  app: string;
  /** Stream being published or played. */
  path?: string;
  /** What a publisher sends (`H264 1280x720 High, AAC 48000 Hz 2ch`). */
  media?: string;
  bytesIn: number;
  bytesOut: number;
}

/**
 * One RTMP connection: handshake (with a timeout), chunk stream, protocol control, and commands
 * (handled by RtmpCommands with the publish/play sessions). Any malformed input closes this
 * connection with a log line naming the peer and the reason; nothing escapes to the server.
 *
 * Hot path: everything written in one event-loop turn leaves in one writev (TurnWriter); bytes are
 * counted in plain numbers (the server sums them at scrape time); idleness is checked by a timer
 * comparing byte counts, so no per-read/per-write timer refresh.
 */
export class RtmpConn implements SessionHost {
  readonly remote: string;
  readonly log: Logger;
  readonly since: number;
  closed = false;
  chunkSize = 128;
  private handshake: ServerHandshake | null;
  private readonly reader: ChunkReader;
  private readonly commands: RtmpCommands;
  private readonly out: TurnWriter;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private bytesIn = 0;
  private bytesOut = 0;
  /** Bytes moved (in + out) at the last idle check, and how many checks in a row saw none move. */
  private idleMark = -1;
  private quietChecks = 0;
  private lastAck = 0;
  /** Ack interval the peer asked for with Window Acknowledgement Size, else ours. */
  private peerWindow: number;
  private onClosed: ((conn: RtmpConn) => void) | undefined;

  constructor(
    readonly id: string,
    private readonly socket: Socket,
    private readonly deps: RtmpConnDeps,
  ) {
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    this.out = new TurnWriter(socket);
    this.log = deps.log.child(`conn ${this.remote}`);
    this.since = deps.now();
    this.handshake = new ServerHandshake(deps.handshake);
    this.reader = new ChunkReader({ maxMessageSize: deps.limits.maxMessageSize });
    this.peerWindow = deps.limits.ackWindow;
    this.commands = new RtmpCommands(this, deps);
  }

  /** Start reading; `onClosed` runs once when the socket is gone. */
  start(onClosed: (conn: RtmpConn) => void): void {
    this.onClosed = onClosed;
    const s = this.socket;
    s.setNoDelay(true);
    this.startIdleCheck();
    s.on('data', (data: Buffer) => this.onData(data));
    s.on('drain', () => this.commands.drained());
    s.on('error', (err: NodeJS.ErrnoException) => {
      const reset = err.code === 'ECONNRESET' || err.code === 'EPIPE';
      this.close(reset ? 'connection reset by peer' : `socket error: ${err.message}`, reset ? 'info' : 'warn');
    });
    s.on('end', () => this.close('peer closed the connection'));
    s.on('close', () => this.finish());
    this.handshakeTimer = setTimeout(
      () => this.close(`handshake not completed within ${this.deps.limits.handshakeTimeoutMs} ms`, 'warn'),
      this.deps.limits.handshakeTimeoutMs,
    );
    this.handshakeTimer.unref();
  }

  info(): RtmpConnInfo {
    const role: ConnRole = this.handshake ? 'handshake' : this.commands.role;
    return {
      id: this.id,
      remote: this.remote,
      since: this.since,
      role,
      app: this.commands.app,
      path: this.commands.path,
      media: this.commands.media,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
    };
  }

  /** Bytes received and sent on this connection so far. */
  get bytesReceived(): number {
    return this.bytesIn;
  }
  get bytesSent(): number {
    return this.bytesOut;
  }

  send(msg: OutgoingMessage): void {
    this.writeChunks(encodeChunks(msg, this.chunkSize));
  }

  writeChunks(chunks: readonly Uint8Array[]): boolean {
    if (this.closed) return true;
    let n = 0;
    for (let i = 0; i < chunks.length; i++) n += chunks[i]!.length;
    this.bytesOut += n;
    // Corked until the end of this turn: all chunks written now leave in one writev, uncopied.
    const ok = this.out.write(chunks);
    const pending = this.out.buffered;
    if (pending > (this.deps.limits.maxWriteBuffer ?? 16 * 1024 * 1024)) {
      this.close(`peer is not reading (${pending} bytes unsent)`, 'warn');
      return true;
    }
    return ok;
  }

  /** Close after flushing; the socket is destroyed if the peer does not let go within 2 s. */
  close(reason: string, level: 'info' | 'warn' = 'info'): void {
    if (this.closed) return;
    this.closed = true;
    this.log[level](`closing: ${reason}`);
    clearTimeout(this.handshakeTimer);
    clearInterval(this.idleTimer);
    this.commands.stop(reason);
    this.socket.end();
    this.killTimer = setTimeout(() => this.socket.destroy(), 2000);
    this.killTimer.unref();
  }

  /** Immediate teardown (server stop, kick). */
  destroy(reason: string): void {
    this.close(reason);
    this.socket.destroy();
  }

  private finish(): void {
    if (!this.closed) {
      this.closed = true;
      this.log.info('connection closed');
      this.commands.stop('connection closed');
    }
    clearTimeout(this.handshakeTimer);
    clearInterval(this.idleTimer);
    clearTimeout(this.killTimer);
    const cb = this.onClosed;
    this.onClosed = undefined;
    cb?.(this);
  }

  private onData(data: Buffer): void {
    if (this.closed) return;
    this.bytesIn += data.length;
    try {
      let chunkData: Buffer | undefined = data;
      if (this.handshake) {
        const step = this.handshake.push(data);
        if (step.reply) this.writeRaw(step.reply);
        if (!step.done) return;
        this.handshake = null;
        clearTimeout(this.handshakeTimer);
        this.log.debug('handshake done');
        chunkData = step.rest;
      }
      if (chunkData) {
        for (const msg of this.reader.push(chunkData)) {
          if (this.closed) return;
          this.onMessage(msg);
        }
      }
      this.maybeAck();
    } catch (err) {
      if (err instanceof ParseError) this.close(`protocol error: ${err.message}`, 'warn');
      else {
        this.log.error(`internal error: ${describeError(err)}`);
        this.close('internal error', 'warn');
      }
    }
  }

  private writeRaw(b: Buffer): void {
    this.out.write([b]);
    this.bytesOut += b.length;
  }

  /**
   * Close after `idleTimeoutMs` without a byte in or out: checked every half timeout, so a quiet
   * connection goes after between one and one and a half timeouts.
   */
  private startIdleCheck(): void {
    const limit = this.deps.limits.idleTimeoutMs;
    if (!(limit > 0)) return;
    this.idleTimer = setInterval(() => {
      const moved = this.bytesIn + this.bytesOut;
      if (moved !== this.idleMark) {
        this.idleMark = moved;
        this.quietChecks = 0;
      } else if (++this.quietChecks >= 2) {
        this.close(`idle for ${limit} ms`, 'warn');
      }
    }, Math.max(1, Math.floor(limit / 2)));
    this.idleTimer.unref();
  }

  /** Acknowledgement after each window of received bytes (RTMP 1.0 spec 5.4.3). */
  private maybeAck(): void {
    if (this.handshake || this.peerWindow <= 0 || this.bytesIn - this.lastAck < this.peerWindow) return;
    this.lastAck = this.bytesIn;
    this.send(acknowledgement(this.bytesIn));
  }

  private onMessage(msg: RtmpMessage): void {
    switch (msg.typeId) {
      case MessageType.SetChunkSize:
      case MessageType.Abort:
      case MessageType.Acknowledgement:
      case MessageType.SetPeerBandwidth:
        return; // chunk size and abort are applied by the reader; acks and bandwidth need nothing
      case MessageType.WindowAckSize:
        if (msg.payload.length >= 4) this.peerWindow = msg.payload.readUInt32BE(0);
        return;
      case MessageType.UserControl:
        return this.onUserControl(msg);
      case MessageType.CommandAmf0:
      case MessageType.CommandAmf3:
        return this.commands.onCommand(msg);
      case MessageType.Audio:
      case MessageType.Video:
      case MessageType.DataAmf0:
      case MessageType.DataAmf3:
        return this.commands.onStreamMessage(msg);
      default:
        this.log.debug(`ignored message type ${msg.typeId} (${msg.payload.length} bytes)`);
    }
  }

  /** User Control (RTMP 1.0 spec 7.1.7): answer PingRequest; the rest needs no reply. */
  private onUserControl(msg: RtmpMessage): void {
    if (msg.payload.length < 2) throw new ParseError('user control message shorter than 2 bytes', 0);
    const event = msg.payload.readUInt16BE(0);
    if (event === UserControl.PingRequest && msg.payload.length >= 6) {
      this.send(pingResponse(msg.payload.readUInt32BE(2)));
    }
  }
}
