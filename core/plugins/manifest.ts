import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { Ajv } from 'ajv';
import semver from 'semver';
import { PluginError } from '../errors/xlive-error.js';
import type { PluginManifest } from '../sdk/plugin.js';

const KINDS = ['protocol', 'storage', 'auth', 'metrics', 'other'];
/** Every permission a manifest may declare (docs/plugins.md). */
export const PERMISSIONS = ['http', 'http:mount', 'http:public', 'streams:publish', 'streams:read', 'net:listen', 'storage:provide', 'auth:provide', 'streams:admin', 'metrics:expose', 'events:write', 'streams:gate'];
const ID = '^[a-z][a-z0-9]*(-[a-z0-9]+)*$';

/** JSON Schema of the `"xlive"` section of a plugin's package.json (plugin contract v1). */
const XLIVE_SECTION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'apiVersion', 'kinds'],
  properties: {
    id: { type: 'string', pattern: ID, maxLength: 64 },
    apiVersion: { type: 'string', minLength: 1 },
    kinds: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: KINDS } },
    permissions: { type: 'array', uniqueItems: true, items: { enum: PERMISSIONS } },
    dependsOn: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: ID } },
    configSchema: { type: 'object' },
    httpMounts: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^(/[a-z0-9][a-z0-9-]*)+$', maxLength: 100 } },
    enabledByDefault: { type: 'boolean' },
    description: { type: 'string' },
    commands: { type: 'array', uniqueItems: true, maxItems: 32, items: { type: 'string', pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$', maxLength: 40 } },
  },
} as const;

const ajv = new Ajv({ allErrors: false, strict: false });
const validateSection = ajv.compile(XLIVE_SECTION_SCHEMA);
/**
 * Checks that a configSchema is itself a valid JSON Schema, strictly (ajv strict mode): an unknown
 * keyword (`"defualt"`), an unknown format, a type mismatch (`minimum` on a string) or a `required`
 * property that is not defined refuse the plugin instead of being silently ignored.
 */
const schemaCompiler = new Ajv({ strict: true, allErrors: false, logger: false, useDefaults: true });

function invalid(file: string, message: string, cause?: unknown): PluginError {
  return new PluginError('PLUGIN_MANIFEST_INVALID', `${file}: ${message}`, { cause, details: { file } });
}

/** Read and validate `<dir>/package.json`. Imports no plugin code. */
export function readManifest(dir: string, source: 'builtin' | 'external'): PluginManifest {
  const file = join(dir, 'package.json');
  let pkg: unknown;
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw invalid(file, `cannot read package.json: ${(err as Error).message}`, err);
  }
  return manifestFromPackage(pkg, dir, source, file);
}

/**
 * Validate a parsed package.json as the manifest of a plugin that lives (or will live) in `dir`; the
 * installer checks a package's manifest with it before anything is unpacked. `file` names it in errors.
 */
export function manifestFromPackage(parsed: unknown, dir: string, source: 'builtin' | 'external', file = join(dir, 'package.json')): PluginManifest {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(file, 'package.json must hold an object');
  const pkg = parsed as Record<string, unknown>;
  const section = pkg['xlive'];
  if (section === undefined) throw invalid(file, 'missing the "xlive" section');
  if (!validateSection(section)) {
    const e = validateSection.errors?.[0];
    const where = `xlive${e?.instancePath.replace(/\//g, '.') ?? ''}`;
    throw invalid(file, `${where} ${e?.message ?? 'is invalid'}${e?.params ? ' ' + JSON.stringify(e.params) : ''}`);
  }
  const x = section as {
    id: string;
    apiVersion: string;
    kinds: PluginManifest['kinds'];
    permissions?: PluginManifest['permissions'];
    dependsOn?: string[];
    configSchema?: Record<string, unknown>;
    httpMounts?: string[];
    enabledByDefault?: boolean;
    description?: string;
    commands?: string[];
  };
  if (semver.validRange(x.apiVersion) === null) throw invalid(file, `xlive.apiVersion "${x.apiVersion}" is not a semver range`);
  const version = typeof pkg['version'] === 'string' ? pkg['version'] : '';
  if (!semver.valid(version)) throw invalid(file, `version ${JSON.stringify(pkg['version'])} is not a semver version`);
  const main = typeof pkg['main'] === 'string' ? pkg['main'] : 'index.js';
  const mainPath = resolve(dir, main);
  const rel = relative(dir, mainPath);
  if (rel.startsWith('..') || isAbsolute(rel)) throw invalid(file, `main "${main}" points outside the plugin folder`);
  const configSchema = x.configSchema ?? { type: 'object' };
  try {
    schemaCompiler.compile(configSchema);
  } catch (err) {
    const reason = (err as Error).message;
    const keyword = /unknown keyword: "([^"]+)"/.exec(reason)?.[1];
    throw new PluginError(
      'PLUGIN_CONFIG_SCHEMA_INVALID',
      `${file}: plugin ${x.id}: xlive.configSchema is not a valid strict JSON Schema: ${reason}` +
        (keyword ? ` (unknown keyword "${keyword}": a typo of a JSON Schema keyword?)` : ''),
      { cause: err, details: { file, plugin: x.id, ...(keyword ? { keyword } : {}) } },
    );
  }
  if ((x.httpMounts?.length ?? 0) > 0 && !x.permissions?.includes('http:mount')) {
    throw invalid(file, 'xlive.httpMounts needs the "http:mount" permission');
  }
  if (x.dependsOn?.includes(x.id)) throw invalid(file, `xlive.dependsOn lists the plugin itself (${x.id})`);
  return {
    id: x.id,
    packageName: typeof pkg['name'] === 'string' ? pkg['name'] : x.id,
    version,
    description: x.description ?? (typeof pkg['description'] === 'string' ? pkg['description'] : undefined),
    apiVersion: x.apiVersion,
    kinds: [...x.kinds],
    permissions: [...(x.permissions ?? [])],
    dependsOn: [...(x.dependsOn ?? [])],
    configSchema,
    httpMounts: [...(x.httpMounts ?? [])],
    enabledByDefault: x.enabledByDefault ?? true,
    main: mainPath,
    dir,
    source,
    ...(x.commands && x.commands.length > 0 ? { commands: [...x.commands] } : {}),
  };
}

/** Is this host's plugin API inside the manifest's range? */
export function apiCompatible(manifest: PluginManifest, hostApi: string): boolean {
  return semver.satisfies(hostApi, manifest.apiVersion, { includePrerelease: true });
}
