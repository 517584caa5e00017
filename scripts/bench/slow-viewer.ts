import { connect as netConnect, type Socket } from 'node:net';
import { withTimeout } from './clip-publisher.js';
import { RtmpClient } from './rtmp-client.js';

/**
 * A viewer that connects and then stops reading (the TCP window closes, the server must hold or
 * drop what it cannot send). After the stall, `probe()` resumes reading and reports whether the
 * server had dropped it: the stream ends once the buffered bytes are drained, instead of flowing.
 */
export interface SlowViewer {
  start(timeoutMs: number): Promise<void>;
  /** Resume reading for up to `ms`; true if the server had closed the connection. */
  probe(ms: number): Promise<boolean>;
  stop(): void;
}

function drainUntilClosed(socket: Socket, closedAlready: () => boolean, ms: number): Promise<boolean> {
  if (closedAlready()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (dropped: boolean) => {
      clearTimeout(timer);
      resolve(dropped);
    };
    const timer = setTimeout(() => done(false), ms);
    socket.once('close', () => done(true));
    socket.once('end', () => done(true));
    socket.on('data', () => {});
    socket.resume();
  });
}

/** HTTP-FLV over a raw socket: it never reads, not even the response head, until probed. */
export class SlowHttpFlvViewer implements SlowViewer {
  private socket: Socket | undefined;
  private closed = false;

  constructor(private readonly url: string) {}

  start(timeoutMs: number): Promise<void> {
    const u = new URL(this.url);
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host: u.hostname, port: Number(u.port || 80) });
      this.socket = socket;
      const timer = setTimeout(() => socket.destroy(new Error(`connect timed out after ${timeoutMs} ms`)), timeoutMs);
      socket.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.on('close', () => {
        this.closed = true;
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.write(`GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUser-Agent: xlive-bench\r\nAccept: */*\r\n\r\n`);
        socket.pause();
        resolve();
      });
    });
  }

  probe(ms: number): Promise<boolean> {
    return this.socket ? drainUntilClosed(this.socket, () => this.closed, ms) : Promise.resolve(true);
  }

  stop(): void {
    this.socket?.destroy();
  }
}

/** RTMP: handshake, connect, createStream, play, then stop reading. */
export class SlowRtmpViewer implements SlowViewer {
  private client: RtmpClient | undefined;

  constructor(private readonly url: string) {}

  async start(timeoutMs: number): Promise<void> {
    const client = await RtmpClient.open(this.url, timeoutMs);
    this.client = client;
    const streamId = await withTimeout(client.createStream(), timeoutMs, 'createStream');
    await withTimeout(client.play(streamId), timeoutMs, 'play');
    client.pause();
  }

  async probe(ms: number): Promise<boolean> {
    const c = this.client;
    if (!c || c.isClosed) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      c.onClose = () => {
        clearTimeout(timer);
        resolve(true);
      };
      c.resume();
    });
  }

  stop(): void {
    this.client?.close();
  }
}
