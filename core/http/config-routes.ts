/**
 * Remote configuration: `GET|PATCH /api/v1/config` (the effective configuration with each value's
 * layer; changes saved in the settings layer), `PUT|PATCH /api/v1/plugins/:id/config` (one plugin's
 * section, replaced or merged) and `POST /api/v1/plugins/:id/restart`. See docs/api.md
 * "## Configuration".
 */
import type { Context } from 'hono';
import type { ConfigChange, ConfigView } from '../config/runtime-config.js';
import { NotFoundError, ValidationError } from '../errors/xlive-error.js';
import type { JsonSchema, RouteDoc } from '../sdk/http.js';
import { clientIp } from './client-ip.js';
import type { SecuredRouter } from './secured-router.js';

export interface ConfigRouteDeps {
  config: {
    view(): ConfigView;
    /** The JSON Schema of the whole configuration (core, and each plugin's section under plugins.properties). */
    schema(): Record<string, unknown>;
    change(changes: Record<string, unknown>): Promise<ConfigChange[]>;
    restarted(id: string): void;
  };
  plugins: {
    /** The plugin's status with its config schema and current config; undefined for an unknown id. */
    details(id: string): Record<string, unknown> | undefined;
    restart(id: string): Promise<unknown>;
  };
  /** Record `config.changed` / `plugin.restarted` in the event log. */
  record(type: string, message: string, data: Record<string, unknown>): void;
  trustProxy: boolean;
}

const ID_PARAM = { id: { type: 'string', minLength: 1, maxLength: 214, description: 'Plugin id' } };
const ANY_OBJECT: JsonSchema = { type: 'object' };
const CHANGE_RESULT: JsonSchema = {
  type: 'object',
  required: ['changes', 'pendingRestart'],
  properties: {
    changes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'layer', 'applied'],
        properties: {
          key: { type: 'string' },
          value: { description: 'The effective value after the change (secrets redacted)' },
          layer: { type: 'string', description: 'The layer the effective value comes from (settings, or a lower one after a removal)' },
          applied: { enum: ['live', 'restart'], description: 'live: in effect now; restart: at the next restart of the plugin or service' },
        },
      },
    },
    pendingRestart: { type: 'array', items: { type: 'string' } },
  },
};
const LOCKED = 'CONFIG_LOCKED (409): a key is set by the environment, is a path, or is console-only (auth.*, pluginHost.disable); details.locked lists them and nothing is saved';

export function registerConfigRoutes(r: SecuredRouter, deps: ConfigRouteDeps): void {
  r.add('core', 'GET', '/api/v1/config', { scope: 'system:read', doc: GET_CONFIG_DOC }, (c) => c.json({ ...deps.config.view(), schema: deps.config.schema() }));

  r.add('core', 'PATCH', '/api/v1/config', { scope: 'system:admin', doc: PATCH_CONFIG_DOC }, async (c) => {
    const body = await jsonObject(c, 'send a JSON object of dotted keys and values, e.g. {"plugins.hls.windowSize": 4}; null removes a key from the settings layer');
    return c.json(await changeAndRecord(c, body, 'configuration'));
  });

  r.add('core', 'PUT', '/api/v1/plugins/:id/config', { scope: 'plugins:admin', doc: pluginConfigDoc('put') }, async (c) => {
    const id = knownPlugin(c);
    const body = await jsonObject(c, `send the whole section of plugin ${id} as a JSON object`);
    return c.json({ ...(await changeAndRecord(c, { [`plugins.${id}`]: body }, `plugin ${id} config`)), plugin: deps.plugins.details(id) });
  });

  r.add('core', 'PATCH', '/api/v1/plugins/:id/config', { scope: 'plugins:admin', doc: pluginConfigDoc('patch') }, async (c) => {
    const id = knownPlugin(c);
    const body = await jsonObject(c, `send a JSON merge patch of plugin ${id}'s section (null removes a key)`);
    const changes = mergePatchKeys(body, `plugins.${id}`);
    if (Object.keys(changes).length === 0) throw new ValidationError('the merge patch changes nothing: send at least one key');
    return c.json({ ...(await changeAndRecord(c, changes, `plugin ${id} config`)), plugin: deps.plugins.details(id) });
  });

  r.add('core', 'POST', '/api/v1/plugins/:id/restart', { scope: 'plugins:admin', doc: RESTART_DOC }, async (c) => {
    const id = knownPlugin(c);
    await deps.plugins.restart(id);
    deps.config.restarted(id);
    deps.record('plugin.restarted', `plugin ${id} restarted by ${actorOf(c)}`, { plugin: id, actor: actorOf(c), ip: clientIp(c, deps.trustProxy) });
    return c.json(deps.plugins.details(id));
  });

  function knownPlugin(c: Context): string {
    const id = c.req.param('id') ?? '';
    if (!deps.plugins.details(id)) throw new NotFoundError(`no plugin with id "${id.slice(0, 64)}"`);
    return id;
  }

  async function changeAndRecord(c: Context, changes: Record<string, unknown>, what: string): Promise<{ changes: ConfigChange[]; pendingRestart: string[] }> {
    const done = await deps.config.change(changes);
    const actor = actorOf(c);
    deps.record('config.changed', `${what} changed by ${actor}: ${done.map((d) => `${d.key} (${d.applied})`).join(', ')}`, {
      actor,
      ip: clientIp(c, deps.trustProxy),
      changes: done.map((d) => ({ key: d.key, applied: d.applied })),
    });
    return { changes: done, pendingRestart: deps.config.view().pendingRestart };
  }
}

