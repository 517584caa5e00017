/**
 * The server side of the RFC 6455 opening handshake (section 4.2): validate a client's Upgrade
 * request, compute Sec-WebSocket-Accept, and write the raw HTTP answers an upgrade socket needs
 * (101, or a refusal) since no HTTP framework sits on an upgraded socket.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ProtocolError, isXliveError } from 'xlive/sdk';

/** RFC 6455 section 1.3: the GUID appended to the key before hashing. */
export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** The only protocol version this server speaks (RFC 6455 section 4.1, item 9). */
export const WEBSOCKET_VERSION = '13';

/** The request was not a valid WebSocket opening handshake (answered 400). */
export class WebSocketHandshakeError extends ProtocolError {
  override readonly code: string = 'WS_HANDSHAKE_INVALID';
}
/** The client asked for a protocol version other than 13 (answered 426 with the supported version). */
export class WebSocketVersionError extends WebSocketHandshakeError {
  override readonly code = 'WS_VERSION_UNSUPPORTED';
}

/** The slice of an IncomingMessage the handshake looks at. */
export interface UpgradeRequestLike {
  method?: string | undefined;
  httpVersionMajor?: number;
  httpVersionMinor?: number;
  headers: IncomingHttpHeaders;
}

/** RFC 6455 section 4.2.2 item 5.4: base64(SHA-1(key + GUID)). */
export function webSocketAccept(key: string): string {
  return createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
}

/** A Sec-WebSocket-Key is the base64 of 16 bytes: 22 characters and `==` (RFC 6455 section 4.1, item 7). */
const KEY_PATTERN = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

/**
 * Check the opening handshake (RFC 6455 section 4.2.1) and return the client's key.
 * Throws WebSocketHandshakeError (or WebSocketVersionError) naming what is wrong.
 */
export function validateUpgradeRequest(req: UpgradeRequestLike): { key: string } {
  if (req.method !== 'GET') {
    throw new WebSocketHandshakeError(`websocket upgrade must use GET, got ${JSON.stringify(req.method)}`);
  }
  const major = req.httpVersionMajor ?? 1;
  const minor = req.httpVersionMinor ?? 1;
  if (major < 1 || (major === 1 && minor < 1)) {
    throw new WebSocketHandshakeError(`websocket upgrade needs HTTP/1.1 or later, got HTTP/${major}.${minor}`);
  }
  if (!headerHasToken(req.headers.upgrade, 'websocket')) {
    throw new WebSocketHandshakeError(`Upgrade header must name websocket, got ${describe(req.headers.upgrade)}`);
  }
  if (!headerHasToken(req.headers.connection, 'upgrade')) {
    throw new WebSocketHandshakeError(`Connection header must include Upgrade, got ${describe(req.headers.connection)}`);
  }
  const version = single(req.headers['sec-websocket-version']);
  if (version?.trim() !== WEBSOCKET_VERSION) {
    throw new WebSocketVersionError(`Sec-WebSocket-Version must be ${WEBSOCKET_VERSION}, got ${describe(version)}`, {
      details: { supportedVersion: WEBSOCKET_VERSION },
    });
  }
  const key = single(req.headers['sec-websocket-key'])?.trim();
  if (key === undefined || !KEY_PATTERN.test(key)) {
    throw new WebSocketHandshakeError(`Sec-WebSocket-Key must be the base64 of 16 bytes, got ${describe(key)}`);
  }
  return { key };
}

/** The 101 answer that completes the handshake (RFC 6455 section 4.2.2 item 5). */
export function upgradeResponse(key: string): string {
  return (
    'HTTP/1.1 101 Switching Protocols\r\n' +
    'Upgrade: websocket\r\n' +
    'Connection: Upgrade\r\n' +
    `Sec-WebSocket-Accept: ${webSocketAccept(key)}\r\n` +
    '\r\n'
  );
}

/** HTTP status for an error that ends an upgrade before the 101 (the plugin writes raw HTTP here). */
export function refusalStatus(err: unknown): number {
  if (!isXliveError(err)) return 500;
  switch (err.code) {
    case 'WS_VERSION_UNSUPPORTED':
      return 426;
    case 'WS_HANDSHAKE_INVALID':
    case 'VALIDATION_FAILED':
    case 'PARSE_ERROR':
    case 'PROTOCOL_ERROR':
      return 400;
    case 'AUTHENTICATION_FAILED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'STREAM_NOT_FOUND':
    case 'NOT_FOUND':
      return 404;
    case 'RATE_LIMITED':
      return 429;
    case 'LIMIT_EXCEEDED':
    case 'AUTH_UNAVAILABLE':
      return 503;
    default:
      return 500;
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A complete plain-text HTTP/1.1 response refusing an upgrade; the caller then destroys the socket. */
export function refusalResponse(status: number, message: string): string {
  const reason = REASONS[status] ?? 'Error';
  const body = message.replace(/[\r\n]+/g, ' ').slice(0, 500) + '\n';
  let head = `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n`;
  if (status === 426) head += `Sec-WebSocket-Version: ${WEBSOCKET_VERSION}\r\n`;
  return `${head}Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`;
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Comma-separated token list contains `token`, case-insensitively (RFC 9110 section 5.6.1). */
function headerHasToken(v: string | string[] | undefined, token: string): boolean {
  const value = Array.isArray(v) ? v.join(',') : v;
  if (value === undefined) return false;
  return value.split(',').some((t) => t.trim().toLowerCase() === token);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = String(v);
  return JSON.stringify(s.length > 60 ? s.slice(0, 60) + '…' : s);
}
