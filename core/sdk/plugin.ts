import type { Logger } from './logger.js';
import type { PluginCommand } from './cli.js';
import type { AuthApi } from './auth.js';
import type { EventsApi } from './events.js';
import type { GatesApi } from './gates.js';
import type { PluginFaultSummary, PluginTimers } from './faults.js';
import type { HealthCheck, HealthReport } from './health.js';
import type { HttpRegistrar } from './http.js';
import type { MetricsApi } from './metrics.js';
import type { NetApi } from './net.js';
import type { StorageProvider } from './storage.js';
import type { StreamApi } from './streams.js';

/**
 * The plugin API version this host implements. Manifests state a semver range of it in `apiVersion`.
 * 1.1.0: `ctx.net` (own TCP listeners behind the host's connection caps), `ctx.timers`, `ctx.run`,
 * fault summaries in plugin status.
 * 1.2.0: `PluginInstance.reconfigure` (config changes applied live).
 * 1.3.0: `ctx.gates` (publish/play gate chain) and the `streams:gate` permission.
 */
export const PLUGIN_API_VERSION = '1.3.0';

export type PluginKind = 'protocol' | 'storage' | 'auth' | 'metrics' | 'other';

/**
 * Permissions a manifest may ask for:
 * `http` (routes under /plugins/<id>), `http:mount` (its `httpMounts` at top level), `http:public`
 * (routes without credentials), `streams:publish`, `streams:read`, `net:listen` (own listeners),
 * `storage:provide`, `auth:provide`, `streams:gate` (join the publish/play gate chain, `ctx.gates.register`).
 */
export type PluginPermission =
  | 'http'
  | 'http:mount'
  | 'http:public'
  | 'streams:publish'
  | 'streams:read'
  | 'net:listen'
  | 'storage:provide'
  | 'auth:provide'
  | 'streams:admin'
  | 'metrics:expose'
  | 'events:write'
  | 'streams:gate';

/** The `"xlive"` section of a plugin's package.json, plus name/version/main from the package. */
export interface PluginManifest {
  id: string;
  /** package.json name and version */
  packageName: string;
  version: string;
  description?: string;
  /** Semver range of the host plugin API (`^1.0.0`). */
  apiVersion: string;
  kinds: PluginKind[];
  permissions: PluginPermission[];
  dependsOn: string[];
  /** JSON Schema of the plugin's config section (`plugins.<id>`). */
  configSchema: Record<string, unknown>;
  /** Top-level HTTP prefixes this plugin serves (`/flv`); needs `http:mount`. */
  httpMounts: string[];
  /** Whether the plugin starts enabled when the box has never been told otherwise. */
  enabledByDefault: boolean;
  /** Absolute path of the ESM entry. */
  main: string;
  /** Absolute folder of the plugin. */
  dir: string;
  /** `builtin` or `external`. */
  source: 'builtin' | 'external';
  /** `xlive.commands`: the console commands the plugin contributes (API 1.3.0). */
  commands?: string[];
}

/** A SQL migration owned by a plugin; applied once, in `version` order, inside a transaction. */
export interface Migration {
  version: number;
  name: string;
  up: string | ((db: PluginDatabase) => void);
}

/** The minimal SQLite surface plugins get (better-sqlite3 semantics, synchronous). */
export interface PluginStatement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
export interface PluginDatabase {
  exec(sql: string): void;
  prepare(sql: string): PluginStatement;
  transaction<T>(fn: () => T): T;
}

/** Namespaced persistent state of one plugin. */
export interface PluginStore {
  get<T = unknown>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  /**
   * Apply this plugin's numbered migrations (recorded per owner) and return the database.
   * Name your tables `<plugin_id_with_underscores>_<name>`.
   */
  migrate(migrations: readonly Migration[]): PluginDatabase;
}

export interface PluginPaths {
  /** Persistent directory for this plugin (`<data dir>/plugin-data/<id>`), created on demand. */
  data: string;
  /** Runtime directory (tmpfs on the box: `/run/xlive/<id>`), created on demand. */
  runtime: string;
}

