import type { Context } from 'hono';
import { routePath } from 'hono/route';
import type { MetricsApi } from '../sdk/metrics.js';

/** HTTP requests by route pattern (bounded cardinality: never the raw URL) and status, with latency. */
export class HttpMetrics {
  private readonly requests;
  private readonly duration;

  constructor(metrics: Pick<MetricsApi, 'counter' | 'histogram'>) {
    this.requests = metrics.counter({ name: 'xlive_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'method', 'status'] as const });
    this.duration = metrics.histogram({
      name: 'xlive_http_request_duration_seconds',
      help: 'HTTP request latency (time to response headers for streams)',
      labelNames: ['route', 'method'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    });
  }

  observe(c: Context, seconds: number): void {
    let route = '';
    try {
      route = routePath(c, -1);
    } catch {
      route = '';
    }
    if (!route || route === '*' || route === '/*') route = c.res.status === 404 ? 'unmatched' : 'other';
    const method = c.req.method;
    this.requests.inc({ route, method, status: c.res.status });
    this.duration.observe({ route, method }, seconds);
  }
}
