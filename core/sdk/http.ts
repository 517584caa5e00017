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
