/**
 * The result of loading the configuration: frozen, validated core values, the layers they came
 * from, provenance per key, and plugin sections resolved on demand once plugin schemas are known.
 */
import type { Ajv } from 'ajv';
import { ConfigError } from '../errors/xlive-error.js';
import type { CoreConfig } from './core-schema.js';
import { describeEntries } from './describe-config.js';
import { type Env, readPluginEnv, unusedEnvWarnings } from './env-layer.js';
import { type ConfigTree, deepClone, deepFreeze, isPlainObject, leaves } from './key-path.js';
import { mergeLayer } from './merge-layer.js';
import type { Provenance } from './provenance.js';
import { compileSchema, validateTree } from './schema-validator.js';

export interface ConfigLayerInfo {
  /** `defaults`, `default`, the XLIVE_ENV value, `local`, `settings`, `env`. */
  readonly name: string;
  /** A file path, `built-in`, `settings` or `environment`. */
  readonly source: string;
}

export interface LoadedConfig {
  /** Deep-frozen, defaults applied, paths absolute. `plugins` holds the raw file/settings sections. */
  readonly values: Readonly<CoreConfig>;
  /** Layers that contributed, lowest priority first (`defaults` always). */
  readonly layers: readonly ConfigLayerInfo[];
  /** Load-time warnings (ignored settings, ignored XLIVE_ENV…). */
  readonly warnings: readonly string[];
  /** Which layer set this value: `defaults`, `local /etc/xlive/local.json`, `settings`, `env XLIVE_HTTP_PORT`. */
  origin(keyPath: string): string;
  /** One line per leaf: `http.port = 8080   (env XLIVE_HTTP_PORT)`, core first, then plugin sections. */
  describe(): string;
  /** The leaves `describe()` lists, as data: dotted key, value (not masked) and origin. */
  entries(): ConfigEntry[];
  /**
   * Plugin `id`'s section: file and settings layers plus its env variables, validated against
   * `schema` (defaults applied), frozen. Throws ConfigError naming key, value and layer.
   */
  pluginSection(id: string, schema: object): Readonly<Record<string, unknown>>;
  /**
   * Warnings for XLIVE_* variables that map to no core key and no key of the given plugins
   * (id → config schema); call once plugins are discovered.
   */
  envWarnings(pluginSchemas: Readonly<Record<string, object>>): readonly string[];
}

/** One leaf of the effective configuration and the layer that set it. */
export interface ConfigEntry {
  key: string;
  value: unknown;
  /** `defaults`, `settings`, `local /etc/xlive/local.json`, `env XLIVE_HTTP_PORT`. */
  origin: string;
}

export interface LoadedConfigParts {
  values: Readonly<CoreConfig>;
  layers: readonly ConfigLayerInfo[];
  warnings: readonly string[];
  provenance: Provenance;
  env: Env;
  /** XLIVE_* variables not used by core: possible plugin keys. */
  pluginCandidates: readonly string[];
  ajv: Ajv;
}

const PLUGIN_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

interface ResolvedSection {
  values: Readonly<Record<string, unknown>>;
  provenance: Provenance;
}

export class LoadedConfigImpl implements LoadedConfig {
  readonly values: Readonly<CoreConfig>;
  readonly layers: readonly ConfigLayerInfo[];
  readonly warnings: readonly string[];
  /** Plugin sections resolved so far, for `origin()` and `describe()`. */
  private readonly resolved = new Map<string, ResolvedSection>();

  constructor(private readonly parts: LoadedConfigParts) {
    this.values = parts.values;
    this.layers = Object.freeze(parts.layers.map((l) => Object.freeze({ ...l })));
    this.warnings = Object.freeze([...parts.warnings]);
  }

  origin(keyPath: string): string {
    const m = /^plugins\.([^.]+)\.(.+)$/.exec(keyPath);
    const section = m ? this.resolved.get(m[1]!) : undefined;
    return section ? section.provenance.origin(m![2]!) : this.parts.provenance.origin(keyPath);
  }

  describe(): string {
    return describeEntries(this.entries().map((e) => [e.key, e.value] as const), (key) => this.origin(key));
  }

  entries(): ConfigEntry[] {
    const { plugins, ...core } = this.values;
    const entries = leaves(core as ConfigTree);
    const ids = [...new Set([...Object.keys(plugins), ...this.resolved.keys()])].sort();
    for (const id of ids) {
      const base = `plugins.${id}`;
      const tree = this.resolved.get(id)?.values ?? plugins[id] ?? {};
      const own = leaves(tree as ConfigTree, base);
      entries.push(...(own.length > 0 ? own : [[base, {}] as [string, unknown]]));
    }
    return entries.map(([key, value]) => ({ key, value, origin: this.origin(key) }));
  }

  pluginSection(id: string, schema: object): Readonly<Record<string, unknown>> {
    if (!PLUGIN_ID.test(id)) {
      throw new ConfigError(`config: plugin id ${JSON.stringify(id)} must be lower-case kebab-case`, {
        details: { key: 'plugins', value: id, layer: 'plugin manifest' },
      });
    }
    if (!isPlainObject(schema)) {
      throw new ConfigError(`config: plugin ${id} has an invalid schema: not an object`);
    }
    const base = `plugins.${id}`;
    const raw = this.values.plugins[id];
    const section: ConfigTree = isPlainObject(raw) ? deepClone(raw) : {};
    const provenance = this.parts.provenance.scoped(base);
    for (const patch of readPluginEnv(this.parts.env, this.parts.pluginCandidates, id, schema)) {
      mergeLayer(section, patch, provenance, '');
    }
    const validate = compileSchema(this.parts.ajv, schema, `plugin ${id}`);
    validateTree(validate, section, base, (rel) =>
      rel === '' ? this.parts.provenance.origin(base) : provenance.origin(rel),
    );
    const values = deepFreeze(section);
    this.resolved.set(id, { values, provenance });
    return values;
  }

  envWarnings(pluginSchemas: Readonly<Record<string, object>>): readonly string[] {
    return Object.freeze(unusedEnvWarnings(this.parts.pluginCandidates, pluginSchemas));
  }
}
