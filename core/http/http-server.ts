import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { listenOn } from '../sdk/net.js';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createAdaptorServer } from '@hono/node-server';
import { ConnectionLimitError } from '../errors/xlive-error.js';
import type { Logger } from '../logging/logger.js';
import { clientKey } from '../net/client-key.js';
import type { Admission, ConnectionGuard } from '../net/connection-guard.js';
import { toProblem } from './problem.js';
import type { XliveApp } from './http-app.js';
import type { RouteTable } from './route-table.js';
import { plainRefusal, wantsWebSocket, WebSocketUpgrades, writeRefusal } from './websocket-upgrade.js';

export interface HttpServerOptions {
  host: string;
  port: number;
  requestTimeoutMs: number;
  /** Connection admission: per-address and total caps, idle sockets evicted oldest first. */
  guard?: ConnectionGuard;
  /** Paths whose requests may use the guard's reserved slots (health, sign-in). */
  priorityPaths?: readonly string[];
  /** WebSocket keepalive ping interval (30 s by default). */
  wsPingIntervalMs?: number;
}

/** A socket's admission and how many of its requests are in flight (pipelining). */
interface SocketSlot {
  admission: Admission;
  inflight: number;
}

/**
 * The listening side of the HTTP app: timeouts, WebSocket upgrades (through the app, see
 * WebSocketUpgrades), prompt close, and
 * connection admission — a socket is idle until a request arrives, established while one is in
 * flight (a streaming response stays established), idle again on keep-alive.
 */
export class HttpServer {
  private server: Server | undefined;
  private readonly slots = new WeakMap<Socket | Duplex, SocketSlot>();
  private readonly websockets: WebSocketUpgrades;

  constructor(
    private readonly app: XliveApp,
    _routes: RouteTable,
    private readonly options: HttpServerOptions,
    private readonly log: Logger,
  ) {
    this.websockets = new WebSocketUpgrades(log, options.wsPingIntervalMs);
  }

  get port(): number | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? (a as AddressInfo).port : undefined;
  }

  async start(): Promise<void> {
    const guarded = (opts: ServerOptions, listener: RequestListener) =>
      createServer(opts, this.options.guard ? (req, res) => this.admitRequest(req, res, listener) : listener);
    const server = createAdaptorServer({
      fetch: this.websockets.wrapFetch(this.app.fetch as never) as typeof this.app.fetch,
      createServer: guarded as typeof createServer,
      websocket: { server: this.websockets.server as never },
    }) as Server;
    // The adaptor's upgrade listener runs WebSocket upgrades through the app; ours sits in front of it
    // (connection admission, other protocols) and stays the only listener, so the adaptor answers the
    // upgrades it cannot parse itself.
    const [adaptorUpgrade] = server.listeners('upgrade') as Array<(req: IncomingMessage, socket: Duplex, head: Buffer) => void>;
    server.removeAllListeners('upgrade');
    if (this.options.guard) server.prependListener('connection', (socket: Socket) => this.admitSocket(this.options.guard!, socket));
    // Long-lived responses (HTTP-FLV) must not be cut: requestTimeout covers receiving the request only.
    server.requestTimeout = this.options.requestTimeoutMs;
    server.headersTimeout = Math.min(this.options.requestTimeoutMs, 20_000);
    server.keepAliveTimeout = 5_000;
    server.maxHeadersCount = 100;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head, adaptorUpgrade!));
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    await listenOn(server, this.options.host, this.options.port);
    this.server = server;
    this.websockets.start();
    this.log.info(`listening on http://${this.options.host}:${this.port}`);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.websockets.stop(false);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      // Streaming viewers never go idle: end them so shutdown is prompt (upgraded sockets included).
      setTimeout(() => {
        server.closeAllConnections();
        this.websockets.stop(true);
      }, 200).unref();
    });
  }

  /** Every accepted socket starts idle; older idle sockets beyond the caps are closed. */
  private admitSocket(guard: ConnectionGuard, socket: Socket): void {
    const admission = guard.admit(clientKey(socket.remoteAddress), () => socket.destroy());
    this.slots.set(socket, { admission, inflight: 0 });
    socket.once('close', () => admission.release());
  }

  /** A request makes its socket established for as long as it runs; refused past the caps. */
  private admitRequest(req: IncomingMessage, res: ServerResponse, next: RequestListener): void {
    const slot = this.slots.get(req.socket);
    if (!slot) return void next(req, res);
    if (slot.inflight++ === 0) {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const priority = this.options.priorityPaths?.includes(path) ?? false;
      const result = slot.admission.establish({ priority });
      if (!result.ok) {
        slot.inflight--;
        const p = toProblem(new ConnectionLimitError(result.reason), path);
        res.writeHead(p.status, { ...p.headers, 'retry-after': '5', connection: 'close' });
        res.end(JSON.stringify(p.body));
        return;
      }
    }
    res.once('close', () => {
      if (--slot.inflight === 0) slot.admission.idle();
    });
    next(req, res);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, adaptorUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void): void {
    socket.on('error', () => socket.destroy());
    const slot = this.slots.get(socket);
    if (slot) {
      const result = slot.admission.establish();
      if (!result.ok) {
        const p = toProblem(new ConnectionLimitError(result.reason));
        void writeRefusal(socket, new Response(JSON.stringify(p.body), { status: p.status, headers: { ...p.headers, 'retry-after': '5' } }));
        return;
      }
    }
    if (!wantsWebSocket(req.headers.upgrade)) {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      void writeRefusal(socket, plainRefusal(400, 'WS_HANDSHAKE_INVALID', `only WebSocket upgrades are served (${path} asked for ${JSON.stringify(String(req.headers.upgrade ?? '').slice(0, 40))})`));
      return;
    }
    adaptorUpgrade(req, socket, head);
  }
}
