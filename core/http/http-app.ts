import { randomUUID } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { PayloadTooLargeError } from '../errors/xlive-error.js';
import type { Logger } from '../logging/logger.js';
import { statusProblem, toProblem, type ProblemResponse } from './problem.js';
import type { Principal } from '../sdk/auth.js';
import type { HttpMetrics } from './http-metrics.js';

export type AppEnv = { Bindings: HttpBindings; Variables: { requestId: string; principal: Principal } };
export type XliveApp = Hono<AppEnv>;

export interface HttpAppOptions {
  bodyLimitBytes: number;
  log: Logger;
  metrics?: HttpMetrics;
  /** The methods served at a path (see RouteMatcher): a known path with another method answers 405. */
  allowedMethods?: (path: string) => string[];
  /** Larger body limits for single paths (a backup archive upload), by exact path. */
  largeBodies?: Readonly<Record<string, number>>;
}

export function sendProblem(c: Context, p: ProblemResponse): Response {
  return new Response(JSON.stringify(p.body), { status: p.status, headers: p.headers });
}

/**
 * The one Hono app: request ids, access log (debug), body-size limit, problem+json for every error
 * and for unknown routes. Core and plugin routes are added by their owners before it listens.
 */
export function createHttpApp(opts: HttpAppOptions): XliveApp {
  const app = new Hono<AppEnv>({ strict: false });
  const log = opts.log;
  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    c.set('requestId', id);
    const started = performance.now();
    await next();
    c.res.headers.set('x-request-id', id);
    opts.metrics?.observe(c, (performance.now() - started) / 1000);
    if (log.isLevelEnabled('debug')) {
      log.debug(`${c.req.method} ${c.req.path} ${c.res.status} ${(performance.now() - started).toFixed(1)}ms`, { requestId: id });
    }
  });
  const limitOf = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new PayloadTooLargeError(`request body is larger than ${maxSize} bytes`);
      },
    });
  const standard = limitOf(opts.bodyLimitBytes);
  const large = new Map(Object.entries(opts.largeBodies ?? {}).map(([path, max]) => [path, limitOf(max)]));
  app.use('*', (c, next) => (large.get(c.req.path) ?? standard)(c, next));
  app.onError((err, c) => {
    const requestId = c.get('requestId');
    const p = toProblem(err, c.req.path, requestId);
    // A box that fails closed refuses every request: its cause is logged once at start, not per request.
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
