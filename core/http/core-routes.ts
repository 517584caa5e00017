import { NotFoundError } from '../errors/xlive-error.js';
import type { HealthRegistry } from '../health/health-registry.js';
import type { StreamApi } from '../sdk/streams.js';
import type { XliveApp } from './http-app.js';
import { sendProblem } from './http-app.js';
import { statusProblem } from './problem.js';

export interface CoreRouteDeps {
  health: Pick<HealthRegistry, 'run'>;
  streams: Pick<StreamApi, 'list' | 'get'> & { kick(path: string): boolean };
  plugins: { list(): unknown[]; get(id: string): unknown };
  version: { name: string; version: string; apiVersion: string };
}

/** The core's own routes: liveness, readiness, version, plugins, streams. */
export function registerCoreRoutes(app: XliveApp, deps: CoreRouteDeps): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    const report = await deps.health.run();
    if (report.status !== 'fail') return c.json(report);
    const failing = report.checks.filter((x) => x.status === 'fail');
    const p = statusProblem(503, 'NOT_READY', `failing checks: ${failing.map((x) => `${x.name} (${x.message ?? 'fail'})`).join(', ')}`, c.req.path, c.get('requestId'));
    return sendProblem(c, { ...p, body: { ...p.body, checks: report.checks } });
  });

  app.get('/api/v1/version', (c) =>
    c.json({ name: deps.version.name, version: deps.version.version, pluginApiVersion: deps.version.apiVersion, node: process.versions.node }),
  );

  app.get('/api/v1/plugins', (c) => c.json({ items: deps.plugins.list() }));
  app.get('/api/v1/plugins/:id', (c) => {
    const p = deps.plugins.get(c.req.param('id'));
    if (!p) throw new NotFoundError(`no plugin with id "${c.req.param('id')}"`);
    return c.json(p);
  });

  app.get('/api/v1/streams', (c) => c.json({ items: deps.streams.list() }));
  app.get('/api/v1/streams/:app/:name', (c) => {
    const path = `${c.req.param('app')}/${c.req.param('name')}`;
    const s = deps.streams.get(path);
    if (!s) throw new NotFoundError(`stream ${path} is not being published`);
    return c.json(s);
  });
  app.delete('/api/v1/streams/:app/:name', (c) => {
    const path = `${c.req.param('app')}/${c.req.param('name')}`;
    if (!deps.streams.kick(path)) throw new NotFoundError(`stream ${path} is not being published`);
    return c.body(null, 204);
  });
}
