import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthRegistry } from '../auth/auth-registry.js';
import { isXliveError, PluginError } from '../errors/xlive-error.js';
import type { HealthRegistry } from '../health/health-registry.js';
import type { RouteTable } from '../http/route-table.js';
import type { Logger } from '../logging/logger.js';
import type { MetricsRegistry } from '../metrics/metrics-registry.js';
import type { HttpMethod, HttpRegistrar, RouteHandler, RouteOptions, ServerWebSocket } from '../sdk/http.js';
import { acceptWebSocket, wantsWebSocket } from '../http/websocket-upgrade.js';
import type { EventLog } from '../events/event-log.js';
import type { GateChain } from '../gates/gate-chain.js';
import type { MetricsApi } from '../sdk/metrics.js';
import type { NetApi, NetListener } from '../sdk/net.js';
import type { PluginContext, PluginHostInfo, PluginManifest, PluginStore, PluginSummary } from '../sdk/plugin.js';
import type { StreamApi, StreamEventListener } from '../sdk/streams.js';
import type { StorageRegistry } from '../storage/storage-registry.js';
import { RegistrationGate } from './registration-gate.js';
import { DEFAULT_FAULT_LIMITS, PluginFaults, type FaultBoundary } from './plugin-faults.js';
import { PluginTimerSet, runGuarded } from './plugin-timers.js';
import { StreamHandles } from './stream-handles.js';

/** The host services a plugin context is cut from. Plugins only ever see the PluginContext slice. */
export interface ContextServices {
  streams: StreamApi;
  routes: RouteTable;
  health: HealthRegistry;
  metrics: MetricsRegistry;
  auth: AuthRegistry;
  /** The publish/play gate chain (`ctx.gates`). */
  gates: Pick<GateChain, 'prepare' | 'add' | 'decide' | 'revoke' | 'onRevoke'>;
  storage: StorageRegistry;
  storeFor(owner: string): PluginStore;
  events: EventLog;
  plugins(): PluginSummary[];
  host: PluginHostInfo;
  /** Guarded TCP listeners for plugins (core/net/listener-guards.ts). */
  net: NetApi;
  dataDir: string;
  runtimeDir: string;
  log: Logger;
}

export interface BuiltContext<C> {
  ctx: PluginContext<C>;
  gate: RegistrationGate;
  abort: AbortController;
  /** The plugin's fault boundary: every callback the context hands the host runs behind it. */
  faults: FaultBoundary;
  /**
   * Undo what lives beyond the plugin's own code: event listeners, health checks, timers, metrics,
   * readers and publishers it still holds. Late callbacks are ignored from then on.
   */
  release(): void;
}

/** Whether a plugin's routes may answer (a failed or stopped plugin's routes answer 503). */
export type RouteGuard = () => boolean;

/**
 * Cut a plugin's context. `faults` is the plugin's boundary from the host's `PluginFaults` (the host
 * passes one whose limit marks the plugin failed); without it faults are logged and counted only.
 */
