import type { Socket } from 'node:net';
import type { GatesApi, ConnectionAdmission, Logger, StreamApi } from 'xlive/sdk';
import type { HandshakeOptions } from './codec/handshake.js';
import { RtmpConn, type RtmpConnInfo, type RtmpConnLimits } from './rtmp-conn.js';
import { RtmpListener, type RtmpListenerFactory, type RtmpListenerPort } from './rtmp-listener.js';

export interface RtmpServerConfig extends RtmpConnLimits {
  host: string;
  port: number;
  maxConnections: number;
  /** Streams this server may be publishing at once. */
  maxStreams: number;
}

export const DEFAULT_RTMP_CONFIG: RtmpServerConfig = {
  host: '0.0.0.0',
  port: 1935,
  chunkSize: 4096,
  maxConnections: 1000,
  maxStreams: 64,
  maxMessageSize: 8 * 1024 * 1024,
  handshakeTimeoutMs: 10_000,
  idleTimeoutMs: 30_000,
  ackWindow: 5_000_000,
};

export interface RtmpServerDeps {
  streams: Pick<StreamApi, 'publish' | 'subscribe' | 'get' | 'parsePath'>;
  /** The publish/play gate chain (`ctx.gates`). */
  gates: Pick<GatesApi, 'decide'>;
  log: Logger;
  now?: () => number;
  handshake?: HandshakeOptions;
  /** Metrics hook. */
  onConnection?: () => void;
  /**
   * Makes the listener. The plugin passes one on `ctx.net` (the host's per-address and total caps,
   * idle sockets evicted oldest first; then `maxConnections` is the host guard's to enforce). Default:
   * a plain listener, with `maxConnections` refused here.
   */
  listen?: RtmpListenerFactory;
}

/** Owns the RTMP connections: accepts through its listener, enforces limits, lists and kicks. */
export class RtmpServer {
  private readonly conns = new Map<string, RtmpConn>();
  private readonly listener: RtmpListenerPort;
  /** Whether the listener has admission control (then it, not this server, enforces the caps). */
  private readonly guarded: boolean;
  private readonly config: RtmpServerConfig;
  private readonly now: () => number;
  private seq = 0;
  /** Bytes of connections that have closed (open ones are summed when read). */
  private readonly closedBytes = { in: 0, out: 0 };
  private address: { host: string; port: number } | null = null;

  constructor(
    config: Partial<RtmpServerConfig>,
    private readonly deps: RtmpServerDeps,
  ) {
    this.config = { ...DEFAULT_RTMP_CONFIG, ...config };
    this.now = deps.now ?? Date.now;
    const onSocket = (socket: Socket, admission: ConnectionAdmission) => this.accept(socket, admission);
    this.guarded = deps.listen !== undefined;
    this.listener = deps.listen ? deps.listen(onSocket) : new RtmpListener(onSocket);
  }

  async start(): Promise<{ host: string; port: number }> {
    this.address = await this.listener.listen(this.config.host, this.config.port);
    this.deps.log.info(`listening on ${this.address.host}:${this.address.port}`);
    return this.address;
  }

  get listening(): boolean {
    return this.listener.listening;
  }

  /** Stop accepting, then close every connection (publishers are unpublished). */
  async stop(): Promise<void> {
    const closing = this.listener.close();
    for (const conn of [...this.conns.values()]) conn.destroy('server stopping');
    await closing;
    this.address = null;
  }

  list(): RtmpConnInfo[] {
    return [...this.conns.values()].map((c) => c.info());
  }

  /** Disconnect one connection by id; false if there is none. */
  kick(id: string): boolean {
    const conn = this.conns.get(id);
    if (!conn) return false;
    conn.destroy('kicked');
    return true;
  }

  /** Bytes received and sent on the wire since start (for `xlive_bytes_total`, read at scrape time). */
  byteTotals(): { in: number; out: number } {
    let bytesIn = this.closedBytes.in;
    let bytesOut = this.closedBytes.out;
    for (const c of this.conns.values()) {
      bytesIn += c.bytesReceived;
      bytesOut += c.bytesSent;
    }
    return { in: bytesIn, out: bytesOut };
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  private publishingCount(): number {
    let n = 0;
    for (const c of this.conns.values()) if (c.info().role === 'publisher') n++;
    return n;
  }

  private accept(socket: Socket, admission: ConnectionAdmission): void {
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    if (!this.guarded && this.conns.size >= this.config.maxConnections) {
      this.deps.log.warn(`[conn ${remote}] refused: ${this.config.maxConnections} connections already open`);
      socket.destroy();
      return;
    }
    this.deps.onConnection?.();
    const id = String(++this.seq);
    const conn = new RtmpConn(id, socket, {
      streams: this.deps.streams,
      gates: this.deps.gates,
      log: this.deps.log,
      limits: this.config,
      mayPublish: () => this.publishingCount() < this.config.maxStreams,
      now: this.now,
      handshake: this.deps.handshake,
      admission,
    });
    this.conns.set(id, conn);
    conn.start((c) => {
      if (!this.conns.delete(c.id)) return;
      this.closedBytes.in += c.bytesReceived;
      this.closedBytes.out += c.bytesSent;
    });
  }
}
