import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createAdaptorServer } from '@hono/node-server';
import type { Logger } from '../logging/logger.js';
import type { XliveApp } from './http-app.js';
import type { RouteTable } from './route-table.js';

export interface HttpServerOptions {
  host: string;
  port: number;
  requestTimeoutMs: number;
}

/** The listening side of the HTTP app: timeouts, WebSocket upgrade dispatch, prompt close. */
export class HttpServer {
  private server: Server | undefined;

  constructor(
    private readonly app: XliveApp,
    private readonly routes: RouteTable,
    private readonly options: HttpServerOptions,
    private readonly log: Logger,
  ) {}

  get port(): number | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? (a as AddressInfo).port : undefined;
  }

  async start(): Promise<void> {
    const server = createAdaptorServer({ fetch: this.app.fetch }) as Server;
    // Long-lived responses (HTTP-FLV) must not be cut: requestTimeout covers receiving the request only.
    server.requestTimeout = this.options.requestTimeoutMs;
    server.headersTimeout = Math.min(this.options.requestTimeoutMs, 20_000);
    server.keepAliveTimeout = 5_000;
    server.maxHeadersCount = 100;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.log.info(`listening on http://${this.options.host}:${this.port}`);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      // Streaming viewers never go idle: end them so shutdown is prompt.
      setTimeout(() => server.closeAllConnections(), 200).unref();
    });
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const target = this.routes.findUpgrade(path);
    let handled = false;
    try {
      handled = target ? target.handler(req, socket, head) : false;
    } catch (err) {
      this.log.warn(`upgrade ${path} failed: ${(err as Error).message}`);
    }
    if (!handled && !socket.destroyed) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: application/problem+json\r\nConnection: close\r\n\r\n' +
        JSON.stringify({ type: 'urn:xlive:problem:not-found', title: 'Not Found', status: 404, code: 'NOT_FOUND', detail: `no upgrade handler for ${path}` }));
    }
  }
}
