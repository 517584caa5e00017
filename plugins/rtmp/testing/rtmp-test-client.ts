import { connect, type Socket } from 'node:net';
import { decodeAmf0 } from 'xlive/media';
import { ChunkReader, type RtmpMessage } from '../codec/chunk-reader.js';
import { encodeChunks, MessageType, type OutgoingMessage } from '../codec/chunk-writer.js';
import { ClientHandshake } from '../codec/handshake.js';
import { command, setChunkSize } from '../codec/messages.js';

/** A small scripted RTMP client for tests: handshake, commands, media, and waiting for replies. */
export class RtmpTestClient {
  readonly received: RtmpMessage[] = [];
  readonly closed: Promise<void>;
  private readonly reader = new ChunkReader({ maxMessageSize: 16 * 1024 * 1024 });
  private chunkSize = 128;
  private tx = 1;
  private waiters = new Set<() => void>();
  private isClosed = false;

  private constructor(readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.once('close', () => {
      this.isClosed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  /** Open a TCP connection and complete the handshake (plain, or digest like Flash/FMLE). */
  static async open(port: number, options: { digest?: boolean; timeoutMs?: number } = {}): Promise<RtmpTestClient> {
    const socket = connect({ host: '127.0.0.1', port });
    const client = new RtmpTestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const hs = new ClientHandshake({ digest: options.digest ?? false });
    socket.write(hs.start());
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('handshake timed out')), options.timeoutMs ?? 3000);
      const onData = (data: Buffer) => {
        const step = hs.push(data);
        if (!step.done) return;
        socket.off('data', onData);
        clearTimeout(timer);
        socket.write(step.reply!);
        socket.on('data', (d: Buffer) => client.onData(d));
        if (step.rest) client.onData(step.rest);
        resolve();
      };
      socket.on('data', onData);
      socket.once('close', () => reject(new Error('closed during handshake')));
    });
    return client;
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  private onData(d: Buffer): void {
    try {
      this.received.push(...this.reader.push(d));
    } catch {
      this.socket.destroy();
    }
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  send(msg: OutgoingMessage): void {
    for (const c of encodeChunks(msg, this.chunkSize)) this.socket.write(c);
  }

  setChunkSize(size: number): void {
    this.send(setChunkSize(size));
    this.chunkSize = size;
  }

  /** Send a command; returns its transaction id. */
  command(name: string, object: unknown, args: unknown[] = [], streamId = 0, tx = this.tx++): number {
    this.send(command(streamId, [name, tx, object, ...args]));
    return tx;
  }

  /** Wait until a received message matches (scanning from `from`); rejects on timeout or close. */
  waitFor(pred: (m: RtmpMessage) => boolean, timeoutMs = 3000, from = 0): Promise<RtmpMessage> {
    return new Promise((resolve, reject) => {
      let i = from;
      const check = () => {
        for (; i < this.received.length; i++) {
          if (pred(this.received[i]!)) {
            done();
            resolve(this.received[i]!);
            return;
          }
        }
        if (this.isClosed) {
          done();
          reject(new Error('connection closed while waiting'));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Decoded AMF0 values of a command or data message. */
  static values(m: RtmpMessage): unknown[] {
    return decodeAmf0(m.payload);
  }

  /** Wait for the `_result`/`_error` of a transaction. */
  async result(tx: number, timeoutMs = 3000): Promise<unknown[]> {
    const m = await this.waitFor((m) => {
      if (m.typeId !== MessageType.CommandAmf0) return false;
      const v = RtmpTestClient.values(m);
      return (v[0] === '_result' || v[0] === '_error') && v[1] === tx;
    }, timeoutMs);
    return RtmpTestClient.values(m);
  }

  /** Wait for an onStatus on a stream; returns its info object. */
  async status(streamId: number, timeoutMs = 3000, from = 0): Promise<Record<string, unknown>> {
    const m = await this.waitFor(
      (m) => m.typeId === MessageType.CommandAmf0 && m.streamId === streamId && RtmpTestClient.values(m)[0] === 'onStatus',
      timeoutMs,
      from,
    );
    return RtmpTestClient.values(m)[3] as Record<string, unknown>;
  }

  async connectApp(app: string, extra: Record<string, unknown> = {}): Promise<unknown[]> {
    return this.result(this.command('connect', { app, tcUrl: `rtmp://127.0.0.1/${app}`, flashVer: 'FMLE/3.0', ...extra }));
  }

  async createStream(): Promise<number> {
    const r = await this.result(this.command('createStream', null));
    return r[3] as number;
  }

  /** publish → the onStatus info (Publish.Start or the refusal). */
  async publish(streamId: number, name: string): Promise<Record<string, unknown>> {
    const from = this.received.length;
    this.command('publish', null, [name, 'live'], streamId, 0);
    return this.status(streamId, 3000, from);
  }

  async play(streamId: number, name: string): Promise<Record<string, unknown>> {
    const from = this.received.length;
    this.command('play', null, [name, -2], streamId, 0);
    return this.status(streamId, 3000, from);
  }

  close(): void {
    this.socket.destroy();
  }
}
