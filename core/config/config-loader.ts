/**
 * Loading xlive's layered configuration, lowest priority first:
 *   defaults (core-schema.ts) → <configDir>/default.json → <configDir>/<XLIVE_ENV>.json →
 *   <configDir>/local.json → settings (saved from the panel) → environment (env-layer.ts)
 * then validating it against the core schema. Pure: file system and environment are injected.
 */
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors/xlive-error.js';
import { CONSOLE_ONLY_KEYS, CONSOLE_ONLY_PATHS, type CoreConfig, PATH_KEYS, coreSchema } from './core-schema.js';
import { type Env, RESERVED_ENV_VARS, readCoreEnv } from './env-layer.js';
import { type ReadFile, defaultReadFile, readFileLayers } from './file-layers.js';
import { type ConfigTree, deepClone, deepFreeze, isPlainObject, setPath } from './key-path.js';
import { type ConfigLayerInfo, type LoadedConfig, LoadedConfigImpl } from './loaded-config.js';
import { mergeLayer } from './merge-layer.js';
import { Provenance } from './provenance.js';
import type { SchemaNode } from './schema-keys.js';
import { compileSchema, createAjv, validateTree } from './schema-validator.js';

export interface LoadConfigOptions {
  /** Relative paths (configDir, dataDir…) are resolved against it. */
  cwd: string;
  env: Env;
  /**
   * Values saved from the panel: nested like the config (`{ http: { port: 8081 } }`) or with dotted
   * keys (`{ 'http.port': 8081 }`). May not set dataDir/runtimeDir/pluginsDir.
   */
  settings?: Record<string, unknown>;
  /** The text of a file, or undefined when missing. Defaults to the real file system. */
  readFile?: ReadFile;
  /** More XLIVE_* variable names that are not configuration keys (tooling variables). */
  reservedEnv?: readonly string[];
}

export type { LoadedConfig, ConfigLayerInfo } from './loaded-config.js';

export const SETTINGS_ORIGIN = 'settings';

export function loadConfig(opts: LoadConfigOptions): LoadedConfig {
  const cwd = resolve(opts.cwd);
  const readFile = opts.readFile ?? defaultReadFile;
  const provenance = new Provenance();
  const merged: ConfigTree = {};
  const layers: ConfigLayerInfo[] = [{ name: 'defaults', source: 'built-in' }];

  const files = readFileLayers(cwd, opts.env, readFile);
  const warnings = [...files.warnings];
  for (const f of files.layers) {
    layers.push({ name: f.name, source: f.source });
    mergeLayer(merged, { data: f.data, origin: `${f.name} ${f.source}` }, provenance);
  }

  if (opts.settings !== undefined) {
    const settings = settingsTree(opts.settings, warnings);
    if (Object.keys(settings).length > 0) {
      layers.push({ name: 'settings', source: SETTINGS_ORIGIN });
      mergeLayer(merged, { data: settings, origin: SETTINGS_ORIGIN }, provenance);
    }
  }

  const env = readCoreEnv(opts.env, coreSchema, [...RESERVED_ENV_VARS, ...(opts.reservedEnv ?? [])]);
  if (env.patches.length > 0 || env.pluginCandidates.length > 0) layers.push({ name: 'env', source: 'environment' });
  for (const patch of env.patches) mergeLayer(merged, patch, provenance);

  const ajv = createAjv();
  const data = deepClone(merged);
  validateTree(compileSchema(ajv, coreSchema, 'core configuration'), data, '', (rel) => provenance.origin(rel));
  const values = deepFreeze(orderBySchema(resolvePaths(data, cwd), coreSchema)) as unknown as CoreConfig;

  return new LoadedConfigImpl({
    values,
    layers,
    warnings,
    provenance,
    env: opts.env,
    pluginCandidates: env.pluginCandidates,
    ajv,
  });
}

