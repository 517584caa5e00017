import 'reflect-metadata';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { container as rootContainer, instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import { AuthAvailability } from '../core/auth/auth-availability.js';
import { AUTH_UNAVAILABLE_MESSAGE, AuthRegistry } from '../core/auth/auth-registry.js';
import { GateChain } from '../core/gates/gate-chain.js';
import { RefusalRecorder } from '../core/gates/refusal-recorder.js';
import { AuthProviderRequiredError } from '../core/errors/xlive-error.js';
import { loadConfig, type LoadedConfig } from '../core/config/config-loader.js';
import { TOKENS, type BuildInfo } from '../core/container/tokens.js';
import { ConflictError } from '../core/errors/xlive-error.js';
import { HealthRegistry } from '../core/health/health-registry.js';
import { registerCoreRoutes } from '../core/http/core-routes.js';
import { registerConfigRoutes } from '../core/http/config-routes.js';
import { RuntimeConfig } from '../core/config/runtime-config.js';
import type { ConnectionGuard } from '../core/net/connection-guard.js';
import { HTTP_GUARD_SHARE, liveCoreConfig, type LiveCoreApplier } from './live-core-config.js';
import { registerRecordingControlRoutes } from '../core/http/recording-control-routes.js';
import { PolicyTable } from '../core/http/access-policy.js';
import { createHttpApp } from '../core/http/http-app.js';
import { HttpMetrics } from '../core/http/http-metrics.js';
import { HttpRateLimits } from '../core/http/rate-limits.js';
import { BoxNames, HostCheck } from '../core/http/host-check.js';
import { BodyLimits } from '../core/http/body-limits.js';
import { UpdateService } from './update/update-service.js';
import { StreamHistory } from '../core/streams/stream-history.js';
import { registerStreamHistoryRoutes } from '../core/http/stream-history-routes.js';
import { registerUpdateRoutes, UPDATES_PATH } from './update/update-routes.js';
import { BoxSettingsService } from './boxconf/box-settings-service.js';
import { registerBoxSettingsRoutes } from './boxconf/box-settings-routes.js';
import { defaultFactsSources, gatherBoxFacts } from './boxconf/box-facts.js';
import { SecuredRouter } from '../core/http/secured-router.js';
import { EventLog } from '../core/events/event-log.js';
import { bridgeStreamEvents } from '../core/events/stream-event-bridge.js';
import { HttpServer } from '../core/http/http-server.js';
import { RouteTable } from '../core/http/route-table.js';
import { RouteDocCompiler } from '../core/http/route-doc-compiler.js';
import { registerOpenApiRoute } from '../core/http/openapi-route.js';
import { SinkLogger, streamSink, type Logger } from '../core/logging/logger.js';
import { MetricsRegistry } from '../core/metrics/metrics-registry.js';
import { installSdkResolver } from '../core/plugins/sdk-resolver.js';
import { linkSdkForPlugins } from '../core/plugins/sdk-link.js';
import { PluginHost } from '../core/plugins/plugin-host.js';
import { PluginEnablement } from '../core/plugins/plugin-enablement.js';
import { PluginFaults } from '../core/plugins/plugin-faults.js';
import { ProcessFaultHandlers } from './process-fault-handlers.js';
import { StorageRegistry } from '../core/storage/storage-registry.js';
import { FdBudget, readOpenFileLimit } from '../core/net/fd-budget.js';
import { ListenerGuards } from '../core/net/listener-guards.js';
import { RefusalReporter } from '../core/net/refusal-reporter.js';
import {
  CORE_MIGRATIONS,
  CORE_OWNER,
  Migrator,
  openDatabase,
  PluginConsentRepository,
  PluginDatabases,
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
import { LogRing } from '../core/logging/log-ring.js';
import { registerSystemRoutes, RESTORE_PATH } from '../core/http/system-routes.js';
import { PLUGINS_PATH, registerPluginPackageRoutes } from '../core/http/plugin-package-routes.js';
import { createPluginInstaller } from './plugin-installer-wiring.js';
import { configDirOf } from '../core/config/file-layers.js';
import type { RestartControl } from './system/restart-control.js';
import { SystemService } from './system/system-service.js';

export interface RootOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** The recent-log ring (kept across in-process restarts); made here when absent. */
  logRing?: LogRing;
  /** How the API asks `xlive serve` to restart the box; without it, restart and restore are refused. */
  restarts?: RestartControl;
}

export function createLogger(config: LoadedConfig['values'], ring?: LogRing): Logger {
  const sink = streamSink(config.log.format);
  return new SinkLogger(ring ? ring.tee(sink) : sink, config.log.level);
}

/** Open the database of a loaded config and apply the core's migrations. */
export function openStateDatabase(config: LoadedConfig['values'], log: Logger): { db: SqliteDatabase; migrator: Migrator } {
  const db = openDatabase(join(config.dataDir, 'xlive.db'), log.child('db'));
  const migrator = new Migrator(db, log.child('db'));
  migrator.migrate(CORE_OWNER, CORE_MIGRATIONS);
  return { db, migrator };
}

/** Each plugin's own database file under `<dataDir>/plugin-data/<id>/`, with the one-time move out of `xlive.db`. */
export function openPluginDatabases(config: LoadedConfig['values'], core: SqliteDatabase, log: Logger): PluginDatabases {
  return new PluginDatabases({ dataDir: config.dataDir, legacy: core, log: log.child('plugins') });
}

/** Enable/disable and consent, over the core database; `record` writes the `plugin.changed` event. */
export function pluginEnablement(db: SqliteDatabase, forcedOff: readonly string[], record: (message: string, data: Record<string, unknown>) => void): PluginEnablement {
  return new PluginEnablement({ state: new PluginStateRepository(db), consent: new PluginConsentRepository(db), forcedOff, record });
}

/**
 * The composition root: the only place the container is built and resolved. Config is loaded twice:
 * file and environment layers first (they say where the database is), then again with the settings
 * saved from the panel as a layer.
 */
export function composeAppliance(opts: RootOptions): {
  appliance: Appliance;
  container: DependencyContainer;
  log: Logger;
  config: LoadedConfig;
  processFaults: ProcessFaultHandlers;
} {
  const first = loadConfig({ cwd: opts.cwd, env: opts.env });
  const logRing = opts.logRing ?? new LogRing({ maxLines: first.values.log.ringLines, maxBytes: first.values.log.ringBytes });
  const bootLog = createLogger(first.values, logRing);
  const { db, migrator } = openStateDatabase(first.values, bootLog);
  const settingsRepo = new SettingsRepository(db);
  const config = loadConfig({ cwd: opts.cwd, env: opts.env, settings: settingsRepo.all() });
  logRing.configure({ maxLines: config.values.log.ringLines, maxBytes: config.values.log.ringBytes });
  const log = createLogger(config.values, logRing);
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
  const pluginDbs = openPluginDatabases(config.values, db, log);
  c.register('PluginDatabases', { useValue: pluginDbs });
  c.register(TOKENS.BuildInfo, { useValue: build });
  c.register('ListenerBook', { useValue: new ListenerBook() });
  c.register('LogRing', { useValue: logRing });
  c.register('BoxNames', { useValue: new BoxNames({ publicNames: v.http.publicNames }) });
  c.register('SystemdNotifier', { useValue: new SystemdNotifier(opts.env, log.child('systemd')) });
  c.register('RuntimeConfig', once((k) => {
    const liveCore = liveCoreConfig({
      hub: k.resolve(TOKENS.StreamHub),
      rateLimits: k.resolve('HttpRateLimits'),
      httpGuard: k.resolve('HttpGuard'),
      guards: k.resolve('ListenerGuards'),
    });
    return runtimeConfig(config, opts, db, settingsRepo, () => k.resolve<PluginHost>(TOKENS.PluginHost), liveCore);
  }));
  c.register(TOKENS.StreamHub, once(() => new StreamHub(v.streams, log.child('streams'))));
  c.register(TOKENS.HealthRegistry, once(() => new HealthRegistry()));
  c.register(TOKENS.MetricsRegistry, once(() => new MetricsRegistry()));
  // Fail closed: only providers of running plugins are asked; none running refuses, unless lab mode.
  c.register(TOKENS.AuthRegistry, once((k) => new AuthRegistry({ labMode: v.auth.labMode, isRunning: (owner) => k.resolve<PluginHost>(TOKENS.PluginHost).isRunning(owner) })));
  c.register('AuthAvailability', once((k) =>
    new AuthAvailability({ registry: k.resolve(TOKENS.AuthRegistry), plugins: () => k.resolve<PluginHost>(TOKENS.PluginHost).list(), labModeOrigin: config.origin('auth.labMode') }),
  ));
  // Publish/play gates: asked only while their plugin runs; a failed plugin's gate answers its onError.
  c.register('GateChain', once((k) => {
    const gatesLog = log.child('gates');
    const chain = new GateChain({
      auth: k.resolve<AuthRegistry>(TOKENS.AuthRegistry),
      ownerState: (owner) => {
        const state = k.resolve<PluginHost>(TOKENS.PluginHost).get(owner)?.state;
        return state === 'running' ? 'running' : state === 'failed' || state === 'skipped' ? 'failed' : 'absent';
      },
      streams: k.resolve<StreamHub>(TOKENS.StreamHub),
      refusals: new RefusalRecorder({ record: (e) => k.resolve<EventLog>(TOKENS.EventLog).record('core', e), log: gatesLog }),
      log: gatesLog,
      unavailableMessage: AUTH_UNAVAILABLE_MESSAGE,
    });
    chain.registerMetrics(k.resolve<MetricsRegistry>(TOKENS.MetricsRegistry));
    return chain;
  }));
  c.register(TOKENS.StorageRegistry, once(() => new StorageRegistry()));
  // Route docs are compiled once at registration; responses are checked against them only in tests.
  const routeDocs = new RouteDocCompiler({ checkResponses: opts.env['XLIVE_CHECK_RESPONSES'] === '1', log: log.child('http') });
  c.register(TOKENS.RouteTable, once(() => new RouteTable(routeDocs)));
  c.register(TOKENS.EventLog, once(() => new EventLog(new EventRepository(db), v.events.maxEvents, log.child('events'))));
  const bodyLimits = new BodyLimits(v.http.bodyLimitBytes);
  bodyLimits.allow('POST', RESTORE_PATH, v.backup.maxBytes);
  bodyLimits.allow('POST', PLUGINS_PATH, v.pluginHost.maxPackageBytes);
  c.register('BodyLimits', { useValue: bodyLimits });
  c.register(TOKENS.HttpApp, once((k) =>
    createHttpApp({
      bodyLimits: k.resolve<BodyLimits>('BodyLimits'),
      log: log.child('http'),
      metrics: new HttpMetrics(k.resolve(TOKENS.MetricsRegistry)),
      allowedMethods: (path) => k.resolve<SecuredRouter>(TOKENS.Router).allowedMethods(path),
    }),
  ));
  c.register('HttpRateLimits', once((k) => {
    const metrics = k.resolve<MetricsRegistry>(TOKENS.MetricsRegistry);
    const rejected = metrics.counter({ name: 'xlive_rate_limit_rejections_total', help: 'Requests refused by a rate limit', labelNames: ['bucket'] as const });
    return new HttpRateLimits({ ...v.http.rateLimits, trustProxy: v.http.trustProxy, onReject: (bucket) => rejected.inc({ bucket }) });
  }));
  c.register(TOKENS.Router, once((k) => {
    const limits = k.resolve<HttpRateLimits>('HttpRateLimits');
    const hostCheck = new HostCheck(k.resolve<BoxNames>('BoxNames'), v.http.trustProxy);
    // Plugins installed and enabled while the box runs serve their routes through a second app (under /plugins).
    const lateApp = createHttpApp({
      bodyLimits: k.resolve<BodyLimits>('BodyLimits'),
      log: log.child('http'),
      allowedMethods: (path) => k.resolve<SecuredRouter>(TOKENS.Router).allowedMethods(path),
      lateRoutes: true,
    });
    return new SecuredRouter(k.resolve(TOKENS.HttpApp), new PolicyTable(), k.resolve(TOKENS.AuthRegistry), limits, v.http.trustProxy, hostCheck, routeDocs, lateApp);
  }));
  c.register('ListenerGuards', once((k) => {
    const metrics = k.resolve<MetricsRegistry>(TOKENS.MetricsRegistry);
    const events = k.resolve<EventLog>(TOKENS.EventLog);
    const netLog = log.child('net');
    const refused = metrics.counter<'listener' | 'reason'>({
      name: 'xlive_connections_refused_total',
      help: 'Connections closed or refused by the connection caps, by listener and reason (idle-per-ip, idle-total: an idle socket evicted; per-ip, total: a session refused)',
      labelNames: ['listener', 'reason'],
    });
    const guards = new ListenerGuards({
      budget: new FdBudget(readOpenFileLimit(), v.connections.fileHeadroom, netLog),
      sink: new RefusalReporter({ counter: refused, record: (e) => events.record('core', e), log: netLog }),
      listenerDefaults: v.connections.listeners,
      reportListener: (name, address) => k.resolve<ListenerBook>('ListenerBook').report(name, address),
      log: netLog,
    });
    guards.registerMetrics(metrics);
    return guards;
  }));
  // HTTP claims its descriptors first, at most 3/4 of them, so plugin listeners keep some.
  c.register('HttpGuard', once((k) => k.resolve<ListenerGuards>('ListenerGuards').create('http', v.connections.http, HTTP_GUARD_SHARE)));
  c.register(TOKENS.HttpServer, once((k) =>
    new HttpServer(k.resolve(TOKENS.HttpApp), k.resolve(TOKENS.RouteTable), {
      host: v.http.host,
      port: v.http.port,
      requestTimeoutMs: v.http.requestTimeoutMs,
      guard: k.resolve<ConnectionGuard>('HttpGuard'),
      priorityPaths: ['/healthz', '/readyz', '/api/v1/session', '/api/v1/setup'],
    }, log.child('http')),
  ));
  c.register('StreamHistory', { useValue: new StreamHistory({ intervalMs: v.stats.intervalMs, windowMs: v.stats.windowMs, maxStreams: 2 * v.streams.maxStreams }) });
  c.register('UpdateService', once((k) =>
    new UpdateService({
      stateDir: v.update.stateDir,
      dataDir: v.dataDir,
      maxUploadBytes: v.update.maxUploadBytes,
      kv: new PluginKvRepository(db),
      events: k.resolve(TOKENS.EventLog),
      log: log.child('update'),
    }),
  ));
  c.register('BoxSettingsService', once((k) => {
    const sources = defaultFactsSources();
    return new BoxSettingsService({
      stateDir: v.box.stateDir,
      dataDir: v.dataDir,
      httpPort: () => k.resolve<HttpServer>(TOKENS.HttpServer).port ?? v.http.port,
      zoneinfoDir: '/usr/share/zoneinfo',
      gather: () => gatherBoxFacts(sources),
      kv: new PluginKvRepository(db),
      events: k.resolve(TOKENS.EventLog),
      log: log.child('box'),
    });
  }));
  c.register('PluginEnablement', once((k) =>
    pluginEnablement(db, v.pluginHost.disable, (message, data) => k.resolve<EventLog>(TOKENS.EventLog).record('core', { type: 'plugin.changed', message, data })),
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
      enablement: k.resolve<PluginEnablement>('PluginEnablement'),
      coreRoutePaths: () => k.resolve<SecuredRouter>(TOKENS.Router).policies.entries.filter((e) => e.owner === 'core').map((e) => e.path),
      // The config in effect now (changed through the API): what a plugin restart sets the plugin up with.
      pluginConfig: (id, schema) => k.resolve<RuntimeConfig>('RuntimeConfig').current().pluginSection(id, schema),
      startTimeoutMs: v.pluginHost.startTimeoutMs,
      stopTimeoutMs: v.pluginHost.stopTimeoutMs,
      log: log.child('plugins'),
      faults: new PluginFaults({ limits: v.pluginHost, metrics: k.resolve(TOKENS.MetricsRegistry), events: k.resolve(TOKENS.EventLog), log: log.child('plugins') }),
      mountLate: (table) => k.resolve<SecuredRouter>(TOKENS.Router).mountLate(table),
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
        gates: k.resolve<GateChain>('GateChain'),
        storage: k.resolve(TOKENS.StorageRegistry),
        storeFor: (owner) => createPluginStore(db, owner, pluginDbs, { kv }),
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
        net: k.resolve<ListenerGuards>('ListenerGuards'),
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
  const enablement = c.resolve<PluginEnablement>('PluginEnablement');
  const auth = c.resolve<AuthRegistry>(TOKENS.AuthRegistry);
  const authAvailability = c.resolve<AuthAvailability>('AuthAvailability');
  const live = c.resolve<RuntimeConfig>('RuntimeConfig');
  const pluginDetails = (id: string) => {
    const status = plugins.get(id);
    if (!status) return undefined;
    const { config: section, error } = live.pluginConfig(id);
    return { ...status, configSchema: plugins.manifest(id)?.configSchema ?? null, config: section, configError: error };
  };
  registerCoreRoutes(c.resolve(TOKENS.Router), {
    health,
    streams: hub,
    plugins: { list: () => plugins.list(), get: pluginDetails },
    events,
    version: build,
    trustProxy: v.http.trustProxy,
    access: () => ({ labMode: auth.labMode, auth: authAvailability.mode() }),
    setPluginEnabled: async (id, enabled, who, permissions) => {
      const m = plugins.manifest(id);
      if (!m) {
        if (!plugins.get(id)) return false;
        throw new ConflictError(`plugin ${id} has no valid manifest; fix or remove its folder (see its error)`);
      }
      if (!enabled) refuseDisablingLastAuthProvider(m, auth.runningOwners());
      enablement.set(m, enabled, who, permissions);
      // A plugin installed since the start runs now, where the host can start it in place.
      if (enabled) await plugins.startInstalled(id);
      return true;
    },
  });
  const installer = createPluginInstaller({
    config: v,
    build,
    db,
    log: log.child('plugins'),
    record: (type, message, data) => events.record('core', { type, message, data }),
    host: { adopt: (m) => plugins.adopt(m), release: (id) => plugins.release(id) },
    closePluginDatabase: (id) => pluginDbs.close(id),
  });
  installer.cleanStaging();
  registerPluginPackageRoutes(c.resolve(TOKENS.Router), { installer, status: pluginDetails, trustProxy: v.http.trustProxy });
  registerSystemRoutes(c.resolve(TOKENS.Router), {
    logs: logRing,
    trustProxy: v.http.trustProxy,
    system: new SystemService({
      restarts: opts.restarts,
      events,
      core: db,
      targets: { dataDir: v.dataDir, configDir: configDirOf(opts.cwd, opts.env), pluginsDir: v.pluginsDir, coreSchema: newestCoreSchema() },
      xliveVersion: build.version,
      maxBytes: v.backup.maxBytes,
      log: log.child('system'),
    }),
  });
  registerConfigRoutes(c.resolve(TOKENS.Router), {
    config: live,
    plugins: { details: pluginDetails, restart: (id) => plugins.restart(id) },
    record: (type, message, data) => events.record('core', { type, message, data }),
    trustProxy: v.http.trustProxy,
  });
  const storage = c.resolve<StorageRegistry>(TOKENS.StorageRegistry);
  registerRecordingControlRoutes(c.resolve(TOKENS.Router), { streams: hub, recordings: () => storage.get()?.recordings, events });
  registerOpenApiRoute(c.resolve(TOKENS.Router), { title: build.name, version: build.version, pluginApiVersion: build.apiVersion });
  bridgeStreamEvents((l) => hub.onEvent(l), events);
  const updates = c.resolve<UpdateService>('UpdateService');
  if (v.update.stateDir) c.resolve<BodyLimits>('BodyLimits').allow('POST', UPDATES_PATH, v.update.maxUploadBytes);
  registerUpdateRoutes(c.resolve(TOKENS.Router), updates);
  registerBoxSettingsRoutes(c.resolve(TOKENS.Router), c.resolve<BoxSettingsService>('BoxSettingsService'));
  registerStreamHistoryRoutes(c.resolve(TOKENS.Router), c.resolve<StreamHistory>('StreamHistory'));
  registerPanelRoutes(c.resolve(TOKENS.Router), join(build.packageRoot, 'dist', 'appliance', 'panel'));
  registerCoreHealthChecks(health, { db, plugins });
  health.register(authAvailability.healthCheck());
  registerCoreMetrics(c.resolve(TOKENS.MetricsRegistry), { hub, plugins });
  authAvailability.registerMetrics(c.resolve(TOKENS.MetricsRegistry));
  const processFaults = new ProcessFaultHandlers({ log: log.child('process'), metrics: c.resolve(TOKENS.MetricsRegistry), plugins, exit: (code) => process.exit(code) });
  return { appliance: c.resolve(Appliance), container: c, log, config, processFaults };
}

export type { BuildInfo };

/** The newest core schema version this release knows (a backup from a newer one is refused). */
export function newestCoreSchema(): number {
  return Math.max(0, ...CORE_MIGRATIONS.map((m) => m.version));
}

/**
 * The configuration the API reads and changes: loaded again with the settings layer on each change
 * (files and environment as at start), saved through SettingsRepository, offered to running plugins.
 */
function runtimeConfig(initial: LoadedConfig, opts: RootOptions, db: SqliteDatabase, settings: SettingsRepository, plugins: () => PluginHost, applyCore: LiveCoreApplier): RuntimeConfig {
  return new RuntimeConfig({
    initial,
    applyCore,
    load: (tree) => loadConfig({ cwd: opts.cwd, env: opts.env, settings: tree }),
    readSettings: () => settings.all(),
    saveSettings: (changes) =>
      db.transaction(() => {
        for (const [key, value] of changes) {
          if (value === null) settings.delete(key);
          else settings.set(key, value);
        }
      })(),
    pluginSchemas: () => {
      const host = plugins();
      const out: Record<string, Record<string, unknown>> = {};
      for (const p of host.list()) {
        const m = host.manifest(p.id);
        if (m) out[p.id] = m.configSchema;
      }
      return out;
    },
    reconfigurePlugin: (id, next, previous) => plugins().reconfigure(id, next, previous),
  });
}

/**
 * The API and panel may not disable the auth plugin that provides the box's only running auth provider:
 * the box would then refuse everything (or, in lab mode, run open). The console still can, with a warning.
 */
function refuseDisablingLastAuthProvider(plugin: { id: string; kinds: readonly string[] }, runningOwners: readonly string[]): void {
  if (!plugin.kinds.includes('auth')) return;
  if (runningOwners.some((o) => o !== plugin.id)) return;
  throw new AuthProviderRequiredError(
    `plugin ${plugin.id} provides the box's only running auth provider and cannot be disabled through the API: without it the box refuses every request. Enable another auth plugin first, or use the console ("xlive plugins disable ${plugin.id}")`,
    { details: { plugin: plugin.id } },
  );
}