export function buildPluginContext<C>(m: PluginManifest, config: Readonly<C>, s: ContextServices, guard: RouteGuard, faults?: FaultBoundary): BuiltContext<C> {
  const gate = new RegistrationGate(m.id, m.permissions);
  const abort = new AbortController();
  const boundary = faults ?? new PluginFaults({ limits: DEFAULT_FAULT_LIMITS, metrics: s.metrics, events: s.events, log: s.log.child('plugins') }).forPlugin(m.id, () => undefined);
  const timers = new PluginTimerSet(boundary);
  const handles = new StreamHandles(s.streams, boundary);
  const ownMetrics = s.metrics.forOwner(m.id);
  const unsubscribers: Array<() => void> = [];
  const checkNames: string[] = [];
  const netListeners: NetListener[] = [];
  const log = s.log.child(m.id);
  const dir = (root: string) => {
    const p = join(root, m.id);
    return () => {
      mkdirSync(p, { recursive: true, mode: 0o700 });
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

  const notRunning = () => new PluginError('PLUGIN_NOT_RUNNING', `plugin ${m.id} is not running`);
  // A coded error is the handler's answer (404, 409, …); anything else is a bug: the plugin's fault, 500.
  const guarded = (handler: RouteHandler): RouteHandler => async (c) => {
    if (!guard()) throw notRunning();
    try {
      return await boundary.timed('route', () => handler(c));
    } catch (err) {
      if (!isXliveError(err)) boundary.fault('route', err);
      throw err;
    }
  };
  // The route (and its refusals) ran through `guarded`; this guards what runs once the socket is open.
  const guardedOpen = (onOpen: (ws: ServerWebSocket) => void) => (ws: ServerWebSocket) => {
    if (!guard()) return ws.close(1001, 'plugin not running');
    try {
      boundary.timed('upgrade', () => onOpen(ws));
    } catch (err) {
      boundary.fault('upgrade', err);
      ws.close(1011, 'internal error');
    }
  };

  const http: HttpRegistrar = {
    route(method: HttpMethod, path: string, handler: RouteHandler, options: RouteOptions = {}) {
      const full = mountPath(path);
      if (options.public) gate.require('http:public', `serve ${path} without credentials`);
      s.routes.checkDoc(m.id, method, full, options);
      gate.stage(`register route ${method} ${path}`, () => s.routes.addRoute({ owner: m.id, method, path: full, handler: guarded(handler), options }));
    },
    websocket: (c, onOpen) => acceptWebSocket(c, guardedOpen(onOpen), log),
    isWebSocket: (c) => wantsWebSocket(c.req.header('upgrade')),
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
      return handles.publish(path, info);
    },
    subscribe: (path, options) => {
      gate.require('streams:read', 'read streams');
      return handles.subscribe(path, options);
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
      const off = s.streams.onEvent(boundary.wrap('stream-event', listener));
      unsubscribers.push(off);
      return off;
    },
  };

  // Collect callbacks run at scrape time: a throwing one is the plugin's fault, never a failed scrape.
  const metrics: MetricsApi = {
    counter: (o) => ownMetrics.counter(o),
    collectedCounter: (o) => ownMetrics.collectedCounter({ ...o, collect: () => boundary.call('metrics', o.collect) ?? [] }),
    gauge: (o) => {
      const collect = o.collect;
      return ownMetrics.gauge(collect ? { ...o, collect: (g) => boundary.call('metrics', collect, g) } : o);
    },
    histogram: (o) => ownMetrics.histogram(o),
    exposition: () => {
      gate.require('metrics:expose', 'expose the metrics registry');
      return s.metrics.exposition();
    },
  };

  const net: NetApi = {
    createServer: (options, onSocket) => {
      gate.require('net:listen', `listen on its own port (${options.name})`);
      // A handler that throws closes only that socket; the error is the plugin's fault.
      const handler: typeof onSocket = (socket, admission) => {
        try {
          boundary.timed('socket', () => onSocket(socket, admission));
        } catch (err) {
          socket.destroy();
          boundary.fault('socket', err);
        }
      };
      const listener = s.net.createServer(options, handler);
      netListeners.push(listener);
      return listener;
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
        const off = s.events.onEvent(boundary.wrap('box-event', listener));
        unsubscribers.push(off);
        return off;
      },
    },
    plugins: { list: () => s.plugins() },
    auth: {
      register: (provider) => {
        gate.require('auth:provide', 'provide authentication');
        gate.stage('register an auth provider', () => s.auth.register(provider, m.id));
      },
      authenticate: (c) => s.auth.authenticate(c),
      authorize: (p, r, a) => s.auth.authorize(p, r, a),
      signLink: (r, ttl) => s.auth.signLink(r, ttl),
      verifyLink: (r, t) => s.auth.verifyLink(r, t),
      streamProtection: (path) => s.auth.streamProtection(path),
      setStreamProtection: (path, on, by) => s.auth.setStreamProtection(path, on, by),
    },
    gates: {
      register: (def) => {
        gate.require('streams:gate', 'decide publishes and plays (join the gate chain)');
        const entry = s.gates.prepare(m.id, def);
        gate.stage(`register gate ${entry.id}`, () => s.gates.add(entry));
      },
      decide: (q) => {
        gate.require(q.action === 'publish' ? 'streams:publish' : 'streams:read', `ask the gate chain about a ${q.action}`);
        return s.gates.decide(q);
      },
      revoke: (path) => {
        gate.require('streams:gate', 'withdraw access to a stream');
        s.gates.revoke(path);
      },
      onRevoke: (listener) => {
        const off = s.gates.onRevoke(boundary.wrap('stream-event', listener));
        unsubscribers.push(off);
        return off;
      },
    },
    storage: {
      register: (provider) => {
        gate.require('storage:provide', 'provide storage');
        gate.stage('register a storage provider', () => s.storage.register(provider));
      },
      get: (name) => s.storage.get(name),
    },
    store: s.storeFor(m.id),
    net,
    host: s.host,
    timers,
    run: (work) => runGuarded(boundary, (msg) => log.debug(msg), work),
  };
  Object.freeze(ctx);

  return {
    ctx,
    gate,
    abort,
    faults: boundary,
    release() {
      boundary.close();
      timers.clearAll();
      for (const off of unsubscribers.splice(0)) off();
      for (const name of checkNames.splice(0)) s.health.unregister(name);
      handles.release(`plugin ${m.id} stopped`);
      ownMetrics.release();
      for (const l of netListeners.splice(0)) void l.close();
    },
  };
}
