/**
 * The configuration of the running box, changeable through the API (`/api/v1/config`): the current
 * LoadedConfig, the view `GET` shows (what `xlive config check` lists, as data, redacted), and
 * changes saved in the settings layer (layer 5, SQLite). A change is checked before anything is
 * saved: the key is known, no higher layer (the environment) sets it, it is not console-only, and
 * the whole configuration loaded again with it passes the same schemas as at start. Then running
 * plugins are offered their new section (`PluginInstance.reconfigure`); what they cannot take live,
 * and every core key, waits for a restart — each change says which.
 */
import { ConfigError, ConfigLockedError, ValidationError } from '../errors/xlive-error.js';
import { CONSOLE_ONLY_KEYS, CONSOLE_ONLY_PATHS, PATH_KEYS, coreSchema } from './core-schema.js';
import { type Applied, coreApplied, pluginApplied, related } from './change-outcome.js';
import { type ConfigTree, deepClone, isPlainObject, leaves, removePath, setPath, valueAt } from './key-path.js';
import type { ConfigLayerInfo, LoadedConfig } from './loaded-config.js';
import { SETTINGS_ORIGIN } from './config-loader.js';
import { redactKey, redactValue } from './redact-config.js';
import { changedConfigKeys } from '../sdk/config-change.js';
import type { SchemaNode } from './schema-keys.js';

export type { Applied } from './change-outcome.js';

/** One segment of a key the settings table stores (SettingsRepository). */
const SETTING_SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Most keys one change may name. */
export const MAX_CHANGED_KEYS = 100;

type Section = Readonly<Record<string, unknown>>;

export interface RuntimeConfigDeps {
  initial: LoadedConfig;
  /** Load the configuration again with this settings layer (files and environment as at start). */
  load(settings: Record<string, unknown>): LoadedConfig;
  /** The settings layer as saved. */
  readSettings(): Record<string, unknown>;
  /** Save these changes in one transaction: a value sets the key, null removes it (and all below). */
  saveSettings(changes: ReadonlyArray<readonly [string, unknown]>): void;
  /** Config schemas of the discovered plugins, by id. */
  pluginSchemas(): Readonly<Record<string, Record<string, unknown>>>;
  /**
   * Offer running plugin `id` its new section. Returns the keys (relative to the section) it could
   * not take live, or undefined when it takes nothing live (not running, no `reconfigure`). May throw
   * a coded error refusing the section.
   */
  reconfigurePlugin(id: string, next: Section, previous: Section): Promise<readonly string[] | undefined>;
  /**
   * Apply the changed core keys (dotted leaves) that a running box can take; returns those applied.
   * May throw ConfigError (before changing anything) for values the schema cannot rule out.
   */
  applyCore?(next: LoadedConfig['values'], changed: readonly string[]): readonly string[];
}

export interface ConfigEntryView {
  key: string;
  value: unknown;
  /** `defaults`, `default`, the XLIVE_ENV name, `local`, `settings` or `env`. */
  layer: string;
  /** The layer and its source: `env XLIVE_HTTP_PORT`, `local /etc/xlive/local.json`. */
  origin: string;
  /** The API cannot change it: `env …` (a higher layer), `console-only` or `path`. */
  lockedBy: string | null;
}

export interface ConfigView {
  layers: readonly ConfigLayerInfo[];
  entries: ConfigEntryView[];
  /** Keys changed since the start that take effect only at the next (plugin) restart. */
  pendingRestart: string[];
  warnings: readonly string[];
}

export interface ConfigChange {
  key: string;
  /** The effective value after the change (redacted), and its layer. */
  value: unknown;
  layer: string;
  applied: Applied;
}

