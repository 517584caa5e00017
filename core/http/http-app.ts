import { randomUUID } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { TrieRouter } from 'hono/router/trie-router';
import { PayloadTooLargeError } from '../errors/xlive-error.js';
import type { Logger } from '../logging/logger.js';
import { statusProblem, toProblem, type ProblemResponse } from './problem.js';
import type { Principal } from '../sdk/auth.js';
import type { HttpMetrics } from './http-metrics.js';
import { BodyLimits } from './body-limits.js';
import { XliveError } from '../errors/xlive-error.js';
import { foreignSdkErrorHint } from '../plugins/plugin-load-checks.js';

export type AppEnv = { Bindings: HttpBindings; Variables: { requestId: string; principal: Principal } };
export type XliveApp = Hono<AppEnv>;

export interface HttpAppOptions {
  /** The default body cap (when `bodyLimits` is not given). */
  bodyLimitBytes?: number;
  /** The default cap and the larger ones of upload routes. */
  bodyLimits?: BodyLimits;
  log: Logger;
  metrics?: HttpMetrics;
  /** The methods served at a path (see RouteMatcher): a known path with another method answers 405. */
  allowedMethods?: (path: string) => string[];
  /**
   * Routes may be added after it served requests (the app behind SecuredRouter.acceptLateRoutes, for
   * plugins started at run time): a TrieRouter, which takes routes at any time, instead of the default
   * SmartRouter, which refuses them once it has matched.
   */
  lateRoutes?: boolean;
}

/** The request's body is not (wholly) read: refused before it, or part-way through (a too-large upload). */
function bodyLeftUnread(c: Context<AppEnv>): boolean {
  const incoming = c.env?.incoming;
  if (incoming) return !incoming.complete;
  const len = c.req.header('content-length');
  return !c.req.raw.bodyUsed && ((len !== undefined && len !== '0') || c.req.header('transfer-encoding') !== undefined);
}

export function sendProblem(c: Context, p: ProblemResponse): Response {
  return new Response(JSON.stringify(p.body), { status: p.status, headers: p.headers });
}

/**
 * The one Hono app: request ids, access log (debug), body-size limit, problem+json for every error
 * and for unknown routes. Core and plugin routes are added by their owners before it listens.
 */
export function createHttpApp(opts: HttpAppOptions): XliveApp {
  const app = new Hono<AppEnv>({ strict: false, ...(opts.lateRoutes ? { router: new TrieRouter() } : {}) });
  const log = opts.log;
  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    c.set('requestId', id);
    const started = performance.now();
    await next();
    c.res.headers.set('x-request-id', id);
    // Refused before its body was read (401, 403, 413, …): the rest of the body is still on the wire, so
    // this connection cannot carry another request reliably — tell the client instead of letting it
    // reuse the socket and fail its next request ("other side closed").
    if (c.res.status >= 400 && bodyLeftUnread(c)) c.res.headers.set('connection', 'close');
    opts.metrics?.observe(c, (performance.now() - started) / 1000);
    if (log.isLevelEnabled('debug')) {
      log.debug(`${c.req.method} ${c.req.path} ${c.res.status} ${(performance.now() - started).toFixed(1)}ms`, { requestId: id });
    }
  });
  const limits = opts.bodyLimits ?? new BodyLimits(opts.bodyLimitBytes ?? 1024 * 1024);
  const limiters = new Map<number, MiddlewareHandler>();
  const limiter = (maxSize: number) => {
    let m = limiters.get(maxSize);
    if (!m) {
      m = bodyLimit({
        maxSize,
        onError: () => {
          throw new PayloadTooLargeError(`request body is larger than ${maxSize} bytes`);
        },
      });
      limiters.set(maxSize, m);
    }
    return m;
  };
  app.use('*', (c, next) => limiter(limits.limitFor(c.req.method, c.req.path))(c, next));
  app.onError((err, c) => {
    const requestId = c.get('requestId');
    const p = toProblem(err, c.req.path, requestId);
    // A box that fails closed refuses every request: its cause is logged once at start, not per request.
    // An error from a second copy of the SDK fails instanceof and answers 500: say why.
    const foreign = foreignSdkErrorHint(err, XliveError);
    if (foreign) log.error(`${c.req.method} ${c.req.path}: ${foreign}`, { requestId });
    if (p.status >= 500 && p.body.code !== 'AUTH_UNAVAILABLE') log.error(`${c.req.method} ${c.req.path} failed: ${(err as Error).stack ?? String(err)}`, { requestId });
    else log.debug(`${c.req.method} ${c.req.path} -> ${p.status} ${p.body.code}`, { requestId });
    return sendProblem(c, p);
  });
  app.notFound((c) => {
    const allow = opts.allowedMethods?.(c.req.path) ?? [];
    if (allow.length > 0 && !allow.includes(c.req.method)) {
      const p = statusProblem(405, 'METHOD_NOT_ALLOWED', `${c.req.method} is not served at ${c.req.path}; allowed: ${allow.join(', ')}`, c.req.path, c.get('requestId'));
      return sendProblem(c, { ...p, headers: { ...p.headers, allow: allow.join(', ') }, body: { ...p.body, allow } });
    }
    return sendProblem(c, statusProblem(404, 'NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`, c.req.path, c.get('requestId')));
  });
  return app;
}
