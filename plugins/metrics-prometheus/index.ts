/**
 * The Prometheus plugin (the seed's MetricsCollector): `GET /metrics` answers the appliance's metrics
 * registry in the text exposition format. Public by default, but a caller without the `metrics:read`
 * scope sees only the public view (no per-stream series, no filesystem paths, no webhook targets; see
 * public-view.ts); a scraper with a `metrics:read` bearer token sees everything. With `protect: true`
 * the route itself needs `metrics:read`.
 */
import { AuthenticationError, ConfigError, definePlugin, ForbiddenError, type AuthApi, type MetricsApi, type RouteHandler } from 'xlive/sdk';
import { publicExposition } from './public-view.js';

export interface MetricsPrometheusConfig {
  protect: boolean;
}

export const METRICS_PATH = '/metrics';
export const DETAIL_SCOPE = 'metrics:read';

export default definePlugin<MetricsPrometheusConfig>({
  setup(ctx) {
    const protect = resolveProtect(ctx.config);
    const remote = (c: Parameters<RouteHandler>[0]) => ctx.http.remote(c);
    const handler = protect ? metricsHandler(ctx.metrics) : metricsHandler(ctx.metrics, { auth: ctx.auth, remote });
    const doc = {
      summary: `Prometheus metrics (text exposition format)${protect ? '' : `; per-stream series, paths and targets only with a ${DETAIL_SCOPE} bearer token`}`,
      tags: ['metrics'],
      responses: { 200: { description: 'Metrics', contentType: 'text/plain; version=0.0.4', schema: { type: 'string' } } },
    };
    ctx.http.route('GET', METRICS_PATH, handler, protect ? { scope: DETAIL_SCOPE, doc } : { public: true, doc });
    ctx.log.debug(`serving ${METRICS_PATH}${protect ? ` to tokens with ${DETAIL_SCOPE}` : ` publicly (details with ${DETAIL_SCOPE})`}`);
  },
});

export interface ViewDeps {
  auth: Pick<AuthApi, 'authenticate'>;
  remote(c: Parameters<RouteHandler>[0]): string;
}

/**
 * Answers the registry as text; no caching, a scrape always sees current values. With `view`, the
 * route is public: the full text needs a bearer token with metrics:read (a wrong token is 401/403, so a
 * misconfigured scraper notices), anyone else gets the public view. A session cookie does not count here.
 */
export function metricsHandler(metrics: Pick<MetricsApi, 'exposition'>, view?: ViewDeps): RouteHandler {
  return async (c) => {
    const full = view ? await mayReadAll(view, c) : true;
    const { contentType, body } = await metrics.exposition();
    return c.body(full ? body : publicExposition(body), 200, { 'content-type': contentType, 'cache-control': 'no-store' });
  };
}

async function mayReadAll(view: ViewDeps, c: Parameters<RouteHandler>[0]): Promise<boolean> {
  const header = c.req.header('authorization');
  const remote = view.remote(c);
  if (!header) {
    // No credentials: the full view only where the box is open (lab mode: every caller has every scope).
    const principal = await view.auth.authenticate({ type: 'anonymous', remote }).catch(() => undefined);
    return principal?.scopes.includes(DETAIL_SCOPE) ?? false;
  }
  const m = /^Bearer\s+(\S{1,4096})$/i.exec(header);
  if (!m) throw new AuthenticationError('the Authorization header must be "Bearer <token>"');
  // A wrong token is 401, a box that cannot decide 503 (AUTH_UNAVAILABLE): a scraper with a token notices.
  const principal = await view.auth.authenticate({ type: 'bearer', token: m[1]!, remote });
  if (principal.scopes.includes(DETAIL_SCOPE)) return true;
  if (principal.kind === 'anonymous') throw new AuthenticationError('this bearer token is not valid on this box');
  throw new ForbiddenError(`the full metrics need the "${DETAIL_SCOPE}" scope, which ${principal.display ?? principal.id} does not have`, { details: { requiredScope: DETAIL_SCOPE } });
}

function resolveProtect(config: Readonly<Partial<MetricsPrometheusConfig>>): boolean {
  const v = config.protect ?? false;
  if (typeof v !== 'boolean') {
    throw new ConfigError(`plugins.metrics-prometheus.protect must be true or false, got ${JSON.stringify(v)}`, {
      details: { key: 'plugins.metrics-prometheus.protect', value: v },
    });
  }
  return v;
}
