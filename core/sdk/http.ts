import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';

export type { Context } from 'hono';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export type RouteHandler = (c: Context) => Response | Promise<Response>;

export interface RouteOptions {
  /** Open to clients without credentials (needs the `http:public` permission in the manifest). */
  public?: boolean;
  /**
   * The scope a caller needs (`streams:read`, `system:admin`, …). Without `public` or `scope`, a route
   * needs an authenticated caller with any scope. Routes under `/api/v1` must state one or the other.
   */
  scope?: string;
  /** Exempt from the per-IP API rate limit (media routes have their own, more generous one). */
  media?: boolean;
  /**
   * Refuse (403 HOST_NOT_ALLOWED) a request whose `Host` or `Origin` is not one of the box's own names
   * or addresses (DNS rebinding). Routes that take a session cookie are always checked; set this on
   * public routes a browser uses to sign in (setup, login, logout).
   */
  sameOrigin?: boolean;
  /**
   * What the route takes and answers, as JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1). The
   * host validates requests against `params`/`query`/`body` before the handler runs (400 problem+json
   * naming the field and the rule) and publishes the same schemas in `GET /api/v1/openapi.json`, so the
   * description cannot drift from what is enforced. Every route under `/api/v1` should have one.
   */
  doc?: RouteDoc;
}

/** A JSON Schema object (draft 2020-12). */
export type JsonSchema = Record<string, unknown>;

/** The OpenAPI description of one route (see `RouteOptions.doc`). */
export interface RouteDoc {
  /** One line: what the route does. */
  summary: string;
  description?: string;
  /** Grouping in the document (`config`, `recordings`, `system`, …); defaults to the owner plugin. */
  tags?: string[];
  /** Unique, camelCase; defaults to one derived from the method and path. */
  operationId?: string;
  /**
   * Path parameters by name (`:name` in the path), each a schema for the value. The string is coerced to
   * the schema's type first (`{ type: 'integer', minimum: 1 }` takes `7`, refuses `0` and `x`).
   */
  params?: Record<string, JsonSchema>;
  /**
   * Query parameters by name, each a schema for the value, coerced as `params` (`type: 'string'` with a
   * `pattern`, `type: 'integer'`, …); `required: true` makes one mandatory. An empty value is absent.
   */
  query?: Record<string, JsonSchema & { required?: boolean }>;
  /** The request body. JSON bodies are validated; other content types are described only. */
  body?: { contentType?: string; schema: JsonSchema; required?: boolean; description?: string };
  /** Responses by status code. Errors are problem+json and need not be listed (the host adds them). */
  responses?: Record<number, { description: string; contentType?: string; schema?: JsonSchema }>;
}

/**
 * A server-side WebSocket after the 101 (the `ws` library's socket). Messages go out in order;
 * `bufferedAmount` is what is not yet handed to the kernel, and a `send` callback runs once that
 * message is (backpressure: stop sending above your budget, resume from a callback).
 */
export interface ServerWebSocket {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  readonly bufferedAmount: number;
  /** One message: binary for bytes, text for a string. */
  send(data: Uint8Array | string, cb?: (err?: Error) => void): void;
  /** Start the closing handshake (RFC 6455 section 7.4 codes: 1000 normal, 1001 going away, 1008 policy, 1011 error). */
  close(code?: number, reason?: string): void;
  /** Drop the connection now, without a closing handshake. */
  terminate(): void;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
}

export interface HttpRegistrar {
  /**
   * Register a route. A path starting with one of the manifest's `httpMounts` (e.g. `/flv`) is
   * served there; any other path is served under `/plugins/<id>`. Hono path syntax (`:name`, `*`).
   * Only during `setup`.
   */
  route(method: HttpMethod, path: string, handler: RouteHandler, options?: RouteOptions): void;
  /**
   * Answer a WebSocket upgrade from a GET route's handler (`isWebSocket(c)`): return what this
   * returns; the 101 follows and `onOpen` gets the socket. The upgrade went through the route's whole
   * policy first (host check, rate limit, access), and anything the handler throws before calling this
   * answers problem+json instead of a 101; so does a bad handshake (400 `WS_HANDSHAKE_INVALID`, 426
   * `WS_VERSION_UNSUPPORTED`). Client messages over 16 KiB close the socket (1009); unanswered pings
   * (every 30 s) drop it.
   */
  websocket(c: Context, onOpen: (ws: ServerWebSocket) => void): Promise<Response>;
  /** Whether the request asks for a WebSocket upgrade (`Upgrade: websocket`). */
  isWebSocket(c: Context): boolean;
  /**
   * The raw Node request/response behind a Hono context, for long-lived streaming responses
   * (HTTP-FLV) that must honour socket backpressure. Return `alreadySent` from the handler after.
   */
  raw(c: Context): { req: IncomingMessage; res: ServerResponse };
  /** The Response to return from a handler that answered through `raw()`. */
  readonly alreadySent: Response;
  /** The remote address of a request (`ip:port`), as the socket sees it. */
  remote(c: Context): string;
}
