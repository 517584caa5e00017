/**
 * A real PluginContext for in-process plugin tests, cut by the host's own context factory from real
 * core parts: StreamHub, registries, SQLite store (in memory), route table. `serve()` mounts what the
 * plugin registered on the real HTTP app and listens on 127.0.0.1:0.
 *
 * This is the concrete layer under `xlive/sdk/testing` (index.ts), typed with core classes; the core's
 * own tests use it through test/helpers/plugin-context.ts. It is the one part of core/sdk that imports
 * the rest of the core: it is the host in miniature, and it is reached only through `xlive/sdk/testing`.
 */
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthRegistry } from '../../auth/auth-registry.js';
import { HealthRegistry } from '../../health/health-registry.js';
import { PolicyTable } from '../../http/access-policy.js';
import { createHttpApp } from '../../http/http-app.js';
import { HttpRateLimits } from '../../http/rate-limits.js';
import { SecuredRouter } from '../../http/secured-router.js';
import { EventLog } from '../../events/event-log.js';
import { HttpServer } from '../../http/http-server.js';
import { RouteTable } from '../../http/route-table.js';
import { RouteDocCompiler } from '../../http/route-doc-compiler.js';
import { silentLogger, type Logger } from '../../logging/logger.js';
import { MetricsRegistry } from '../../metrics/metrics-registry.js';
import { readManifest } from '../../plugins/manifest.js';
import { buildPluginContext } from '../../plugins/plugin-context-factory.js';
import type { FaultBoundary } from '../../plugins/plugin-faults.js';
import type { AuthApi } from '../auth.js';
import type { GateDefinition } from '../gates.js';
import { testGateChain, type TestGateChain } from './test-gate-chain.js';
import type { PluginContext, PluginManifest, PluginPermission } from '../plugin.js';
import { StorageRegistry } from '../../storage/storage-registry.js';
import { FdBudget } from '../../net/fd-budget.js';
import { ListenerGuards } from '../../net/listener-guards.js';
import { CORE_MIGRATIONS, CORE_OWNER, EventRepository, Migrator, createPluginStore, openDatabase, singlePluginDatabase, type SqliteDatabase } from '../../store/index.js';
import { StreamHub, type StreamHubOptions } from '../../streams/stream-hub.js';

export interface TestContextOptions<C> {
  id: string;
  config?: C;
  hub?: StreamHub;
  hubOptions?: Partial<StreamHubOptions>;
  /** Replace the auth registry (e.g. a recording stub). */
  auth?: AuthApi;
  /** A publish/play gate (order 100) on the shared chain, as `test` (without one the lab chain allows). */
  gate?: GateDefinition['decide'] | GateDefinition;
  log?: Logger;
  /** SQLite file for ctx.store (default: in memory). */
  dbFile?: string;
  /** Manifest overrides; by default read from `<manifestDir>/package.json` when it exists. */
  manifest?: Partial<PluginManifest>;
  /** The folder of the plugin's package.json (its manifest); without it, one granting every permission is made up. */
  manifestDir?: string;
  /** Share registries between several plugin contexts (e.g. hls + storage-local). */
  shared?: SharedParts;
  /** The plugin's fault boundary (default: one that only logs and counts). */
  faults?: FaultBoundary;
}

export interface SharedParts {
  hub: StreamHub;
  routes: RouteTable;
  health: HealthRegistry;
  metrics: MetricsRegistry;
  auth: AuthRegistry;
  /** The publish/play gate chain (lab: registered gates decide, none allows), with its refusals. */
  gates: TestGateChain;
  storage: StorageRegistry;
  db: SqliteDatabase;
  migrator: Migrator;
  events: EventLog;
  root: string;
  listeners: Map<string, { host: string; port: number }>;
  /** Guarded plugin listeners (ctx.net); refusals are only counted in `refusals`. */
  net: ListenerGuards;
  refusals: Array<{ listener: string; reason: string; clientKey: string }>;
}

export interface TestContext<C> {
  ctx: PluginContext<C>;
  hub: StreamHub;
  parts: SharedParts;
  /** Commit what setup registered (the host does this when setup returns). */
  commit(): void;
  /** Stop: abort the signal and release event listeners / checks. */
  release(): void;
  listeners: Map<string, { host: string; port: number }>;
  /** Serve the registered routes on the real HTTP app, on 127.0.0.1:0. */
  serve(): Promise<{ url: string; port: number; close(): Promise<void> }>;
}

const ALL_PERMISSIONS: PluginPermission[] = ['http', 'http:mount', 'http:public', 'streams:publish', 'streams:read', 'net:listen', 'storage:provide', 'auth:provide', 'streams:gate'];

