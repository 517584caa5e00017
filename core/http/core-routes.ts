import { NotFoundError, ValidationError } from '../errors/xlive-error.js';
import type { HealthRegistry } from '../health/health-registry.js';
import { publicHealthReport, READYZ_DETAIL_SCOPE } from '../health/public-report.js';
import type { EventFilter, BoxEvent } from '../sdk/events.js';
import type { StreamApi } from '../sdk/streams.js';
import { clientIp } from './client-ip.js';
import { CORE_ROUTE_DOCS } from './core-route-docs.js';
import { sendProblem } from './http-app.js';
import { statusProblem } from './problem.js';
import type { SecuredRouter } from './secured-router.js';

export interface CoreRouteDeps {
  health: Pick<HealthRegistry, 'run'>;
  /**
   * Enable/disable a plugin (takes effect at the next start); returns false for an unknown id. May
   * throw a coded error (PLUGIN_CONSENT_REQUIRED when `permissions` does not confirm exactly what a
   * third-party plugin declares, or a refusal of its own).
   */
  setPluginEnabled(id: string, enabled: boolean, who: { actor: string; ip: string }, permissions?: unknown): boolean;
  trustProxy: boolean;
  streams: Pick<StreamApi, 'list' | 'get'> & { kick(path: string): boolean };
  plugins: { list(): unknown[]; get(id: string): unknown };
  events: { list(filter?: EventFilter): BoxEvent[] };
  version: { name: string; version: string; apiVersion: string };
  /** The box's access mode for the version endpoint (the panel's banner): lab mode, and enforced/lab-open/closed. */
  access?(): { labMode: boolean; auth: string };
}

const PLUGIN_PATCH_BODY =
  'send a JSON body { "enabled": true|false }; enabling a third-party plugin also needs "permissions": [exactly the permissions it declares]';

/** The core's own routes: liveness, readiness, version, plugins, streams, events — each with its policy. */
export function registerCoreRoutes(r: SecuredRouter, deps: CoreRouteDeps): void {
  const pub = { public: true };
  r.add('core', 'GET', '/healthz', { ...pub, doc: CORE_ROUTE_DOCS.healthz }, (c) => c.json({ status: 'ok' }));

  // Public, for probes; check messages (paths, stream names, error text) only with system:read.
  r.add('core', 'GET', '/readyz', { ...pub, doc: CORE_ROUTE_DOCS.readyz }, async (c) => {
    const full = (await r.callerOf(c))?.scopes.includes(READYZ_DETAIL_SCOPE) ?? false;
    const report = full ? await deps.health.run() : publicHealthReport(await deps.health.run());
    if (report.status !== 'fail') return c.json(report);
    const failing = report.checks.filter((x) => x.status === 'fail');
    const named = failing.map((x) => (full ? `${x.name} (${x.message ?? 'fail'})` : x.publicMessage ? `${x.name} (${x.publicMessage})` : x.name));
    const more = full ? '' : `; details need the ${READYZ_DETAIL_SCOPE} scope`;
    const p = statusProblem(503, 'NOT_READY', `failing checks: ${named.join(', ')}${more}`, c.req.path, c.get('requestId'));
    return sendProblem(c, { ...p, body: { ...p.body, checks: report.checks } });
  });

  r.add('core', 'GET', '/api/v1/version', { ...pub, doc: CORE_ROUTE_DOCS.version }, (c) =>
    c.json({ name: deps.version.name, version: deps.version.version, pluginApiVersion: deps.version.apiVersion, node: process.versions.node, ...deps.access?.() }),
  );

  r.add('core', 'GET', '/api/v1/plugins', { scope: 'system:read', doc: CORE_ROUTE_DOCS.listPlugins }, (c) => c.json({ items: deps.plugins.list() }));
  r.add('core', 'GET', '/api/v1/plugins/:id', { scope: 'system:read', doc: CORE_ROUTE_DOCS.getPlugin }, (c) => {
    const p = deps.plugins.get(c.req.param('id') ?? '');
    if (!p) throw new NotFoundError(`no plugin with id "${c.req.param('id')}"`);
    return c.json(p);
  });

  r.add('core', 'PATCH', '/api/v1/plugins/:id', { scope: 'plugins:admin', doc: CORE_ROUTE_DOCS.patchPlugin }, async (c) => {
    const id = c.req.param('id') ?? '';
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new ValidationError(PLUGIN_PATCH_BODY);
    }
    const enabled = (body as { enabled?: unknown } | null)?.enabled;
    if (typeof enabled !== 'boolean') throw new ValidationError(PLUGIN_PATCH_BODY);
    const permissions = (body as { permissions?: unknown }).permissions;
    const principal = c.get('principal');
    const who = { actor: principal ? `${principal.kind}:${principal.display ?? principal.id}` : 'unknown', ip: clientIp(c, deps.trustProxy) };
    if (!deps.setPluginEnabled(id, enabled, who, permissions)) throw new NotFoundError(`no plugin with id "${id}"`);
    return c.json({ ...(deps.plugins.get(id) as object), enabled, restartRequired: true });
  });

  r.add('core', 'GET', '/api/v1/streams', { scope: 'streams:read', doc: CORE_ROUTE_DOCS.listStreams }, (c) => c.json({ items: deps.streams.list() }));
  r.add('core', 'GET', '/api/v1/streams/:app/:name', { scope: 'streams:read', doc: CORE_ROUTE_DOCS.getStream }, (c) => {
    const path = `${c.req.param('app')}/${c.req.param('name')}`;
    const s = deps.streams.get(path);
    if (!s) throw new NotFoundError(`stream ${path} is not being published`);
    return c.json(s);
  });
  r.add('core', 'DELETE', '/api/v1/streams/:app/:name', { scope: 'streams:write', doc: CORE_ROUTE_DOCS.kickStream }, (c) => {
    const path = `${c.req.param('app')}/${c.req.param('name')}`;
    if (!deps.streams.kick(path)) throw new NotFoundError(`stream ${path} is not being published`);
    return c.body(null, 204);
  });

  r.add('core', 'GET', '/api/v1/events', { scope: 'system:read', doc: CORE_ROUTE_DOCS.listEvents }, (c) => {
    const q = c.req.query();
    const filter: EventFilter = {};
    if (q['type']) filter.type = q['type'].slice(0, 64);
    if (q['since']) {
      if (Number.isNaN(Date.parse(q['since']))) throw new ValidationError(`since=${JSON.stringify(q['since'].slice(0, 40))} is not an ISO date`);
      filter.since = new Date(q['since']).toISOString();
    }
    if (q['after']) filter.afterId = parseIntParam('after', q['after']);
    if (q['limit']) filter.limit = parseIntParam('limit', q['limit']);
    return c.json({ items: deps.events.list(filter) });
  });
}

function parseIntParam(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ValidationError(`${name}=${JSON.stringify(v.slice(0, 20))} must be a non-negative integer`);
  return n;
}
