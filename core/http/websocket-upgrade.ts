/**
 * WebSocket upgrades through the one Hono app (`@hono/node-server`'s WebSocket support, framing by
 * `ws`): an upgrade request runs the app's middleware and the route's handler like any GET — host
 * check, rate limit, access policy, the handler's own checks — and only a handler that calls
 * `acceptWebSocket` gets a 101. Anything else is answered with the app's whole response
 * (problem+json, with its body) on the socket, which is then closed: never a 101 followed by a close.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { upgradeWebSocket } from '@hono/node-server';
import type { Context } from 'hono';
import { WebSocketServer, type WebSocket } from 'ws';
import { WebSocketHandshakeError, WebSocketVersionError } from '../errors/xlive-error.js';
import type { Logger } from '../logging/logger.js';
import type { ServerWebSocket } from '../sdk/http.js';
import { statusProblem, toProblem } from './problem.js';

/**
 * Largest message a client may send (ws closes with 1009 above it). Server-side WebSockets here send
 * media; what clients send is control at most.
 */
export const WS_MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;
/** How long a closing handshake may take before the socket is dropped. */
export const WS_CLOSE_TIMEOUT_MS = 3000;
/** Keepalive: a ping every interval; a client that answered none of the last one is dropped. */
export const WS_PING_INTERVAL_MS = 30_000;
/** A refusal that cannot be flushed in this time (a client not reading) is dropped. */
const REFUSAL_FLUSH_MS = 2000;
/** Refusal bodies are problem+json of a few hundred bytes; a larger body is cut (never streamed). */
const MAX_REFUSAL_BODY_BYTES = 64 * 1024;

/** Set on the env of an upgrade request whose handler accepted it. */
const ACCEPTED = Symbol('xlive.websocket.accepted');

interface UpgradeEnv {
  incoming?: IncomingMessage;
  outgoing?: unknown;
  [ACCEPTED]?: boolean;
}

type Fetch = (req: Request, env: UpgradeEnv) => Response | Promise<Response>;

/** Whether a request asks for a WebSocket (`Upgrade: websocket`). */
export function wantsWebSocket(upgradeHeader: string | undefined): boolean {
  return upgradeHeader !== undefined && upgradeHeader.split(',').some((t) => t.trim().toLowerCase() === 'websocket');
}

/** A Sec-WebSocket-Key is the base64 of 16 bytes (RFC 6455 section 4.1, item 7). */
const KEY_PATTERN = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

/**
 * The opening handshake's checks (RFC 6455 section 4.2.1) as coded errors, so they answer
 * problem+json; run before the app (no gate is asked about a malformed upgrade) and again on accept.
 */
