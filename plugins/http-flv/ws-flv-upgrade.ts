/**
 * WebSocket-FLV: an Upgrade on `/flv/<app>/<stream>.flv` runs the same admission as HTTP-FLV, then
 * completes the RFC 6455 handshake and streams FLV as binary messages. Refusals are written as plain
 * HTTP responses on the socket (no framework sits on an upgrade), which is then destroyed.
 */
import type { Socket } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ValidationError, describeError, type Logger, type UpgradeHandler } from 'xlive/sdk';
import { FLV_MOUNT, type FlvService } from './flv-service.js';
import { refusalResponse, refusalStatus, upgradeResponse, validateUpgradeRequest } from './ws/websocket-handshake.js';
import { WebSocketConnection } from './ws/websocket-connection.js';
import { WsCloseCode } from './ws/websocket-frames.js';
import { WsFlvTransport } from './ws-flv-transport.js';

export interface WsFlvUpgradeOptions {
  service: FlvService;
  log: Logger;
  /** Close-handshake and refusal flush timeout. */
  closeTimeoutMs?: number;
}

const DEFAULT_REFUSAL_TIMEOUT_MS = 2000;

export function wsFlvUpgradeHandler(options: WsFlvUpgradeOptions): UpgradeHandler {
  return (req, socket, head) => {
    const url = parseUrl(req.url);
    if (!url || !url.pathname.startsWith(FLV_MOUNT + '/')) return false;
    const onEarlyError = (err: Error) => options.log.debug(`websocket upgrade socket error: ${err.message}`);
    socket.on('error', onEarlyError);
    accept(options, req, socket, head, url, onEarlyError).catch((err: unknown) => {
      options.log.warn(`ws-flv upgrade failed: ${describeError(err)}`);
      socket.destroy();
    });
    return true;
  };
}

async function accept(
  options: WsFlvUpgradeOptions,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  url: URL,
  onEarlyError: (err: Error) => void,
): Promise<void> {
  const { service, log } = options;
  const remote = remoteOf(socket);
  let key: string;
  let path: string;
  try {
    key = validateUpgradeRequest(req).key;
    path = await service.admit({ protocol: 'ws-flv', pathname: decodePath(url.pathname), query: queryOf(url), remote });
  } catch (err) {
    refuse(options, socket, err, remote);
    return;
  }
  if (socket.destroyed) return; // the client left while we checked
  socket.write(upgradeResponse(key));
  const conn = new WebSocketConnection(socket, {
    log,
    ...(options.closeTimeoutMs === undefined ? {} : { closeTimeoutMs: options.closeTimeoutMs }),
  });
  socket.off('error', onEarlyError); // the connection handles socket errors from here on
  conn.receiveHead(head);
  try {
    service.open(path, 'ws-flv', new WsFlvTransport(conn), remote);
  } catch (err) {
    // The stream left between admission and subscribe: the handshake is done, so close as WebSocket.
    log.debug(`ws-flv viewer ${remote} could not start: ${describeError(err)}`);
    conn.close(WsCloseCode.goingAway, 'stream not available');
  }
}

function refuse(options: WsFlvUpgradeOptions, socket: Duplex, err: unknown, remote: string): void {
  const status = refusalStatus(err);
  if (status >= 500 && status !== 503) options.log.warn(`ws-flv upgrade from ${remote} failed: ${describeError(err)}`);
  else options.log.debug(`ws-flv upgrade from ${remote} refused (${status}): ${describeError(err)}`);
  if (socket.destroyed) return;
  const message = status === 500 ? 'internal error' : err instanceof Error ? err.message : String(err);
  const timer = setTimeout(() => socket.destroy(), options.closeTimeoutMs ?? DEFAULT_REFUSAL_TIMEOUT_MS);
  timer.unref();
  socket.end(refusalResponse(status, message), () => {
    clearTimeout(timer);
    socket.destroy();
  });
}

function parseUrl(raw: string | undefined): URL | undefined {
  try {
    return new URL(raw ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    throw new ValidationError(`request path ${JSON.stringify(pathname.slice(0, 200))} is not valid percent-encoding`);
  }
}

function queryOf(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  return query;
}

function remoteOf(socket: Duplex): string {
  const s = socket as Partial<Socket>;
  return s.remoteAddress === undefined ? 'unknown' : `${s.remoteAddress}:${s.remotePort ?? 0}`;
}