function actorOf(c: Context): string {
  const p = c.get('principal');
  return p ? `${p.kind}:${p.display ?? p.id}` : 'unknown';
}

async function jsonObject(c: Context, usage: string): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ValidationError(usage);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError(usage);
  return body as Record<string, unknown>;
}

/** A JSON merge patch (RFC 7396) as dotted keys: objects recurse, anything else (arrays, null) is a key's value. */
export function mergePatchKeys(patch: Record<string, unknown>, base: string, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    const key = `${base}.${k}`;
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0 && depth < 16) {
      Object.assign(out, mergePatchKeys(v as Record<string, unknown>, key, depth + 1));
    } else {
      out[key] = v;
    }
  }
  return out;
}

const GET_CONFIG_DOC: RouteDoc = {
  summary: 'The effective configuration, each value with the layer it comes from (what `xlive config check` prints), secrets redacted',
  tags: ['config'],
  responses: {
    200: {
      description: 'Layers (lowest first), one entry per leaf key, keys waiting for a restart, load warnings, and the schema forms are built from',
      schema: {
        type: 'object',
        required: ['layers', 'entries', 'pendingRestart', 'warnings', 'schema'],
        properties: {
          layers: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, source: { type: 'string' } } } },
          entries: {
            type: 'array',
            items: {
              type: 'object',
              required: ['key', 'layer', 'origin', 'lockedBy'],
              properties: {
                key: { type: 'string', examples: ['plugins.hls.windowSize'] },
                value: { description: 'Secrets show as "***"' },
                layer: { type: 'string', examples: ['defaults', 'local', 'settings', 'env'] },
                origin: { type: 'string', examples: ['env XLIVE_HTTP_PORT'] },
                lockedBy: { type: ['string', 'null'], description: 'Why PATCH cannot change it: the env variable setting it, "console-only" or "path"; null when it can' },
              },
            },
          },
          pendingRestart: { type: 'array', items: { type: 'string' } },
          warnings: { type: 'array', items: { type: 'string' } },
          schema: {
            type: 'object',
            description: "JSON Schema (draft-07) of the whole configuration: the core schema, with each discovered plugin's configSchema under properties.plugins.properties.<id>",
          },
        },
      },
    },
  },
};

const PATCH_CONFIG_DOC: RouteDoc = {
  summary: 'Change configuration values; saved in the settings layer (SQLite), applied live where possible',
  description:
    'The body maps dotted keys to values; a value may be an object for an object key, null removes the key from the settings layer. ' +
    'All or nothing: VALIDATION_FAILED (400) names the key, the value and the rule; ' + LOCKED + '.',
  tags: ['config'],
  body: {
    schema: { type: 'object', minProperties: 1, maxProperties: 100, propertyNames: { pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$' }, examples: [{ 'plugins.hls.windowSize': 4, 'plugins.hls.segmentMs': 1000 }] },
    required: true,
  },
  responses: { 200: { description: 'Each change with its effective value, layer and whether it applied live', schema: CHANGE_RESULT } },
};

function pluginConfigDoc(kind: 'put' | 'patch'): RouteDoc {
  return {
    summary: kind === 'put' ? "Replace a plugin's config section in the settings layer" : "Merge into a plugin's config section (JSON merge patch, null removes a key)",
    description: `Validated against the plugin's configSchema (VALIDATION_FAILED, 400, names the key, the value and the rule); ${LOCKED}.`,
    tags: ['plugins'],
    params: ID_PARAM,
    body: { schema: ANY_OBJECT, required: true },
    responses: {
      200: {
        description: 'The changes and the plugin with its schema and current config',
        schema: { ...CHANGE_RESULT, properties: { ...(CHANGE_RESULT['properties'] as object), plugin: ANY_OBJECT } },
      },
    },
  };
}

const RESTART_DOC: RouteDoc = {
  summary: 'Restart a plugin in place with its current config',
  description:
    'Stops the plugin (its listeners, timers, readers, checks and metrics are released), sets it up and starts it again. ' +
    'HTTP routes stay mounted and call the new instance (it must register the same ones). ' +
    'PLUGIN_RESTART_UNSUPPORTED (409) for plugins that provide storage or authentication, have running dependants, ' +
    'or were not enabled at start: restart the service for those.',
  tags: ['plugins'],
  params: ID_PARAM,
  responses: { 200: { description: 'The plugin after the restart (state running, or failed with its error)', schema: ANY_OBJECT } },
};
