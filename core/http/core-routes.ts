import { NotFoundError, ValidationError } from '../errors/xlive-error.js';
import type { HealthRegistry } from '../health/health-registry.js';
import { publicHealthReport, READYZ_DETAIL_SCOPE } from '../health/public-report.js';
import type { EventFilter, BoxEvent } from '../sdk/events.js';
import type { RouteDoc } from '../sdk/http.js';
import type { StreamApi } from '../sdk/streams.js';
import { clientIp } from './client-ip.js';
import { CORE_ROUTE_DOCS } from './core-route-docs.js';
import { sendProblem } from './http-app.js';
import { statusProblem } from './problem.js';
import type { SecuredRouter } from './secured-router.js';
import { registerEventRoutes } from './event-routes.js';
import { LIST_QUERY_DOC, listQuery, listResponseSchema, pageOf } from '../sdk/list-page.js';

export interface CoreRouteDeps {
  health: Pick<HealthRegistry, 'run'>;
  /**
   * Enable/disable a plugin (takes effect at the next start); returns false for an unknown id. May
   * throw a coded error (PLUGIN_CONSENT_REQUIRED when `permissions` does not confirm exactly what a
   * third-party plugin declares, or a refusal of its own).
   */
  setPluginEnabled(id: string, enabled: boolean, who: { actor: string; ip: string }, permissions?: unknown): boolean | Promise<boolean>;
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

  r.add('core', 'GET', '/api/v1/plugins', { scope: 'system:read', doc: listDoc('The plugins, their state and errors', 'system', 'plugins') }, (c) =>
    c.json(pageOf(deps.plugins.list(), listQuery(c.req.query()))),
  );
  r.add('core', 'GET', '/api/v1/plugins/:id', { scope: 'system:read', doc: PLUGIN_GET_DOC }, (c) => {
    const p = deps.plugins.get(c.req.param('id') ?? '');
    if (!p) throw new NotFoundError(`no plugin with id "${c.req.param('id')}"`);
    return c.json(p);
  });

  r.add('core', 'PATCH', '/api/v1/plugins/:id', { scope: 'plugins:admin', doc: PLUGIN_PATCH_DOC }, async (c) => {
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
    if (!(await deps.setPluginEnabled(id, enabled, who, permissions))) throw new NotFoundError(`no plugin with id "${id}"`);
    // `enabled` is what runs now; `enabledAfterRestart`/`pending` say what the change does at the next start.
    const p = deps.plugins.get(id) as { pending?: boolean };
    return c.json({ ...p, restartRequired: p.pending === true });
  });

  r.add('core', 'GET', '/api/v1/streams', { scope: 'streams:read', doc: listDoc('The live streams with their statistics', 'streams', 'streams') }, (c) =>
    c.json(pageOf(deps.streams.list(), listQuery(c.req.query()))),
  );
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

  registerEventRoutes(r, deps.events);
}

/** The doc of a plain list route (`{ items, next }` paged with `limit`/`cursor`). */
function listDoc(summary: string, tag: string, what: string) {
  return { summary, tags: [tag], query: LIST_QUERY_DOC, responses: { 200: { description: `a page of ${what}`, schema: listResponseSchema({ type: 'object' }) } } };
}

const PLUGIN_STATUS_DOC = {
  type: 'object',
  required: ['id', 'enabled', 'enabledAfterRestart', 'pending', 'state'],
  properties: {
    id: { type: 'string' },
    enabled: { type: 'boolean', description: 'Set up at this start: what runs now' },
    enabledAfterRestart: { type: 'boolean', description: 'Set up at the next start (saved state, consent, pluginHost.disable); what `xlive plugins list` shows' },
    pending: { type: 'boolean', description: 'enabled and enabledAfterRestart differ' },
    state: { enum: ['disabled', 'loaded', 'running', 'failed', 'skipped', 'stopped'] },
    configSchema: { type: ['object', 'null'], description: "The manifest's JSON Schema of plugins.<id>" },
    config: { type: ['object', 'null'], description: 'The current section (validated, defaults applied, secrets redacted)' },
    configError: { type: ['string', 'null'] },
  },
};
const PLUGIN_ID_PARAM = { id: { type: 'string', minLength: 1, maxLength: 214, description: 'Plugin id' } };
const PLUGIN_GET_DOC: RouteDoc = {
  summary: 'One plugin: state, whether it runs now and after a restart, its config schema and current config',
  tags: ['plugins'],
  params: PLUGIN_ID_PARAM,
  responses: { 200: { description: 'The plugin', schema: PLUGIN_STATUS_DOC } },
};
const PLUGIN_PATCH_DOC: RouteDoc = {
  summary: 'Enable or disable a plugin (applies at the next start; a third-party plugin installed since the start runs at once when the host can start it in place)',
  tags: ['plugins'],
  params: PLUGIN_ID_PARAM,
  body: {
    required: true,
    schema: {
      type: 'object',
      required: ['enabled'],
      properties: {
        enabled: { type: 'boolean' },
        // Not typed here: a wrong value gets the 409 that lists the permissions to confirm (more useful than a 400).
        permissions: { description: 'A third-party plugin: exactly the permissions it declares (an array of strings; consent)' },
      },
    },
  },
  responses: {
    200: {
      description: 'The plugin; restartRequired = pending (enabled now differs from enabledAfterRestart)',
      schema: { ...PLUGIN_STATUS_DOC, properties: { ...PLUGIN_STATUS_DOC.properties, restartRequired: { type: 'boolean' } } },
    },
  },
};

