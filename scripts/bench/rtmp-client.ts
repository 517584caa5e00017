import { connect as netConnect, type Socket } from 'node:net';
import { ClientHandshake } from '../../plugins/rtmp/codec/handshake.js';
import { ChunkReader, type RtmpMessage } from '../../plugins/rtmp/codec/chunk-reader.js';
import { encodeChunks, MessageType, type OutgoingMessage } from '../../plugins/rtmp/codec/chunk-writer.js';
import { parseCommand } from '../../plugins/rtmp/codec/command.js';
import { acknowledgement, command, pingResponse, setChunkSize, UserControl } from '../../plugins/rtmp/codec/messages.js';

/**
 * A minimal RTMP client for the bench (RTMP 1.0 spec 5.2 handshake, 7.2.1 connect/createStream,
 * 7.2.2 play/publish) built on the project's codec modules. It answers pings and acknowledges
 * the peer's window (5.4.3-5.4.4), and hands audio/video/data messages to `onMedia`.
 */

export interface RtmpUrl {
  host: string;
  port: number;
  app: string;
  stream: string;
  tcUrl: string;
}

export function parseRtmpUrl(url: string): RtmpUrl {
  const u = new URL(url);
  if (u.protocol !== 'rtmp:') throw new TypeError(`not an rtmp url: ${url}`);
  const parts = u.pathname.split('/').filter((p) => p.length > 0);
  if (parts.length !== 2) throw new TypeError(`rtmp url must be rtmp://host:port/<app>/<stream>: ${url}`);
  const port = u.port === '' ? 1935 : Number(u.port);
  return { host: u.hostname, port, app: parts[0]!, stream: parts[1]!, tcUrl: `rtmp://${u.hostname}:${port}/${parts[0]}` };
}

interface Pending {
  resolve: (args: unknown[]) => void;
  reject: (err: Error) => void;
}

/** Chunk size the client sends with (ffmpeg and OBS use 4096 too). */
export const CLIENT_CHUNK_SIZE = 4096;

export class RtmpClient {
  /** Raw bytes read from the socket. */
  bytesReceived = 0;
  onMedia: (msg: RtmpMessage, now: number) => void = () => {};
  onClose: (err?: Error) => void = () => {};
  private readonly reader = new ChunkReader({ maxMessageSize: 16 * 1024 * 1024 });
  private readonly handshake = new ClientHandshake();
  private handshakeDone = false;
  private readonly pending = new Map<number, Pending>();
  private statusWaiter: { codes: string[]; pending: Pending } | null = null;
  private nextTx = 1;
  private ackWindow = 0;
  private lastAck = 0;
  private closed = false;
  private connected?: { resolve: () => void; reject: (err: Error) => void };

