import { writeFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inject, injectable } from 'tsyringe';
import type { LoadedConfig } from '../core/config/config-loader.js';
import type { BuildInfo } from '../core/container/tokens.js';
import { TOKENS } from '../core/container/tokens.js';
import { describeError } from '../core/errors/xlive-error.js';
import type { SecuredRouter } from '../core/http/secured-router.js';
import type { EventLog } from '../core/events/event-log.js';
import type { AuthAvailability } from '../core/auth/auth-availability.js';
import type { HttpServer } from '../core/http/http-server.js';
import type { RouteTable } from '../core/http/route-table.js';
import type { Logger } from '../core/logging/logger.js';
import type { PluginHost } from '../core/plugins/plugin-host.js';
import type { SqliteDatabase } from '../core/store/database.js';
import { closeDatabase } from '../core/store/database.js';
import type { PluginDatabases } from '../core/store/plugin-databases.js';
import type { StreamHub } from '../core/streams/stream-hub.js';
import type { ListenerBook } from './listener-book.js';
import { READY_FILE } from './update/update-paths.js';
import { ConsoleSocket, consoleSocketOf } from './console-socket.js';
import type { UpdateService } from './update/update-service.js';
import type { BoxSettingsService } from './boxconf/box-settings-service.js';
import type { StreamHistory } from '../core/streams/stream-history.js';
import type { SystemdNotifier } from './systemd-notifier.js';

/** The running box: owns the parts the composition root built and starts/stops them in order. */
@injectable()
export class Appliance {
  private started = false;
  private consoleSocket: ConsoleSocket | undefined;

  constructor(
    @inject(TOKENS.Config) private readonly config: LoadedConfig,
    @inject(TOKENS.Logger) private readonly log: Logger,
    @inject(TOKENS.Database) private readonly db: SqliteDatabase,
    @inject(TOKENS.StreamHub) private readonly hub: StreamHub,
    @inject(TOKENS.RouteTable) private readonly routes: RouteTable,
    @inject(TOKENS.Router) private readonly router: SecuredRouter,
    @inject(TOKENS.EventLog) private readonly events: EventLog,
    @inject('AuthAvailability') private readonly auth: AuthAvailability,
    @inject(TOKENS.HttpServer) private readonly http: HttpServer,
    @inject(TOKENS.PluginHost) private readonly plugins: PluginHost,
    @inject('ListenerBook') private readonly listeners: ListenerBook,
    @inject('SystemdNotifier') private readonly systemd: SystemdNotifier,
    @inject('PluginDatabases') private readonly pluginDbs: PluginDatabases,
    @inject(TOKENS.BuildInfo) private readonly build: BuildInfo,
    @inject('UpdateService') private readonly updates: UpdateService,
    @inject('BoxSettingsService') private readonly boxSettings: BoxSettingsService,
    @inject('StreamHistory') private readonly history: StreamHistory,
  ) {}

  async start(): Promise<void> {
    for (const w of this.config.warnings) this.log.warn(w);
    await this.plugins.load();
    this.router.mountPluginRoutes(this.routes);
    await this.plugins.start();
    this.auth.logAtStart(this.log);
    await this.http.start();
    this.listeners.report('http', { host: this.config.values.http.host, port: this.http.port ?? 0 });
    this.started = true;
    this.writePortsFile();
    this.writeReadyFile();
    // `xlive plugins list` asks the running box here (the same list as GET /api/v1/plugins).
    this.consoleSocket = new ConsoleSocket(consoleSocketOf(this.config.values.runtimeDir), () => ({ pid: process.pid, version: this.build.version, plugins: this.plugins.list() }), this.log);
    await this.consoleSocket.start();
    this.updates.start();
    this.boxSettings.start();
    this.history.start(() => this.hub.list());
    const failed = this.plugins.list().filter((p) => p.state === 'failed' || p.state === 'skipped');
    for (const p of failed) {
      this.events.record('core', { type: 'plugin.failed', severity: 'error', message: `plugin ${p.id} ${p.state}: ${p.error?.message ?? ''}`, data: { plugin: p.id, code: p.error?.code } });
    }
    this.log.info(`ready: ${this.plugins.list().filter((p) => p.state === 'running').length} plugins running${failed.length ? `, ${failed.length} not (${failed.map((p) => p.id).join(', ')})` : ''}`);
    this.systemd.ready();
  }

  /** Stop plugins (reverse order), streams, HTTP, then the database. `restart`: the same process starts a new box next. */
  async stop(opts: { restart?: boolean } = {}): Promise<void> {
    if (opts.restart) this.systemd.restarting();
    else this.systemd.stopping();
    this.log.info(opts.restart ? 'stopping to restart' : 'stopping');
    rmSync(this.readyFile, { force: true });
    await this.consoleSocket?.stop();
    this.updates.stop();
    this.boxSettings.stop();
    this.history.stop();
    await this.plugins.stop();
    this.hub.stop();
    await this.http.stop();
    this.pluginDbs.closeAll();
    try {
      closeDatabase(this.db, this.log);
    } catch (err) {
      this.log.warn(`closing the database: ${describeError(err)}`);
    }
    this.started = false;
  }

  /** The port HTTP listens on, once started. */
  get httpPort(): number | undefined {
    return this.http.port;
  }

  get isStarted(): boolean {
    return this.started;
  }

  private get readyFile(): string {
    return join(this.config.values.runtimeDir, READY_FILE);
  }

  /**
   * `<runtimeDir>/ready.json`: this version, this process, where it listens — written when the box is
   * ready, removed when it stops. The updater (appliance/update) confirms with it that the version it
   * installed is the one serving before it asks `/readyz`.
   */
  private writeReadyFile(): void {
    try {
      mkdirSync(this.config.values.runtimeDir, { recursive: true });
      const tmp = `${this.readyFile}.${process.pid}.tmp`;
      const body = { version: this.build.version, pid: process.pid, readyAt: new Date().toISOString(), listeners: this.listeners.all() };
      writeFileSync(tmp, JSON.stringify(body) + '\n', { mode: 0o644 });
      renameSync(tmp, this.readyFile);
    } catch (err) {
      this.log.warn(`cannot write ${this.readyFile}: ${describeError(err)}`);
    }
  }

  /** Tests and scripts ask for the bound ports (`XLIVE_PORTS_FILE`). */
  private writePortsFile(): void {
    const file = process.env['XLIVE_PORTS_FILE'];
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    // Atomically: a reader polling for the file must never see it half written.
    writeFileSync(`${file}.tmp`, JSON.stringify(this.listeners.all()) + '\n');
    renameSync(`${file}.tmp`, file);
  }
}
