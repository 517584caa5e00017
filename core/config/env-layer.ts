/**
 * Environment variables → configuration: the highest-priority layer.
 *
 *   XLIVE_<SECTION>_<KEY>              a core key; each segment is the UPPER_SNAKE form of a camelCase key
 *     XLIVE_HTTP_PORT                    → http.port
 *     XLIVE_HTTP_HOST                    → http.host
 *     XLIVE_LOG_LEVEL                    → log.level
 *     XLIVE_LOG_FORMAT                   → log.format
 *     XLIVE_DATA_DIR                     → dataDir
 *     XLIVE_STREAMS_GOP_CACHE_BYTES      → streams.gopCacheBytes
 *     XLIVE_HTTP='{"port":80}'           → a whole section as JSON (a variable for a single key wins over it)
 *   XLIVE_<PLUGIN_ID>_<KEY>            a plugin's key; the id upper-cased with `-` → `_`
 *     XLIVE_RTMP_PORT                    → plugins.rtmp.port
 *     XLIVE_HTTP_FLV_MAX_VIEWERS         → plugins["http-flv"].maxViewers
 *   XLIVE_PUBLISH_AUTH                 → plugins["auth-local"].publishAuth (an alias, see ENV_ALIASES)
 *   XLIVE_PLUGINS__<PLUGIN_ID>__<KEY>  the same, unambiguous (double underscores); wins over the short form
 *     XLIVE_PLUGINS__HTTP_FLV__MAX_VIEWERS → plugins["http-flv"].maxViewers
 *
 * Resolution is schema-guided: a name maps to the declared key path whose UPPER_SNAKE form equals it
 * (the longest path when several do). Core keys win when a name could be both a core and a plugin key.
 * Plugin schemas are known only after plugin discovery, so plugin variables are resolved when a
 * plugin's section is asked for (`LoadedConfig.pluginSection`).
 * Values are coerced by the declared type: integer, number, boolean (true/false, 1/0, yes/no, on/off),
 * string, JSON for objects and arrays. A value that does not fit is a ConfigError naming key, value
 * and variable.
 * Not configuration keys, and ignored here: XLIVE_ENV, XLIVE_CONFIG_DIR, XLIVE_PORTS_FILE.
 * Any other XLIVE_* variable that maps to nothing is reported as a warning (returned, not logged).
 */
import { coerceEnvValue } from './env-coerce.js';
import { type ConfigTree, setPath, toUpperSnake } from './key-path.js';
import type { LayerPatch } from './merge-layer.js';
import { type SchemaKey, schemaKeysBySnakeName } from './schema-keys.js';

export type Env = Readonly<Record<string, string | undefined>>;

export const ENV_PREFIX = 'XLIVE_';
const LONG_PREFIX = 'PLUGINS__';

/** XLIVE_* variables that configure the loader or the tooling, not a key. */
export const RESERVED_ENV_VARS: readonly string[] = ['XLIVE_ENV', 'XLIVE_CONFIG_DIR', 'XLIVE_PORTS_FILE', 'XLIVE_ADMIN_PASSWORD', 'XLIVE_CHECK_RESPONSES'];

export interface CoreEnv {
  /** One patch per variable, shallower paths first so a single-key variable wins over section JSON. */
  patches: LayerPatch[];
  /** XLIVE_* names that are neither reserved nor core keys: candidates for plugin sections. */
  pluginCandidates: string[];
}

export function envOrigin(name: string): string {
  return `env ${name}`;
}

/** Read the core keys of `coreSchema` (the `plugins` section excepted) from `env`. */
export function readCoreEnv(env: Env, coreSchema: object, reserved: readonly string[] = RESERVED_ENV_VARS): CoreEnv {
  const keys = schemaKeysBySnakeName(coreSchema, ['plugins']);
  const found: Array<{ name: string; key: SchemaKey; raw: string }> = [];
  const pluginCandidates: string[] = [];
  for (const name of Object.keys(env).sort()) {
    const raw = env[name];
    if (raw === undefined || !name.startsWith(ENV_PREFIX) || reserved.includes(name)) continue;
    const key = keys.get(name.slice(ENV_PREFIX.length));
    if (key) found.push({ name, key, raw });
    else pluginCandidates.push(name);
  }
  found.sort((a, b) => a.key.path.length - b.key.path.length);
  return { patches: found.map((f) => toPatch(f.name, f.key, f.raw)), pluginCandidates };
}