export class RuntimeConfig {
  private cur: LoadedConfig;
  private readonly pending = new Set<string>();
  /** Core leaves applied live since start: what runs is what the configuration says. */
  private readonly liveCore = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: RuntimeConfigDeps) {
    this.cur = deps.initial;
  }

  /** The configuration in effect (plugin sections resolved on demand). */
  current(): LoadedConfig {
    return this.cur;
  }

  view(): ConfigView {
    const cfg = this.cur;
    this.resolvePlugins(cfg);
    return {
      layers: cfg.layers,
      entries: cfg.entries().map((e) => ({
        key: redactKey(e.key),
        value: redactValue(e.key, e.value),
        layer: layerOf(e.origin),
        origin: e.origin,
        lockedBy: this.lockOf(e.key.split('.'), e.origin),
      })),
      pendingRestart: [...this.pending].sort().map(redactKey),
      warnings: cfg.warnings,
    };
  }

  /**
   * The JSON Schema of the whole configuration, as forms need it: the core schema with each
   * discovered plugin's `configSchema` under `plugins.properties.<id>` (the panel builds its forms from it).
   */
  schema(): Record<string, unknown> {
    const core = coreSchema as unknown as { properties: Record<string, Record<string, unknown>> };
    return {
      ...coreSchema,
      properties: { ...core.properties, plugins: { ...core.properties['plugins'], properties: { ...this.deps.pluginSchemas() } } },
    };
  }

  /** Plugin `id`'s validated section as the API shows it (redacted), or the error that keeps it from loading. */
  pluginConfig(id: string): { config: unknown; error: string | null } {
    const schema = this.deps.pluginSchemas()[id];
    if (!schema) return { config: null, error: 'no valid manifest' };
    try {
      return { config: redactValue(`plugins.${id}`, this.cur.pluginSection(id, schema)), error: null };
    } catch (err) {
      return { config: null, error: err instanceof Error ? err.message : String(err) };
    }
  }

  /**
   * Change values: `changes` maps dotted keys to values (null removes the key from the settings
   * layer, so the layer below shows through). All or nothing: an unknown key or invalid value is a
   * ValidationError (400), a locked key a ConfigLockedError (409), and nothing is saved then.
   */
  change(changes: Record<string, unknown>): Promise<ConfigChange[]> {
    // One change at a time: each starts from the configuration the previous one left.
    const run = this.queue.then(() => this.changeNow(changes));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async changeNow(changes: Record<string, unknown>): Promise<ConfigChange[]> {
    const keys = this.checkKeys(changes);
    const settings = deepClone(this.deps.readSettings()) as ConfigTree;
    for (const key of keys) {
      const value = changes[key];
      if (value === null) removePath(settings, key.split('.'));
      else setPath(settings, key.split('.'), deepClone(value));
    }
    let next: LoadedConfig;
    try {
      next = this.deps.load(settings);
    } catch (err) {
      throw asValidation(err);
    }
    const schemas = this.deps.pluginSchemas();
    const ids = [...new Set(keys.filter((k) => k.startsWith('plugins.')).map((k) => k.split('.')[1]!))];
    const sections = new Map<string, { next: Section; prev: Section }>();
    for (const id of ids) {
      let section: Section;
      try {
        section = next.pluginSection(id, schemas[id]!);
      } catch (err) {
        throw asValidation(err);
      }
      sections.set(id, { next: section, prev: this.sectionOf(this.cur, id) });
    }
    // Apply to the core, then offer running plugins their section, before saving: a refusal undoes the change.
    const coreChanged = changedConfigKeys(withoutPlugins(this.cur.values), withoutPlugins(next.values));
    let liveCore: readonly string[] = [];
    try {
      if (coreChanged.length > 0 && this.deps.applyCore) liveCore = this.deps.applyCore(next.values, coreChanged);
    } catch (err) {
      throw asValidation(err);
    }
    const restartKeys = new Map<string, ReadonlySet<string> | 'all'>();
    const offered: string[] = [];
    try {
      for (const [id, s] of sections) {
        const r = await this.deps.reconfigurePlugin(id, s.next, s.prev);
        offered.push(id);
        restartKeys.set(id, r === undefined ? 'all' : new Set(r));
      }
    } catch (err) {
      for (const id of offered) await this.deps.reconfigurePlugin(id, sections.get(id)!.prev, sections.get(id)!.next).catch(() => undefined);
      if (liveCore.length > 0) this.deps.applyCore?.(this.cur.values, liveCore);
      throw asValidation(err);
    }
    this.deps.saveSettings(keys.map((k) => [k, changes[k]] as const));
    for (const k of liveCore) this.liveCore.add(k);
    // A restart-only core key waits for a restart while it differs from the value the box started with.
    const sinceStart = changedConfigKeys(withoutPlugins(this.deps.initial.values), withoutPlugins(next.values));
    this.cur = next;
    this.resolvePlugins(next);
    return keys.map((key) => {
      const applied = key.startsWith('plugins.') ? pluginApplied(key, restartKeys) : coreApplied(key, sinceStart, this.liveCore);
      if (applied === 'restart') this.pending.add(key);
      else for (const k of [...this.pending]) if (related(k, key)) this.pending.delete(k);
      const value = key.startsWith('plugins.') ? pluginValue(sections, key) : valueAt(next.values, key);
      return { key: redactKey(key), value: redactValue(key, value), layer: layerOf(next.origin(key)), applied };
    });
  }

  /** Plugin `id` was restarted with the current config: its section's changes are no longer pending. */
  restarted(id: string): void {
    for (const k of [...this.pending]) if (k === `plugins.${id}` || k.startsWith(`plugins.${id}.`)) this.pending.delete(k);
  }

  /** Known, settable keys; throws for the first that is not. */
  private checkKeys(changes: Record<string, unknown>): string[] {
    if (!isPlainObject(changes)) throw new ValidationError('send a JSON object of dotted keys and values: {"plugins.hls.windowSize": 4}');
    const keys = Object.keys(changes);
    if (keys.length === 0 || keys.length > MAX_CHANGED_KEYS) {
      throw new ValidationError(`send 1 to ${MAX_CHANGED_KEYS} keys, got ${keys.length}`, { details: { keys: keys.length } });
    }
    const schemas = this.deps.pluginSchemas();
    // Plugin keys set by the environment are known once their section is resolved (disabled plugins too).
    this.resolvePlugins(this.cur);
    const locked: Array<{ key: string; lockedBy: string }> = [];
    for (const key of keys) {
      const segs = key.split('.');
      const value = changes[key];
      if (value === undefined) throw new ValidationError(`${key}: a value is required (null removes the setting)`, { details: { key } });
      if (segs[0] === 'plugins') {
        if (segs.length < 2 || !schemas[segs[1]!]) {
          throw new ValidationError(`${key} is not a known key: no plugin "${segs[1] ?? ''}" with a valid manifest`, { details: { key, value: redactValue(key, value), rule: 'is not a known key' } });
        }
      } else if (!declared(coreSchema as SchemaNode, segs)) {
        throw new ValidationError(`${key} is not a known configuration key`, { details: { key, value: redactValue(key, value), rule: 'is not a known key' } });
      }
      const paths = isPlainObject(value) && Object.keys(value).length > 0 ? leaves(value, key).map(([k]) => k) : [key];
      for (const p of paths) {
        const bad = p.split('.').find((s) => !SETTING_SEGMENT.test(s));
        if (bad !== undefined) {
          throw new ValidationError(`${redactKey(p)} cannot be saved as a setting: key segments are letters, digits, - and _`, { details: { key: redactKey(p), rule: 'key segments are letters, digits, - and _' } });
        }
        const by = this.lockOf(p.split('.'), this.cur.origin(p));
        if (by) locked.push({ key: redactKey(p), lockedBy: by });
      }
    }
    if (locked.length > 0) {
      const list = locked.map((l) => `${l.key} (${l.lockedBy})`).join(', ');
      throw new ConfigLockedError(`these keys cannot be changed through the API: ${list}; change them where they are set (the environment, or on the console), nothing was saved`, { details: { locked } });
    }
    return keys;
  }

  /** Why the API may not set this key (null: it may). */
  private lockOf(segs: readonly string[], origin: string): string | null {
    if ((PATH_KEYS as readonly string[]).includes(segs[0]!)) return 'path';
    if ((CONSOLE_ONLY_KEYS as readonly string[]).includes(segs[0]!)) return 'console-only';
    // `pluginHost.disable`, and a value for `pluginHost` that carries it.
    for (const p of CONSOLE_ONLY_PATHS) if (p.every((s, k) => k >= segs.length || segs[k] === s)) return 'console-only';
    return origin.startsWith('env ') ? origin : null;
  }

  private sectionOf(cfg: LoadedConfig, id: string): Section {
    try {
      return cfg.pluginSection(id, this.deps.pluginSchemas()[id]!);
    } catch {
      return {};
    }
  }

  /** Resolve every plugin section so origins (env variables) and listings cover them. */
  private resolvePlugins(cfg: LoadedConfig): void {
    for (const [id, schema] of Object.entries(this.deps.pluginSchemas())) {
      try {
        cfg.pluginSection(id, schema);
      } catch {
        // an invalid section: its plugin reports the error; the listing shows the raw values
      }
    }
  }
}

