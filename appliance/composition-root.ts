import 'reflect-metadata';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { container as rootContainer, instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import { AuthRegistry } from '../core/auth/auth-registry.js';
import { loadConfig, type LoadedConfig } from '../core/config/config-loader.js';
import { TOKENS, type BuildInfo } from '../core/container/tokens.js';
import { HealthRegistry } from '../core/health/health-registry.js';
import { registerCoreRoutes } from '../core/http/core-routes.js';
import { PolicyTable } from '../core/http/access-policy.js';
import { createHttpApp } from '../core/http/http-app.js';
import { HttpMetrics } from '../core/http/http-metrics.js';
import { HttpRateLimits } from '../core/http/rate-limits.js';
import { BoxNames, HostCheck } from '../core/http/host-check.js';
import { SecuredRouter } from '../core/http/secured-router.js';
import { EventLog } from '../core/events/event-log.js';
import { bridgeStreamEvents } from '../core/events/stream-event-bridge.js';
import { HttpServer } from '../core/http/http-server.js';
import { RouteTable } from '../core/http/route-table.js';
import { SinkLogger, streamSink, type Logger } from '../core/logging/logger.js';
import { MetricsRegistry } from '../core/metrics/metrics-registry.js';
import { installSdkResolver } from '../core/plugins/sdk-resolver.js';
import { linkSdkForPlugins } from '../core/plugins/sdk-link.js';
import { PluginHost } from '../core/plugins/plugin-host.js';
import { StorageRegistry } from '../core/storage/storage-registry.js';
import {
  CORE_MIGRATIONS,
  CORE_OWNER,
  Migrator,
  openDatabase,
  PluginKvRepository,
  PluginStateRepository,
  SettingsRepository,
  createPluginStore,
  EventRepository,
  type SqliteDatabase,
} from '../core/store/index.js';
import { StreamHub } from '../core/streams/stream-hub.js';
import { Appliance } from './appliance.js';
import { readBuildInfo } from './build-info.js';
import { registerCoreHealthChecks } from './core-health-checks.js';
import { registerCoreMetrics } from '../core/metrics/core-metrics.js';
import { registerPanelRoutes } from './panel-routes.js';
import { ListenerBook } from './listener-book.js';
import { SystemdNotifier } from './systemd-notifier.js';

export interface RootOptions {
  cwd: string;
  env: Record<string, string | undefined>;
}

export function createLogger(config: LoadedConfig['values']): Logger {
  return new SinkLogger(streamSink(config.log.format), config.log.level);
}

/** Open the database of a loaded config and apply the core's migrations. */
export function openStateDatabase(config: LoadedConfig['values'], log: Logger): { db: SqliteDatabase; migrator: Migrator } {
  const db = openDatabase(join(config.dataDir, 'xlive.db'), log.child('db'));
  const migrator = new Migrator(db, log.child('db'));
  migrator.migrate(CORE_OWNER, CORE_MIGRATIONS);
  return { db, migrator };
}

/**
 * The composition root: the only place the container is built and resolved. Config is loaded twice:
 * file and environment layers first (they say where the database is), then again with the settings
 * saved from the panel as a layer.
 */
export function composeAppliance(opts: RootOptions): { appliance: Appliance; container: DependencyContainer; log: Logger; config: LoadedConfig } {
  const first = loadConfig({ cwd: opts.cwd, env: opts.env });
  const bootLog = createLogger(first.values);
  const { db, migrator } = openStateDatabase(first.values, bootLog);
  const config = loadConfig({ cwd: opts.cwd, env: opts.env, settings: new SettingsRepository(db).all() });
  const log = createLogger(config.values);
  const build = readBuildInfo();
  // Built-in plugins reach the SDK through dist/node_modules/xlive (made by the build); external ones
  // through a link in their directory, or, where that cannot be written, a resolve hook.
  if (!linkSdkForPlugins(first.values.pluginsDir, build.packageRoot)) {
    log.warn(`cannot link the SDK into ${first.values.pluginsDir}; using a module resolve hook instead`);
    installSdkResolver(pathToFileURL(join(build.packageRoot, 'dist', 'core', 'sdk', 'index.js')).href);
  }

  const c = rootContainer.createChildContainer();
  const v = config.values;
  const once = <T>(f: (c: DependencyContainer) => T) => ({ useFactory: instanceCachingFactory(f) });
  c.register(TOKENS.Config, { useValue: config });
  c.register(TOKENS.Logger, { useValue: log });
  c.register(TOKENS.Database, { useValue: db });
  c.register(TOKENS.Migrator, { useValue: migrator });
  c.register(TOKENS.BuildInfo, { useValue: build });
  c.register('ListenerBook', { useValue: new ListenerBook() });
  c.register('BoxNames', { useValue: new BoxNames({ publicNames: v.http.publicNames }) });
  c.register('SystemdNotifier', { useValue: new SystemdNotifier(opts.env, log.child('systemd')) });
  c.register(TOKENS.StreamHub, once(() => new StreamHub(v.streams, log.child('streams'))));
  c.register(TOKENS.HealthRegistry, once(() => new HealthRegistry()));
  c.register(TOKENS.MetricsRegistry, once(() => new MetricsRegistry()));
  c.register(TOKENS.AuthRegistry, once(() => new AuthRegistry()));
  c.register(TOKENS.StorageRegistry, once(() => new StorageRegistry()));
  c.register(TOKENS.RouteTable, once(() => new RouteTable()));
  c.register(TOKENS.EventLog, once(() => new EventLog(new EventRepository(db), v.events.maxEvents, log.child('events'))));
  c.register(TOKENS.HttpApp, once((k) =>
    createHttpApp({ bodyLimitBytes: v.http.bodyLimitBytes, log: log.child('http'), metrics: new HttpMetrics(k.resolve(TOKENS.MetricsRegistry)) }),
  ));
  c.register(TOKENS.Router, once((k) => {
    const metrics = k.resolve<MetricsRegistry>(TOKENS.MetricsRegistry);
    const rejected = metrics.counter({ name: 'xlive_rate_limit_rejections_total', help: 'Requests refused by a rate limit', labelNames: ['bucket'] as const });
    const limits = new HttpRateLimits({ ...v.http.rateLimits, trustProxy: v.http.trustProxy, onReject: (bucket) => rejected.inc({ bucket }) });
    const hostCheck = new HostCheck(k.resolve<BoxNames>('BoxNames'), v.http.trustProxy);
    return new SecuredRouter(k.resolve(TOKENS.HttpApp), new PolicyTable(), k.resolve(TOKENS.AuthRegistry), limits, v.http.trustProxy, hostCheck);
  }));
  c.register(TOKENS.HttpServer, once((k) =>
    new HttpServer(k.resolve(TOKENS.HttpApp), k.resolve(TOKENS.RouteTable), { host: v.http.host, port: v.http.port, requestTimeoutMs: v.http.requestTimeoutMs }, log.child('http')),
  ));
  c.register(TOKENS.PluginHost, once((k) => {
    const listeners = k.resolve<ListenerBook>('ListenerBook');
    const http = k.resolve<HttpServer>(TOKENS.HttpServer);
    const kv = new PluginKvRepository(db);
    return new PluginHost({
      directories: [
        { path: build.builtinPluginsDir, source: 'builtin' },
        { path: v.pluginsDir, source: 'external' },
      ],
      hostApiVersion: build.apiVersion,
      enabledState: disabledBy(v.pluginHost.disable, new PluginStateRepository(db)),
      pluginConfig: (id, schema) => config.pluginSection(id, schema),
      startTimeoutMs: v.pluginHost.startTimeoutMs,
      stopTimeoutMs: v.pluginHost.stopTimeoutMs,
      log: log.child('plugins'),
      createScope: (id, ctx) => {
        const scope = c.createChildContainer();
        scope.register(TOKENS.PluginContext, { useValue: ctx });
        return { dispose: () => scope.dispose() };
      },
      services: {
        streams: k.resolve(TOKENS.StreamHub),
        routes: k.resolve(TOKENS.RouteTable),
        health: k.resolve(TOKENS.HealthRegistry),
        metrics: k.resolve(TOKENS.MetricsRegistry),
        auth: k.resolve(TOKENS.AuthRegistry),
        storage: k.resolve(TOKENS.StorageRegistry),
        storeFor: (owner) => createPluginStore(db, owner, migrator, { kv }),
        events: k.resolve(TOKENS.EventLog),
        plugins: () => k.resolve<PluginHost>(TOKENS.PluginHost).list(),
        host: {
          version: build.version,
          apiVersion: build.apiVersion,
          httpPort: () => http.port,
          reportListener: (name, address) => listeners.report(name, address),
          listeners: () => listeners.all(),
          boxNames: () => k.resolve<BoxNames>('BoxNames').list(),
        },
        dataDir: v.dataDir,
        runtimeDir: v.runtimeDir,
        log,
      },
    });
  }));

  const hub = c.resolve<StreamHub>(TOKENS.StreamHub);
  const plugins = c.resolve<PluginHost>(TOKENS.PluginHost);
  const health = c.resolve<HealthRegistry>(TOKENS.HealthRegistry);
  const events = c.resolve<EventLog>(TOKENS.EventLog);
  const pluginState = new PluginStateRepository(db);
  registerCoreRoutes(c.resolve(TOKENS.Router), {
    health,
    streams: hub,
    plugins,
    events,
    version: build,
    trustProxy: v.http.trustProxy,
    setPluginEnabled: (id, enabled, who) => {
      if (!plugins.get(id)) return false;
      pluginState.set(id, enabled);
      events.record('core', { type: 'plugin.changed', message: `plugin ${id} ${enabled ? 'enabled' : 'disabled'} by ${who.actor} (applies at the next start)`, data: { plugin: id, enabled, ...who } });
      return true;
    },
  });
  bridgeStreamEvents((l) => hub.onEvent(l), events);
  registerPanelRoutes(c.resolve(TOKENS.Router), join(build.packageRoot, 'dist', 'appliance', 'panel'));
  registerCoreHealthChecks(health, { db, plugins });
  registerCoreMetrics(c.resolve(TOKENS.MetricsRegistry), { hub, plugins });
  return { appliance: c.resolve(Appliance), container: c, log, config };
}

export type { BuildInfo };

/** Config's `pluginHost.disable` wins over the state saved in SQLite. */
function disabledBy(ids: readonly string[], saved: { get(id: string): boolean | undefined }): { get(id: string): boolean | undefined } {
  return { get: (id) => (ids.includes(id) ? false : saved.get(id)) };
}