/** The settings object as a tree, dotted keys expanded, path keys dropped with a warning. */
function settingsTree(settings: Record<string, unknown>, warnings: string[]): ConfigTree {
  if (!isPlainObject(settings)) {
    throw new ConfigError('config: settings must be a plain object', {
      details: { key: '', value: typeof settings, layer: SETTINGS_ORIGIN },
    });
  }
  const tree: ConfigTree = {};
  for (const [key, value] of Object.entries(settings)) {
    const segs = key.split('.');
    if (segs.some((s) => s === '')) {
      throw new ConfigError(`config: settings key ${JSON.stringify(key)} is not a valid key path`, {
        details: { key, value: undefined, layer: SETTINGS_ORIGIN },
      });
    }
    if ((PATH_KEYS as readonly string[]).includes(segs[0]!)) {
      warnings.push(`settings: ${key} is ignored (paths are set only by files and the environment)`);
      continue;
    }
    if ((CONSOLE_ONLY_KEYS as readonly string[]).includes(segs[0]!)) {
      const shown = isPlainObject(value) && Object.keys(value).length > 0 ? Object.keys(value).map((k) => `${key}.${k}`).join(', ') : key;
      warnings.push(`settings: ${shown} is REFUSED: auth lab mode is chosen only on the console (a config file or XLIVE_AUTH_LAB_MODE=1), never through the API`);
      continue;
    }
    const patch: ConfigTree = {};
    setPath(patch, segs, value);
    for (const path of CONSOLE_ONLY_PATHS) {
      const parent = path.slice(0, -1).reduce<unknown>((t, k) => (isPlainObject(t) ? t[k] : undefined), patch);
      const leaf = path[path.length - 1]!;
      if (isPlainObject(parent) && leaf in parent) {
        delete parent[leaf];
        warnings.push(`settings: ${path.join('.')} is REFUSED: it is set only on the console (a config file or the environment), never through the API`);
      }
    }
    mergeLayer(tree, { data: patch, origin: SETTINGS_ORIGIN }, new Provenance());
  }
  dropUndeclared(tree, coreSchema, '', warnings);
  return tree;
}

/**
 * Settings are written by the panel, not by hand: a key the core schema does not declare (left
 * over from another version) is dropped with a warning rather than stopping the box. Plugin
 * sections are left to their own schemas.
 */
function dropUndeclared(tree: ConfigTree, schema: SchemaNode, base: string, warnings: string[]): void {
  const props = schema.properties ?? {};
  for (const key of Object.keys(tree)) {
    const path = base === '' ? key : `${base}.${key}`;
    const node = props[key];
    if (!node) {
      warnings.push(`settings: ${path} is not a known key (ignored)`);
      delete tree[key];
    } else if (node.properties && isPlainObject(tree[key])) {
      dropUndeclared(tree[key], node, path, warnings);
    }
  }
}

/** Absolute paths; runtimeDir and pluginsDir default to `<dataDir>/run` and `<dataDir>/plugins`. */
function resolvePaths(data: ConfigTree, cwd: string): ConfigTree {
  const dataDir = resolve(cwd, String(data['dataDir']));
  const under = (key: string, sub: string): string =>
    typeof data[key] === 'string' ? resolve(cwd, data[key]) : join(dataDir, sub);
  return { ...data, dataDir, runtimeDir: under('runtimeDir', 'run'), pluginsDir: under('pluginsDir', 'plugins') };
}

/** Keys in the schema's declared order (listings read in a stable order), undeclared keys after. */
function orderBySchema(tree: ConfigTree, schema: SchemaNode): ConfigTree {
  const props = schema.properties ?? {};
  const out: ConfigTree = {};
  for (const [key, node] of Object.entries(props)) {
    if (!Object.hasOwn(tree, key)) continue;
    const v = tree[key];
    out[key] = isPlainObject(v) && node.properties ? orderBySchema(v, node) : v;
  }
  for (const [key, v] of Object.entries(tree)) if (!Object.hasOwn(out, key)) out[key] = v;
  return out;
}
