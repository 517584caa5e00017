/**
 * `xlive/sdk/testing`: test a plugin against the real core parts — the stream hub, the HTTP app with its
 * guards and problem+json, the SQLite store, the registries and the gate chain — in one process, without
 * importing core internals. Its types are the SDK's and the narrow views below; what sits behind them is
 * the host's own code (host-parts.ts), so a test sees what a box would do.
 *
 *   const t = createTestContext({ id: 'hello', manifestFrom: import.meta.url, config: {} });
 *   const instance = plugin.setup(t.ctx); t.commit(); await instance?.start?.();
 *   const srv = await t.serve(); await fetch(`${srv.url}/plugins/hello/…`);
 *   …; await instance?.stop?.(); t.release(); await srv.close(); t.dispose();
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuthApi, AuthProvider } from '../auth.js';
import type { BoxEvent, EventFilter, EventInit } from '../events.js';
import type { GateAction, GateDefinition, GateOutcome, GateQuery, GateRequest } from '../gates.js';
import type { HealthReport } from '../health.js';
import type { HttpMethod, RouteOptions } from '../http.js';
import type { Logger } from '../logger.js';
import { PluginError } from '../errors.js';
import type { PluginContext, PluginManifest } from '../plugin.js';
import type { StorageProvider } from '../storage.js';
import type { StreamApi } from '../streams.js';
import { createSharedParts, createTestContext as createConcrete, type SharedParts } from './host-parts.js';
import { StreamHub } from '../../streams/stream-hub.js';

export { SeededRandom, seededRandom } from './seeded-random.js';
export { FLV_HEADER_AV, SAMPLE_FLV, flvBytes, flvTagBytes, type FlvTagSpec } from './flv-bytes.js';
/** Frames for codec tests: the hub's own Frame implementation (plain fields plus a `shared()` memo). */
export { MediaFrame as TestFrame } from '../../streams/media-frame.js';
import type { StreamHubOptions } from '../../streams/stream-hub.js';
import { silentLogger } from './test-logger.js';
export { silentLogger, recordingLogger, type RecordedLine, type RecordingLogger } from './test-logger.js';
import { testGateChain as concreteGateChain } from './test-gate-chain.js';

/** The stream hub's tuning (the box's `streams.*` settings): the hub's own options type. */
export type TestHubOptions = StreamHubOptions;

/** A real stream hub, seen as plugins see it (`ctx.streams`, with every permission), and stopped as the box stops it. */
export interface TestHub extends StreamApi {
  /** End every stream and reader, as at shutdown (readers close with `shutdown`). */
  stop(): void;
}

/** A real stream hub; `now` replaces its clock (milliseconds), for tests of queue ages and grace periods. */
export function createTestHub(options: Partial<TestHubOptions> & { now?: () => number } = {}): TestHub {
  const { now, ...tuning } = options;
  return new StreamHub(tuning, silentLogger(), now);
}

/** The publish/play gate chain of a lab box (no auth provider: registered gates decide, none allows). */
export interface TestGateChain {
  chain: {
    /** Join as `owner`, as `ctx.gates.register` does for a plugin. */
    register(owner: string, gate: GateDefinition): void;
    decide(query: GateQuery): Promise<GateOutcome>;
    list(): Array<{ id: string; order: number; actions: GateAction[]; timeoutMs: number; onError: 'deny' | 'allow' }>;
  };
  /** Every refusal, with the request and the outcome. */
  refusals: Array<{ request: GateRequest; outcome: Extract<GateOutcome, { allow: false }> }>;
  /** Every request a gate added with `gate()` saw. */
  seen: GateRequest[];
  /** Register `decide` (or a full definition) as the gate `test` at order 100. */
  gate(decide: GateDefinition['decide'] | GateDefinition): void;
}

export function testGateChain(streams: Pick<StreamApi, 'parsePath'>, opts: { labMode?: boolean; available?: boolean } = {}): TestGateChain {
  return concreteGateChain(streams, opts);
}

/** A route a plugin registered, as the route table holds it. */
export interface TestRoute {
  owner: string;
  method: HttpMethod;
  path: string;
  options: RouteOptions;
}

/** The SQLite database behind `ctx.store` (better-sqlite3), for a test that looks at its tables. */
export interface TestDatabase {
  prepare(sql: string): { all(...params: unknown[]): unknown[]; get(...params: unknown[]): unknown; run(...params: unknown[]): unknown };
  close(): void;
}

/**
 * The box around one or more plugins under test: what a test looks at besides the plugin's own context.
 * Several contexts can share one (`shared`), e.g. a plugin and the plugin it depends on.
 */