/** Patches for plugin `id`'s section (paths relative to the section) from the candidate variables. */
export function readPluginEnv(env: Env, candidates: readonly string[], id: string, schema: object): LayerPatch[] {
  const keys = schemaKeysBySnakeName(schema);
  const short: Array<{ name: string; key: SchemaKey }> = [];
  const long: Array<{ name: string; key: SchemaKey }> = [];
  for (const name of candidates) {
    const m = matchPluginVar(name, id, keys);
    if (m) (m.long ? long : short).push({ name, key: m.key });
  }
  const byDepth = (a: { key: SchemaKey }, b: { key: SchemaKey }) => a.key.path.length - b.key.path.length;
  return [...short.sort(byDepth), ...long.sort(byDepth)].map((f) => toPatch(f.name, f.key, env[f.name] ?? ''));
}

/**
 * Warnings for candidate variables that map to no key of any of `plugins` (id → config schema):
 * typos, or settings of plugins that are not installed.
 */
export function unusedEnvWarnings(candidates: readonly string[], plugins: Readonly<Record<string, object>>): string[] {
  const indexed = Object.entries(plugins).map(([id, schema]) => ({ id, keys: schemaKeysBySnakeName(schema) }));
  return candidates
    .filter((name) => !indexed.some((p) => matchPluginVar(name, p.id, p.keys)))
    .map((name) => `env ${name} matches no configuration key (ignored)`);
}

/** The UPPER_SNAKE form of a plugin id: `http-flv` → `HTTP_FLV`. */
export function pluginEnvId(id: string): string {
  return id.toUpperCase().replace(/-/g, '_');
}

/**
 * Short names the docs promise for plugin keys: `XLIVE_PUBLISH_AUTH` → plugins["auth-local"].publishAuth.
 * They behave like the plugin's short form (the long form still wins).
 */
export const ENV_ALIASES: Readonly<Record<string, { plugin: string; key: string }>> = {
  XLIVE_PUBLISH_AUTH: { plugin: 'auth-local', key: 'PUBLISH_AUTH' },
};

function matchPluginVar(
  name: string,
  id: string,
  keys: ReadonlyMap<string, SchemaKey>,
): { key: SchemaKey; long: boolean } | undefined {
  const alias = ENV_ALIASES[name];
  if (alias) {
    const key = alias.plugin === id ? keys.get(alias.key) : undefined;
    return key && { key, long: false };
  }
  const rest = name.slice(ENV_PREFIX.length);
  const envId = pluginEnvId(id);
  if (rest.startsWith(LONG_PREFIX)) {
    const idAndKey = rest.slice(LONG_PREFIX.length);
    if (!idAndKey.startsWith(`${envId}__`)) return undefined;
    // Nested keys may be separated by `__` too: PLUGINS__HLS__PLAYLIST__WINDOW.
    const key = keys.get(idAndKey.slice(envId.length + 2).replace(/__/g, '_'));
    return key && { key, long: true };
  }
  if (!rest.startsWith(`${envId}_`)) return undefined;
  const key = keys.get(rest.slice(envId.length + 1));
  return key && { key, long: false };
}

function toPatch(name: string, key: SchemaKey, raw: string): LayerPatch {
  const data: ConfigTree = {};
  setPath(data, key.path, coerceEnvValue(raw, key.node));
  return { data, origin: envOrigin(name) };
}

/** Exposed for the README generator and tests: the variable name of a core key path. */
export function envNameOf(keyPath: string): string {
  return ENV_PREFIX + keyPath.split('.').map(toUpperSnake).join('_');
}
