import type { Context } from 'hono';
import { ValidationError } from '../errors/xlive-error.js';
import type { InstallActor, InstallResult } from '../plugins/plugin-installer.js';
import type { JsonSchema, RouteDoc } from '../sdk/http.js';
import { clientIp } from './client-ip.js';
import type { SecuredRouter } from './secured-router.js';

export const PLUGINS_PATH = '/api/v1/plugins';

export interface PluginPackageRouteDeps {
  installer: {
    installArchive(archive: Buffer, who: InstallActor, opts: { update?: boolean }): InstallResult;
    uninstall(id: string, who: InstallActor, opts: { purge?: boolean }): Promise<{ id: string; version: string | null; purged: boolean }>;
  };
  /** The plugin as `GET /api/v1/plugins/:id` lists it. */
  status(id: string): unknown;
  trustProxy: boolean;
}

const GZIP_TYPES = ['application/gzip', 'application/x-gzip', 'application/octet-stream'];
const PLUGIN_ID_PARAM = { id: { type: 'string', minLength: 1, maxLength: 64, description: 'Plugin id' } };
const BOOL_FLAG = { type: 'boolean', default: false };

const INSTALLED: JsonSchema = {
  type: 'object',
  required: ['id', 'version', 'enabled', 'state', 'permissions', 'consentRequired', 'consentPending', 'previousVersion', 'restartRequired'],
  properties: {
    id: { type: 'string' },
    version: { type: ['string', 'null'] },
    source: { const: 'external' },
    enabled: { type: 'boolean', description: 'false: installed plugins start disabled' },
    enabledAfterRestart: { type: 'boolean' },
    pending: { type: 'boolean' },
    state: { type: 'string', description: '"disabled" for a new plugin' },
    permissions: { type: 'array', items: { type: 'string' }, description: 'What it asks for: confirm exactly these to enable it (PATCH /api/v1/plugins/:id)' },
    consentRequired: { const: true },
    consentPending: { type: 'boolean' },
    previousVersion: { type: ['string', 'null'], description: 'The version an update replaced' },
    restartRequired: { type: 'boolean', description: 'An update of a plugin whose code is loaded applies at the next start' },
  },
};

export const INSTALL_DOC: RouteDoc = {
  summary: 'Install a third-party plugin from its package (.tgz as npm pack writes); it is installed disabled',
  description:
    'Everything is checked before a file is written: the archive (size, entries, paths, no links or devices, native modules for this CPU), ' +
    'the manifest, its apiVersion against this box, its id (not a first-party plugin, not installed yet unless `update`), its dependencies ' +
    'and permissions. The plugin then runs once enabled with consent to its permissions (PATCH /api/v1/plugins/:id) and the service restarted.',
  tags: ['plugins'],
  query: { update: { ...BOOL_FLAG, description: 'Replace the installed plugin of the same id, keeping its data (and its consent, unless it asks for new permissions)' } },
  body: { contentType: 'application/gzip', required: true, schema: { type: 'string', contentEncoding: 'binary' }, description: 'The plugin package (.tgz, files under package/), at most pluginHost.maxPackageBytes' },
  responses: {
    201: { description: 'Installed (disabled): the plugin with the permissions it asks for', schema: INSTALLED },
    200: { description: 'Updated (`update=true`)', schema: INSTALLED },
  },
};

export const UNINSTALL_DOC: RouteDoc = {
  summary: 'Uninstall a third-party plugin: stop it, remove its code; purge=true also removes its data',
  tags: ['plugins'],
  params: PLUGIN_ID_PARAM,
  query: { purge: { ...BOOL_FLAG, description: 'Also remove its database, files and stored keys (<dataDir>/plugin-data/<id>)' } },
  responses: {
    200: {
      description: 'Uninstalled',
      schema: { type: 'object', required: ['id', 'version', 'purged'], properties: { id: { type: 'string' }, version: { type: ['string', 'null'] }, purged: { type: 'boolean' } } },
    },
  },
};

/** `POST /api/v1/plugins` (install from a package) and `DELETE /api/v1/plugins/:id` (uninstall), scope plugins:admin. */
export function registerPluginPackageRoutes(r: SecuredRouter, deps: PluginPackageRouteDeps): void {
  const who = (c: Context): InstallActor => {
    const p = c.get('principal') as { kind: string; id: string; display?: string } | undefined;
    return { actor: p ? `${p.kind}:${p.display ?? p.id}` : 'unknown', ip: clientIp(c, deps.trustProxy) };
  };

  r.add('core', 'POST', PLUGINS_PATH, { scope: 'plugins:admin', doc: INSTALL_DOC }, async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!GZIP_TYPES.includes(type)) {
      throw new ValidationError(`send the plugin package (.tgz) as the body with Content-Type: application/gzip (got ${JSON.stringify(type.slice(0, 60) || 'none')}); curl --data-binary @plugin.tgz -H 'content-type: application/gzip'`, {
        details: { field: 'body', rule: 'contentType: application/gzip' },
      });
    }
    const body = Buffer.from(await c.req.arrayBuffer());
    if (body.length === 0) throw new ValidationError('the body is empty: send the plugin package (.tgz)', { details: { field: 'body' } });
    const update = c.req.query('update') === 'true';
    const result = deps.installer.installArchive(body, who(c), { update });
    const status = deps.status(result.manifest.id) as Record<string, unknown> | undefined;
    const restartRequired = update && status?.['version'] !== result.manifest.version;
    return c.json({ ...status, version: result.manifest.version, previousVersion: result.previousVersion, restartRequired }, update ? 200 : 201);
  });

  r.add('core', 'DELETE', `${PLUGINS_PATH}/:id`, { scope: 'plugins:admin', doc: UNINSTALL_DOC }, async (c) => {
    const purge = c.req.query('purge') === 'true';
    return c.json(await deps.installer.uninstall(c.req.param('id') ?? '', who(c), { purge }));
  });
}
