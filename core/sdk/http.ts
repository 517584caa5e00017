import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
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

/** Handles an HTTP Upgrade (WebSocket). Return false to decline (the host answers 404). */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

export interface HttpRegistrar {
  /**
   * Register a route. A path starting with one of the manifest's `httpMounts` (e.g. `/flv`) is
   * served there; any other path is served under `/plugins/<id>`. Hono path syntax (`:name`, `*`).
   * Only during `setup`.
   */
  route(method: HttpMethod, path: string, handler: RouteHandler, options?: RouteOptions): void;
  /** Take WebSocket upgrades whose path starts with `pathPrefix` (one of the plugin's mounts). */
  upgrade(pathPrefix: string, handler: UpgradeHandler, options?: RouteOptions): void;
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