export interface TestBox {
  hub: TestHub;
  gates: TestGateChain;
  /** Every route registered so far. */
  routes: { readonly routes: readonly TestRoute[] };
  health: { run(): Promise<HealthReport>; names(): string[] };
  /** The Prometheus text the box's `/metrics` would serve. */
  metrics: { exposition(): Promise<{ contentType: string; body: string }> };
  /** Auth providers: register one to test routes behind a scope (without one the box is a lab box: open). */
  auth: { register(provider: AuthProvider, owner?: string): void; readonly available: boolean };
  /** The event timeline (`plugin.*`, `stream.*`, what plugins emitted). */
  events: { list(filter?: EventFilter): BoxEvent[]; record(source: string, init: EventInit): BoxEvent | undefined };
  /** Storage providers: register one (e.g. in memory) for a plugin that stores through `ctx.storage`. */
  storage: { register(provider: StorageProvider): void; get(name?: string): StorageProvider | undefined };
  db: TestDatabase;
  /** The temporary folder holding `data/` (ctx.paths.data's parent) and `run/`. */
  root: string;
  /** Listeners plugins opened (`ctx.net`), by name. */
  listeners: Map<string, { host: string; port: number }>;
  /** Connections the listener guards refused (caps per address, totals). */
  refusals: Array<{ listener: string; reason: string; clientKey: string }>;
}

export interface TestBoxOptions {
  hub?: TestHub;
  hubOptions?: Partial<TestHubOptions>;
  /** A SQLite file for the store (default: in memory). */
  dbFile?: string;
}

export function createTestBox(opts: TestBoxOptions = {}): TestBox {
  return createSharedParts({ ...opts, hub: opts.hub as StreamHub | undefined }) satisfies TestBox;
}

export interface TestContextOptions<C> {
  id: string;
  /**
   * Where the plugin's manifest is: its folder, its package.json, or any file below it — pass
   * `import.meta.url` from a test beside the plugin and the nearest package.json with an `"xlive"`
   * section is read, as the box would (permissions, mounts, config schema). Without it (and without
   * `manifest`) a manifest granting every permission is made up.
   */
  manifestFrom?: string | URL;
  /** Manifest fields to override (e.g. fewer `permissions`, to test a refusal). */
  manifest?: Partial<PluginManifest>;
  /** The plugin's configuration as `ctx.config` (given as is: the box would fill defaults from the schema). */
  config?: C;
  /** Share the box with other contexts (default: a new one). */
  shared?: TestBox;
  hub?: TestHub;
  hubOptions?: Partial<TestHubOptions>;
  dbFile?: string;
  /** Replace the auth API the plugin sees (e.g. a recording stub). */
  auth?: AuthApi;
  /** A gate (order 100) on the box's chain, named `test` (without one the lab chain allows). */
  gate?: GateDefinition['decide'] | GateDefinition;
  /** The box's logger (default: silent); the plugin gets `log.child(id)`. See recordingLogger(). */
  log?: Logger;
}

export interface TestServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface TestContext<C> {
  /** The plugin's context, made by the host's own factory: pass it to `plugin.setup`. */
  ctx: PluginContext<C>;
  hub: TestHub;
  /** The box around the plugin. */
  parts: TestBox;
  listeners: Map<string, { host: string; port: number }>;
  /** Close registration, as the host does when `setup` returns (later registrations throw PLUGIN_REGISTRATION_CLOSED). */
  commit(): void;
  /** What the host does at stop: abort `ctx.signal`, drop event listeners, health checks, timers, listeners. */
  release(): void;
  /** Serve the registered routes on the real HTTP app (guards, rate limits, problem+json, route docs checked) on 127.0.0.1:0. */
  serve(): Promise<TestServer>;
  /** Close the database and remove the temporary folder (after release and close). */
  dispose(): void;
}

export function createTestContext<C = Record<string, unknown>>(opts: TestContextOptions<C>): TestContext<C> {
  const { manifestFrom, shared, hub, ...rest } = opts;
  const t = createConcrete<C>({
    ...rest,
    ...(shared ? { shared: shared as SharedParts } : {}),
    ...(hub ? { hub: hub as StreamHub } : {}),
    ...(manifestFrom !== undefined ? { manifestDir: findManifestDir(manifestFrom) } : {}),
  });
  return {
    ...t,
    dispose: () => {
      if (shared) return;
      t.parts.db.close();
      rmSync(t.parts.root, { recursive: true, force: true });
    },
  };
}

/** The nearest folder at or above `from` whose package.json has an `"xlive"` section. */
export function findManifestDir(from: string | URL): string {
  let dir = typeof from === 'string' && !from.startsWith('file:') ? from : fileURLToPath(from);
  if (existsSync(dir) && !statSync(dir).isDirectory()) dir = dirname(dir);
  for (let i = 0; i < 64; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      if (pkg['xlive'] !== undefined) return dir;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new PluginError('PLUGIN_MANIFEST_INVALID', `no package.json with an "xlive" section at or above ${String(from)}`);
}
