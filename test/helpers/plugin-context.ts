/**
 * A PluginContext for in-process plugin tests: a real StreamHub, open auth (or one you pass), a
 * silent logger, in-memory store, and an HTTP registrar that records what the plugin registers.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../../core/logging/logger.js';
import type { AuthApi, AuthProvider, Principal } from '../../core/sdk/auth.js';
import type { HealthCheck } from '../../core/sdk/health.js';
import type { HttpMethod, HttpRegistrar, RouteHandler, RouteOptions, UpgradeHandler } from '../../core/sdk/http.js';
import type { Counter, Gauge, Histogram, MetricsApi } from '../../core/sdk/metrics.js';
import type { PluginContext, PluginDatabase, PluginStore } from '../../core/sdk/plugin.js';
import type { StorageProvider } from '../../core/sdk/storage.js';
import { StreamHub, type StreamHubOptions } from '../../core/streams/stream-hub.js';

export interface TestContextOptions<C> {
  id: string;
  config?: C;
  hub?: StreamHub;
  hubOptions?: Partial<StreamHubOptions>;
  auth?: AuthApi;
  log?: Logger;
}

export interface RecordedRoute {
  method: HttpMethod;
  path: string;
  handler: RouteHandler;
  options: RouteOptions;
}

export interface TestContext<C> {
  ctx: PluginContext<C>;
  hub: StreamHub;
  routes: RecordedRoute[];
  upgrades: Array<{ prefix: string; handler: UpgradeHandler }>;
  checks: HealthCheck[];
  listeners: Map<string, { host: string; port: number }>;
  abort: AbortController;
}

/** Everyone is anonymous and may do anything (the default policy with no auth plugin). */
export function openAuth(): AuthApi {
  const providers: AuthProvider[] = [];
  const anonymous: Principal = { id: 'anonymous', kind: 'anonymous', scopes: [] };
  return {
    register: (p) => void providers.push(p),
    authenticate: async () => anonymous,
    authorize: async () => true,
  };
}

function noopMetrics(): MetricsApi {
  const counter: Counter = { inc() {} };
  const gauge: Gauge = { set() {}, inc() {}, dec() {} };
  const histogram: Histogram = { observe() {} };
  return {
    counter: () => counter as never,
    gauge: () => gauge as never,
    histogram: () => histogram as never,
  };
}

function memoryStore(): PluginStore {
  const kv = new Map<string, unknown>();
  return {
    get: <T>(k: string) => kv.get(k) as T | undefined,
    set: (k, v) => void kv.set(k, v),
    delete: (k) => void kv.delete(k),
    migrate: (): PluginDatabase => {
      throw new Error('the test context has no database; use the appliance for SQL-backed plugins');
    },
  };
}

export function createTestContext<C = Record<string, unknown>>(opts: TestContextOptions<C>): TestContext<C> {
  const hub = opts.hub ?? new StreamHub(opts.hubOptions ?? {});
  const routes: RecordedRoute[] = [];
  const upgrades: Array<{ prefix: string; handler: UpgradeHandler }> = [];
  const checks: HealthCheck[] = [];
  const listeners = new Map<string, { host: string; port: number }>();
  const storages = new Map<string, StorageProvider>();
  const abort = new AbortController();
  const root = mkdtempSync(join(tmpdir(), `xlive-${opts.id}-`));
  const http: HttpRegistrar = {
    route: (method, path, handler, options = {}) => void routes.push({ method, path, handler, options }),
    upgrade: (prefix, handler) => void upgrades.push({ prefix, handler }),
    raw: (c) => {
      const env = c.env as { incoming: never; outgoing: never };
      return { req: env.incoming, res: env.outgoing };
    },
    alreadySent: new Response(null, { headers: { 'x-hono-already-sent': '1' } }),
    remote: () => '127.0.0.1:0',
  };
  const ctx: PluginContext<C> = {
    id: opts.id,
    config: Object.freeze({ ...(opts.config ?? {}) }) as C,
    log: opts.log ?? silentLogger(),
    signal: abort.signal,
    paths: { data: join(root, 'data'), runtime: join(root, 'run') },
    streams: hub,
    http,
    health: { register: (c) => void checks.push(c) },
    metrics: noopMetrics(),
    auth: opts.auth ?? openAuth(),
    storage: {
      register: (p) => void storages.set(p.name, p),
      get: (name) => (name ? storages.get(name) : storages.values().next().value),
    },
    store: memoryStore(),
    host: {
      version: '0.0.0-test',
      apiVersion: '1.0.0',
      httpPort: () => undefined,
      reportListener: (name, address) => void listeners.set(name, address),
    },
  };
  return { ctx, hub, routes, upgrades, checks, listeners, abort };
}
