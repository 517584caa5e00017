import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthRegistry } from '../auth/auth-registry.js';
import { PluginError } from '../errors/xlive-error.js';
import type { HealthRegistry } from '../health/health-registry.js';
import type { RouteTable } from '../http/route-table.js';
import type { Logger } from '../logging/logger.js';
import type { MetricsRegistry } from '../metrics/metrics-registry.js';
import type { HttpMethod, HttpRegistrar, RouteHandler, RouteOptions, UpgradeHandler } from '../sdk/http.js';
import type { EventLog } from '../events/event-log.js';
import type { MetricsApi } from '../sdk/metrics.js';
import type { PluginContext, PluginHostInfo, PluginManifest, PluginStore, PluginSummary } from '../sdk/plugin.js';
import type { StreamApi, StreamEventListener } from '../sdk/streams.js';
import type { StorageRegistry } from '../storage/storage-registry.js';
import { RegistrationGate } from './registration-gate.js';

/** The host services a plugin context is cut from. Plugins only ever see the PluginContext slice. */
export interface ContextServices {
  streams: StreamApi;
  routes: RouteTable;
  health: HealthRegistry;
  metrics: MetricsRegistry;
  auth: AuthRegistry;
  storage: StorageRegistry;
  storeFor(owner: string): PluginStore;
  events: EventLog;
  plugins(): PluginSummary[];
  host: PluginHostInfo;
  dataDir: string;
  runtimeDir: string;
  log: Logger;
}

export interface BuiltContext<C> {
  ctx: PluginContext<C>;
  gate: RegistrationGate;
  abort: AbortController;
  /** Undo what lives beyond the plugin's own code: event listeners, health checks. */
  release(): void;
}

/** Whether a plugin's routes may answer (a failed or stopped plugin's routes answer 503). */
export type RouteGuard = () => boolean;

export function buildPluginContext<C>(m: PluginManifest, config: Readonly<C>, s: ContextServices, guard: RouteGuard): BuiltContext<C> {
  const gate = new RegistrationGate(m.id, m.permissions);
  const abort = new AbortController();
  const unsubscribers: Array<() => void> = [];
  const checkNames: string[] = [];
  const log = s.log.child(m.id);
  const dir = (root: string) => {
    const p = join(root, m.id);
    return () => {
      mkdirSync(p, { recursive: true });
      return p;
    };
  };
  const dataDir = dir(join(s.dataDir, 'plugin-data'));
  const runtimeDir = dir(s.runtimeDir);

  const mountPath = (path: string): string => {
    if (!path.startsWith('/')) throw new PluginError('PLUGIN_SETUP_FAILED', `plugin ${m.id}: route path "${path}" must start with "/"`);
    const mount = m.httpMounts.find((p) => path === p || path.startsWith(p + '/'));
    if (mount) {
      gate.require('http:mount', `serve ${path}`);
      return path;
    }
    gate.require('http', `serve ${path}`);
    return `/plugins/${m.id}${path === '/' ? '' : path}`;
  };

  const guarded = (handler: RouteHandler): RouteHandler => (c) => {
    if (!guard()) throw new PluginError('PLUGIN_START_FAILED', `plugin ${m.id} is not running`);
    return handler(c);
  };

  const http: HttpRegistrar = {
    route(method: HttpMethod, path: string, handler: RouteHandler, options: RouteOptions = {}) {
      const full = mountPath(path);
      if (options.public) gate.require('http:public', `serve ${path} without credentials`);
      gate.stage(`register route ${method} ${path}`, () => s.routes.addRoute({ owner: m.id, method, path: full, handler: guarded(handler), options }));
    },
    upgrade(prefix: string, handler: UpgradeHandler, options: RouteOptions = {}) {
      const full = mountPath(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix) + (prefix.endsWith('/') ? '/' : '');
      if (options.public) gate.require('http:public', `take upgrades on ${prefix} without credentials`);
      gate.stage(`register upgrade ${prefix}`, () =>
        s.routes.addUpgrade({ owner: m.id, prefix: full, handler: (req, socket, head) => guard() && handler(req, socket, head), options }),
      );
    },
    raw(c: Context) {
      const env = c.env as { incoming: IncomingMessage; outgoing: ServerResponse };
      return { req: env.incoming, res: env.outgoing };
    },
    alreadySent: RESPONSE_ALREADY_SENT,
    remote(c: Context) {
      const sock = (c.env as { incoming: IncomingMessage }).incoming.socket;
      return `${sock.remoteAddress ?? '?'}:${sock.remotePort ?? 0}`;
    },
  };

  const streams: StreamApi = {
    publish: (path, info) => {
      gate.require('streams:publish', 'publish streams');
      return s.streams.publish(path, info);
    },
    subscribe: (path, options) => {
      gate.require('streams:read', 'read streams');
      return s.streams.subscribe(path, options);
    },
    get: (path) => s.streams.get(path),
    list: () => s.streams.list(),
    parsePath: (path) => s.streams.parsePath(path),
    setExtraReaders: (path, protocol, count) => s.streams.setExtraReaders(path, protocol, count),
    kick: (path, reason) => {
      gate.require('streams:admin', 'end a stream');
      return s.streams.kick(path, reason);
    },
    endReaders: (path, reason) => {
      gate.require('streams:admin', "end a stream's viewers");
      return s.streams.endReaders(path, reason);
    },
    onEvent: (listener: StreamEventListener) => {
      const off = s.streams.onEvent(listener);
      unsubscribers.push(off);
      return off;
    },
  };

  const metrics: MetricsApi = {
    counter: (o) => s.metrics.counter(o),
    collectedCounter: (o) => s.metrics.collectedCounter(o),
    gauge: (o) => s.metrics.gauge(o),
    histogram: (o) => s.metrics.histogram(o),
    exposition: () => {
      gate.require('metrics:expose', 'expose the metrics registry');
      return s.metrics.exposition();
    },
  };

  const ctx: PluginContext<C> = {
    id: m.id,
    config,
    log,
    signal: abort.signal,
    paths: Object.freeze({
      get data() {
        return dataDir();
      },
      get runtime() {
        return runtimeDir();
      },
    }),
    streams,
    http,
    health: {
      report: () => s.health.run(),
      register: (check) => {
        const name = `${m.id}/${check.name}`;
        gate.stage(`register health check ${check.name}`, () => {
          s.health.register({ name, check: () => check.check() });
          checkNames.push(name);
        });
      },
    },
    metrics,
    events: {
      record: (event) => {
        gate.require('events:write', 'record events');
        s.events.record(m.id, event);
      },
      list: (filter) => s.events.list(filter),
      onEvent: (listener) => {
        const off = s.events.onEvent(listener);
        unsubscribers.push(off);
        return off;
      },
    },
    plugins: { list: () => s.plugins() },
    auth: {
      register: (provider) => {
        gate.require('auth:provide', 'provide authentication');
        gate.stage('register an auth provider', () => s.auth.register(provider));
      },
      authenticate: (c) => s.auth.authenticate(c),
      authorize: (p, r, a) => s.auth.authorize(p, r, a),
    },
    storage: {
      register: (provider) => {
        gate.require('storage:provide', 'provide storage');
        gate.stage('register a storage provider', () => s.storage.register(provider));
      },
      get: (name) => s.storage.get(name),
    },
    store: s.storeFor(m.id),
    host: s.host,
  };
  Object.freeze(ctx);

  return {
    ctx,
    gate,
    abort,
    release() {
      for (const off of unsubscribers.splice(0)) off();
      for (const name of checkNames.splice(0)) s.health.unregister(name);
    },
  };
}