export interface PluginContext<C = Record<string, unknown>> {
  readonly id: string;
  /** Validated against the manifest's configSchema (defaults applied), frozen. */
  readonly config: Readonly<C>;
  readonly log: Logger;
  /** Aborted when the plugin is stopped. */
  readonly signal: AbortSignal;
  readonly paths: PluginPaths;
  readonly streams: StreamApi;
  readonly http: HttpRegistrar;
  readonly health: { register(check: HealthCheck): void; report(): Promise<HealthReport> };
  readonly events: EventsApi;
  /** Read-only view of the plugins on this box. */
  readonly plugins: { list(): PluginSummary[] };
  readonly metrics: MetricsApi;
  readonly auth: AuthApi;
  /** The publish/play gate chain: protocol plugins ask it, plugins with `streams:gate` join it (API 1.3). */
  readonly gates: GatesApi;
  /** The storage provider registry: a storage plugin registers, others look up by name or take the default. */
  readonly storage: { register(provider: StorageProvider): void; get(name?: string): StorageProvider | undefined };
  readonly store: PluginStore;
  /** Own TCP listeners behind the host's connection caps (needs `net:listen`); closed when the plugin stops. */
  readonly net: NetApi;
  /** Host facts a plugin may show or use. */
  readonly host: PluginHostInfo;
  /** Timers the host clears when the plugin stops or fails; an error in one is the plugin's fault. */
  readonly timers: PluginTimers;
  /**
   * Async work on the plugin's behalf: a rejection (or a throw of `work()`) is recorded as the plugin's
   * fault instead of becoming an unhandled rejection, and the promise resolves to `undefined` then.
   * After the plugin stopped, failures are only logged at debug level.
   */
  run<T>(work: Promise<T> | (() => T | Promise<T>)): Promise<T | undefined>;
}

export interface PluginHostInfo {
  version: string;
  apiVersion: string;
  /** The bound HTTP port, once listening. */
  httpPort(): number | undefined;
  /** Tell the host a listener is up (shown in status, written to the ports file tests read). */
  reportListener(name: string, address: { host: string; port: number }): void;
  /** Where the box listens (`http`, `rtmp`, …), as reported so far. */
  listeners(): Record<string, { host: string; port: number }>;
  /**
   * The names and addresses this box answers to, lower-case, best first: configured public names
   * (`http.publicNames`), non-loopback interface addresses (IPv4 first), `<hostname>.local` and the
   * host name, then `localhost`, `127.0.0.1`, `::1`. What the host checks `Host`/`Origin` against.
   */
  boxNames(): readonly string[];
}

export interface PluginSummary {
  id: string;
  version: string | null;
  kinds: PluginKind[];
  source: 'builtin' | 'external';
  enabled: boolean;
  state: 'disabled' | 'loaded' | 'running' | 'failed' | 'skipped' | 'stopped';
  error: { code: string; message: string } | null;
  /** Faults and slow callbacks charged to the plugin since start (absent before it was set up). */
  faults?: PluginFaultSummary;
}

/** What `setup` may return: the running instance's own start/stop, closing over what setup built. */
export interface PluginInstance {
  start?(): void | Promise<void>;
  stop?(): void | Promise<void>;
  /**
   * Take a changed config section without a restart (API 1.2.0; `PATCH /api/v1/config`,
   * `PUT|PATCH /api/v1/plugins/<id>/config`). Called while the plugin runs, with the new section
   * validated against its schema (defaults applied, frozen) and the previous one. Return the keys
   * (relative dotted paths, `segmentMs`) it could NOT apply live — those wait for a restart — or
   * nothing when all applied. Throw a coded error (ConfigError) to refuse the section: the change is
   * then not saved. Without this method every change of the section waits for a restart.
   * `ctx.config` keeps the section the plugin was set up with.
   */
  reconfigure?(next: Readonly<Record<string, unknown>>, previous: Readonly<Record<string, unknown>>): void | readonly string[] | Promise<void | readonly string[]>;
}

export interface PluginDefinition<C = Record<string, unknown>> {
  /**
   * Synchronous wiring: register routes, checks, metrics, providers. Registration closes when it returns.
   * It may return `{ start, stop }` closing over what it built (preferred: no module-level state); those
   * are used instead of the definition's `start`/`stop`.
   */
  setup(ctx: PluginContext<C>): void | PluginInstance;
  /** Start listeners and timers. Awaited with a timeout, in dependency order. */
  start?(ctx: PluginContext<C>): void | Promise<void>;
  /** Stop everything started. Reverse order, with a timeout. */
  stop?(ctx: PluginContext<C>): void | Promise<void>;
  /** Console commands (`xlive <name>`), run without starting the box; names also in `xlive.commands` (see cli.ts). */
  commands?: readonly PluginCommand<C>[];
}

/** The default export of every plugin. */
export function definePlugin<C = Record<string, unknown>>(def: PluginDefinition<C>): PluginDefinition<C> {
  if (typeof def !== 'object' || def === null || typeof def.setup !== 'function') {
    throw new TypeError('definePlugin() needs an object with a setup(ctx) function');
  }
  return def;
}