export function createSharedParts(opts: { hub?: StreamHub; hubOptions?: Partial<StreamHubOptions>; dbFile?: string } = {}): SharedParts {
  const db = openDatabase(opts.dbFile ?? ':memory:', silentLogger());
  const listeners = new Map<string, { host: string; port: number }>();
  const refusals: SharedParts['refusals'] = [];
  const migrator = new Migrator(db, silentLogger());
  migrator.migrate(CORE_OWNER, CORE_MIGRATIONS);
  const hub = opts.hub ?? new StreamHub(opts.hubOptions ?? {});
  return {
    hub,
    gates: testGateChain(hub),
    routes: new RouteTable(new RouteDocCompiler()),
    health: new HealthRegistry(),
    metrics: new MetricsRegistry(),
    // In-process plugin tests run the open lab policy unless they register a provider (the box itself fails closed).
    auth: new AuthRegistry({ labMode: true }),
    storage: new StorageRegistry(),
    db,
    migrator,
    events: new EventLog(new EventRepository(db), 10_000, silentLogger()),
    root: mkdtempSync(join(tmpdir(), 'xlive-test-')),
    listeners,
    net: new ListenerGuards({
      budget: new FdBudget(undefined, 0, silentLogger()),
      sink: { refused: (listener, reason, clientKey) => void refusals.push({ listener, reason, clientKey }) },
      listenerDefaults: { maxTotal: 1024, maxIdleTotal: 128, maxPerIp: 500, maxIdlePerIp: 16, reserved: 16 },
      reportListener: (name, address) => void listeners.set(name, address),
      log: silentLogger(),
    }),
    refusals,
  };
}

function manifestFor(id: string, manifestDir: string | undefined, overrides: Partial<PluginManifest> = {}): PluginManifest {
  const dir = manifestDir ?? '';
  const base: PluginManifest = manifestDir !== undefined && existsSync(join(dir, 'package.json'))
    ? readManifest(dir, 'builtin')
    : { id, packageName: id, version: '0.0.0', apiVersion: '^1.0.0', kinds: ['other'], permissions: ALL_PERMISSIONS, dependsOn: [], configSchema: {}, httpMounts: [], enabledByDefault: true, main: '', dir, source: 'builtin' };
  return { ...base, ...overrides };
}

export function createTestContext<C = Record<string, unknown>>(opts: TestContextOptions<C>): TestContext<C> {
  const parts = opts.shared ?? createSharedParts({ hub: opts.hub, hubOptions: opts.hubOptions, dbFile: opts.dbFile });
  const manifest = manifestFor(opts.id, opts.manifestDir, opts.manifest);
  const log = opts.log ?? silentLogger();
  let running = true;
  const auth = opts.auth ?? parts.auth;
  if (opts.gate) parts.gates.gate(opts.gate);
  const built = buildPluginContext<C>(
    manifest,
    Object.freeze({ ...(opts.config ?? {}) }) as C,
    {
      streams: parts.hub,
      routes: parts.routes,
      health: parts.health,
      metrics: parts.metrics,
      auth: auth as AuthRegistry,
      gates: parts.gates.chain,
      storage: parts.storage,
      storeFor: (owner) => createPluginStore(parts.db, owner, singlePluginDatabase(parts.db, silentLogger())),
      events: parts.events,
      plugins: () => [],
      host: {
        version: '0.0.0-test',
        apiVersion: '1.0.0',
        httpPort: () => undefined,
        reportListener: (name, address) => void parts.listeners.set(name, address),
        listeners: () => Object.fromEntries(parts.listeners),
        boxNames: () => ['localhost', '127.0.0.1', '::1'],
      },
      net: parts.net,
      dataDir: join(parts.root, 'data'),
      runtimeDir: join(parts.root, 'run'),
      log,
    },
    () => running,
    opts.faults,
  );
  return {
    ctx: built.ctx,
    hub: parts.hub,
    parts,
    listeners: parts.listeners,
    commit: () => built.gate.commit(),
    release: () => {
      running = false;
      built.abort.abort();
      built.release();
    },
    async serve() {
      const app = createHttpApp({ bodyLimitBytes: 1024 * 1024, log });
      const limits = new HttpRateLimits({ apiPerIpPerMinute: 100_000, apiPerTokenPerMinute: 100_000, mediaPerIpPerMinute: 1_000_000, trustProxy: false });
      // In-process plugin tests also check what documented routes answer against their doc.
      new SecuredRouter(app, new PolicyTable(), parts.auth, limits, false, undefined, new RouteDocCompiler({ checkResponses: true, log })).mountPluginRoutes(parts.routes);
      const server = new HttpServer(app, parts.routes, { host: '127.0.0.1', port: 0, requestTimeoutMs: 30_000 }, log);
      await server.start();
      const port = server.port!;
      return { url: `http://127.0.0.1:${port}`, port, close: () => server.stop() };
    },
  };
}