export function checkHandshake(req: Pick<IncomingMessage, 'method' | 'headers'>): void {
  if (req.method !== 'GET') throw new WebSocketHandshakeError(`a WebSocket upgrade must use GET, got ${String(req.method).slice(0, 16)}`);
  const version = single(req.headers['sec-websocket-version'])?.trim();
  if (version !== '13') {
    throw new WebSocketVersionError(`Sec-WebSocket-Version must be 13, got ${JSON.stringify(version?.slice(0, 16) ?? null)}`, { details: { supportedVersion: '13' } });
  }
  const key = single(req.headers['sec-websocket-key'])?.trim();
  if (key === undefined || !KEY_PATTERN.test(key)) {
    throw new WebSocketHandshakeError(`Sec-WebSocket-Key must be the base64 of 16 bytes, got ${JSON.stringify((key ?? '').slice(0, 64))}`);
  }
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Accept the upgrade a route handler is answering: checks the handshake (WebSocketHandshakeError,
 * WebSocketVersionError otherwise), and returns the Response the handler returns; the 101 follows,
 * then `onOpen` gets the socket. A throwing `onOpen` is logged and the socket closed with 1011.
 */
export async function acceptWebSocket(c: Context, onOpen: (ws: ServerWebSocket) => void, log: Logger): Promise<Response> {
  const env = c.env as UpgradeEnv;
  // Node hands a request to the upgrade path only with `Connection: Upgrade`; without it this is a plain GET.
  if (!env.incoming || env.outgoing !== undefined) {
    throw new WebSocketHandshakeError('a WebSocket upgrade needs `Connection: Upgrade` and `Upgrade: websocket`');
  }
  checkHandshake(env.incoming);
  const onError = (err: unknown) => log.warn(`websocket ${c.req.path}: ${(err as Error)?.message ?? String(err)}`);
  const res = await upgradeWebSocket(
    c,
    {
      onOpen: (_event, ctx) => {
        const ws = ctx.raw as unknown as WebSocket;
        try {
          onOpen(ws);
        } catch (err) {
          onError(err);
          ws.close(1011, 'internal error');
        }
      },
    },
    { onError },
  );
  env[ACCEPTED] = true;
  return res;
}

/** The `ws` server behind every upgrade of one HTTP server, its keepalive, and the refusal path. */
export class WebSocketUpgrades {
  readonly server = new WebSocketServer({
    noServer: true,
    maxPayload: WS_MAX_CLIENT_MESSAGE_BYTES,
    perMessageDeflate: false,
    clientTracking: true,
    closeTimeout: WS_CLOSE_TIMEOUT_MS,
  });
  private readonly alive = new WeakSet<WebSocket>();
  private keepalive: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    private readonly pingIntervalMs = WS_PING_INTERVAL_MS,
  ) {
    this.server.on('connection', (ws: WebSocket) => {
      this.alive.add(ws);
      ws.on('pong', () => this.alive.add(ws));
    });
  }

  /** Ping every client each interval; drop those that did not answer the previous ping. */
  start(): void {
    this.keepalive ??= setInterval(() => {
      for (const ws of this.server.clients) {
        if (!this.alive.has(ws)) {
          this.log.debug('websocket client did not answer a ping: dropped');
          ws.terminate();
          continue;
        }
        this.alive.delete(ws);
        ws.ping();
      }
    }, this.pingIntervalMs);
    this.keepalive.unref();
  }

  /** Stop the keepalive; `terminate` also drops every open WebSocket (shutdown). */
  stop(terminate: boolean): void {
    if (this.keepalive) clearInterval(this.keepalive);
    this.keepalive = undefined;
    if (terminate) for (const ws of this.server.clients) ws.terminate();
  }

  /**
   * The app's fetch for the adaptor: on the upgrade path (an env with `incoming` and no `outgoing`),
   * a response whose handler did not accept the WebSocket is written whole on the socket and the
   * socket closed once flushed, so the adaptor (which would send the status with an empty body)
   * finds it gone. A handler that answered 2xx/3xx without accepting is not a WebSocket endpoint: 404.
   */
  wrapFetch(fetch: Fetch): Fetch {
    return (req, env) => {
      if (!env?.incoming || env.outgoing !== undefined) return fetch(req, env);
      return this.answerUpgrade(fetch, req, env);
    };
  }

  private async answerUpgrade(fetch: Fetch, req: Request, env: UpgradeEnv): Promise<Response> {
    const socket = env.incoming!.socket as Duplex;
    try {
      checkHandshake(env.incoming!);
    } catch (err) {
      const p = toProblem(err, new URL(req.url).pathname);
      const res = new Response(JSON.stringify(p.body), { status: p.status, headers: p.headers });
      await writeRefusal(socket, res.clone());
      return res;
    }
    const res = await fetch(req, env);
    if (env[ACCEPTED]) return res;
    let refusal = res;
    if (res.status < 400) {
      await res.body?.cancel().catch(() => undefined);
      const path = new URL(req.url).pathname;
      const p = statusProblem(404, 'NOT_FOUND', `no WebSocket endpoint at ${path}`, path);
      refusal = new Response(JSON.stringify(p.body), { status: p.status, headers: p.headers });
    }
    await writeRefusal(socket, refusal);
    return res;
  }
}

/** Headers not copied from a refusal: hop-by-hop, framing, and the WebSocket handshake's own. */
const SKIP_HEADERS = new Set(['connection', 'content-length', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'sec-websocket-accept']);

/** Write `res` (status, headers, body) as HTTP/1.1 on a socket that never switched protocols, then close it. */
export async function writeRefusal(socket: Duplex, res: Response): Promise<void> {
  let body = Buffer.from(await res.arrayBuffer().catch(() => new ArrayBuffer(0)));
  if (body.byteLength > MAX_REFUSAL_BODY_BYTES) body = body.subarray(0, MAX_REFUSAL_BODY_BYTES);
  if (socket.destroyed) return;
  const lines = [`HTTP/1.1 ${res.status} ${STATUS_CODES[res.status] ?? ''}`];
  res.headers.forEach((value, key) => {
    if (!SKIP_HEADERS.has(key.toLowerCase())) lines.push(`${key}: ${value.replace(/[\r\n]/g, ' ')}`);
  });
  lines.push(`Content-Length: ${body.byteLength}`, 'Connection: close');
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, REFUSAL_FLUSH_MS);
    timer.unref();
    function done() {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    }
    socket.end(Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), body]), done);
  });
}

/** A refusal for an upgrade that never reached the app (not a WebSocket, over a connection cap). */
export function plainRefusal(status: number, code: string, detail: string, headers: Record<string, string> = {}): Response {
  const p = statusProblem(status, code, detail);
  return new Response(JSON.stringify(p.body), { status: p.status, headers: { ...p.headers, ...headers } });
}