  private constructor(
    private readonly socket: Socket,
    private readonly url: RtmpUrl,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (err) => this.finish(err));
    socket.on('close', () => this.finish());
  }

  /** TCP connect + handshake + `connect` to the app. Rejects after timeoutMs. */
  static async open(url: string, timeoutMs = 10_000): Promise<RtmpClient> {
    const u = parseRtmpUrl(url);
    const socket = netConnect({ host: u.host, port: u.port });
    const client = new RtmpClient(socket, u);
    const timer = setTimeout(() => client.close(new Error(`rtmp connect to ${url} timed out after ${timeoutMs} ms`)), timeoutMs);
    try {
      await new Promise<void>((resolve, reject) => {
        client.connected = { resolve, reject };
        socket.once('connect', () => socket.write(client.handshake.start()));
      });
      client.sendMessage(setChunkSize(CLIENT_CHUNK_SIZE));
      await client.call('connect', {
        app: u.app, flashVer: 'FMLE/3.0 (compatible; xlive-bench)', tcUrl: u.tcUrl, fpad: false,
        capabilities: 15, audioCodecs: 3191, videoCodecs: 252, videoFunction: 1, objectEncoding: 0,
      });
      return client;
    } catch (err) {
      client.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  get streamName(): string {
    return this.url.stream;
  }

  get writableLength(): number {
    return this.socket.writableLength;
  }

  /** createStream → the message stream id. */
  async createStream(): Promise<number> {
    const [id] = await this.call('createStream', null);
    if (typeof id !== 'number') throw new Error(`createStream answered ${JSON.stringify(id)}`);
    return id;
  }

  /** play; resolves on NetStream.Play.Start. */
  async play(streamId: number): Promise<void> {
    const started = this.waitStatus(['NetStream.Play.Start']);
    this.sendMessage(command(streamId, ['play', 0, null, this.url.stream, -2]));
    await started;
  }

  /** publish (live); resolves on NetStream.Publish.Start. */
  async publish(streamId: number): Promise<void> {
    const started = this.waitStatus(['NetStream.Publish.Start']);
    this.sendMessage(command(streamId, ['publish', 0, null, this.url.stream, 'live']));
    await started;
  }

  /** Send one message (chunked at CLIENT_CHUNK_SIZE). Returns the socket's write() result. */
  sendMessage(msg: OutgoingMessage): boolean {
    if (this.closed) return false;
    const chunks = encodeChunks(msg, CLIENT_CHUNK_SIZE);
    this.socket.cork();
    let ok = true;
    for (const c of chunks) ok = this.socket.write(c);
    this.socket.uncork();
    return ok;
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  close(err?: Error): void {
    this.finish(err);
    this.socket.destroy();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private call(name: string, object: unknown, ...args: unknown[]): Promise<unknown[]> {
    const tx = this.nextTx++;
    return new Promise((resolve, reject) => {
      this.pending.set(tx, { resolve, reject });
      this.sendMessage(command(0, [name, tx, object, ...args]));
    });
  }

  private waitStatus(codes: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.statusWaiter = { codes, pending: { resolve: () => resolve(), reject } };
    });
  }

  private onData(data: Buffer): void {
    this.bytesReceived += data.length;
    try {
      if (!this.handshakeDone) {
        const step = this.handshake.push(data);
        if (step.reply) this.socket.write(step.reply);
        if (!step.done) return;
        this.handshakeDone = true;
        this.connected?.resolve();
        if (!step.rest) return;
        data = step.rest;
      }
      const now = performance.now();
      for (const msg of this.reader.push(data)) this.onMessage(msg, now);
      if (this.ackWindow > 0 && this.bytesReceived - this.lastAck >= this.ackWindow) {
        this.lastAck = this.bytesReceived;
        this.sendMessage(acknowledgement(this.bytesReceived));
      }
    } catch (err) {
      this.close(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private onMessage(msg: RtmpMessage, now: number): void {
    switch (msg.typeId) {
      case MessageType.Audio:
      case MessageType.Video:
      case MessageType.DataAmf0:
        this.onMedia(msg, now);
        return;
      case MessageType.WindowAckSize:
        if (msg.payload.length >= 4) this.ackWindow = msg.payload.readUInt32BE(0);
        return;
      case MessageType.UserControl:
        if (msg.payload.length >= 6 && msg.payload.readUInt16BE(0) === UserControl.PingRequest) {
          this.sendMessage(pingResponse(msg.payload.readUInt32BE(2)));
        }
        return;
      case MessageType.CommandAmf0:
        this.onCommand(msg.payload);
        return;
      default:
    }
  }

  private onCommand(payload: Buffer): void {
    const cmd = parseCommand(payload);
    if (cmd.name === '_result' || cmd.name === '_error') {
      const p = this.pending.get(cmd.transactionId);
      if (!p) return;
      this.pending.delete(cmd.transactionId);
      if (cmd.name === '_result') p.resolve(cmd.args);
      else p.reject(new Error(`rtmp ${this.url.tcUrl}: _error ${describeInfo(cmd.args[0])}`));
      return;
    }
    if (cmd.name !== 'onStatus' || !this.statusWaiter) return;
    const info = cmd.args[0] as { level?: unknown; code?: unknown } | undefined;
    const code = typeof info?.code === 'string' ? info.code : '';
    if (this.statusWaiter.codes.includes(code)) {
      this.statusWaiter.pending.resolve([]);
      this.statusWaiter = null;
    } else if (info?.level === 'error') {
      this.statusWaiter.pending.reject(new Error(`rtmp ${this.url.tcUrl}/${this.url.stream}: ${code}`));
      this.statusWaiter = null;
    }
  }

  private finish(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    const e = err ?? new Error(`rtmp connection to ${this.url.tcUrl} closed`);
    this.connected?.reject(e);
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    this.statusWaiter?.pending.reject(e);
    this.statusWaiter = null;
    this.onClose(err);
  }
}

function describeInfo(info: unknown): string {
  if (typeof info === 'object' && info !== null && 'code' in info) return String((info as { code: unknown }).code);
  return JSON.stringify(info);
}