/** `env XLIVE_HTTP_PORT` → `env`; `local /etc/xlive/local.json` → `local`. */
function layerOf(origin: string): string {
  const sp = origin.indexOf(' ');
  return sp < 0 ? origin : origin.slice(0, sp);
}

function declared(schema: SchemaNode, segs: readonly string[]): boolean {
  let node: SchemaNode | undefined = schema;
  for (const s of segs) {
    node = node?.properties && Object.hasOwn(node.properties, s) ? node.properties[s] : undefined;
    if (!node) return false;
  }
  return true;
}

function pluginValue(sections: Map<string, { next: Section }>, key: string): unknown {
  const [, id, ...rest] = key.split('.');
  const section = sections.get(id!)?.next;
  return rest.length === 0 ? section : valueAt(section, rest.join('.'));
}

function withoutPlugins(values: LoadedConfig['values']): Record<string, unknown> {
  const { plugins: _plugins, ...core } = values;
  return core;
}

/** A config error of the candidate is the caller's: 400 naming the key, the value and the rule. */
function asValidation(err: unknown): unknown {
  if (!(err instanceof ConfigError)) return err;
  const d = err.details ?? {};
  const errors = Array.isArray(d['errors']) ? (d['errors'] as Array<{ message?: string }>) : [];
  const rule = errors[0]?.message ?? err.message;
  return new ValidationError(err.message.replace(/\(from settings\)/g, '(the value sent)'), {
    cause: err,
    details: { ...d, rule, ...(d['layer'] === SETTINGS_ORIGIN ? { layer: 'settings' } : {}) },
  });
}
