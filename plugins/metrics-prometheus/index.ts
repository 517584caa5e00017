/**
 * The Prometheus plugin (the seed's MetricsCollector): `GET /metrics` answers the appliance's whole
 * metrics registry in the text exposition format. Public by default so a fleet's Prometheus can scrape
 * every box; with `protect: true` a scraper needs a token with the `metrics:read` scope.
 */
import { ConfigError, definePlugin, type MetricsApi, type RouteHandler } from 'xlive/sdk';

export interface MetricsPrometheusConfig {
  protect: boolean;
}

export const METRICS_PATH = '/metrics';

export default definePlugin<MetricsPrometheusConfig>({
  setup(ctx) {
    const protect = resolveProtect(ctx.config);
    ctx.http.route('GET', METRICS_PATH, metricsHandler(ctx.metrics), protect ? { scope: 'metrics:read' } : { public: true });
    ctx.log.debug(`serving ${METRICS_PATH}${protect ? ' to tokens with metrics:read' : ' publicly'}`);
  },
});

/** Answers the registry as text; no caching, a scrape always sees current values. */
export function metricsHandler(metrics: Pick<MetricsApi, 'exposition'>): RouteHandler {
  return async (c) => {
    const { contentType, body } = await metrics.exposition();
    return c.body(body, 200, { 'content-type': contentType, 'cache-control': 'no-store' });
  };
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
