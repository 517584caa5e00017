import { pathToFileURL } from 'node:url';
import { ConflictError, describeError, isXliveError, PluginError, type PluginErrorCode } from '../errors/xlive-error.js';
import type { Logger } from '../logging/logger.js';
import type { PluginDefinition, PluginInstance, PluginManifest, PluginKind } from '../sdk/plugin.js';
import { RouteTable } from '../http/route-table.js';
import { dependencyOrder } from './dependency-order.js';
import { apiCompatible } from './manifest.js';
import { buildPluginContext, type BuiltContext, type ContextServices } from './plugin-context-factory.js';
import { discoverPlugins, type PluginDirectory } from './plugin-discovery.js';
import { MountClaims } from './mount-claims.js';
import type { ConsentView } from './plugin-enablement.js';
import type { PluginFaults } from './plugin-faults.js';
import type { PluginFaultSummary } from '../sdk/faults.js';
import { bundledSdkProblem, looksLikeCommonJsDefault, moduleFormatProblem } from './plugin-load-checks.js';

export type PluginState = 'disabled' | 'loaded' | 'running' | 'failed' | 'skipped' | 'stopped';

export interface PluginStatus {
  id: string;
  version: string | null;
  kinds: PluginKind[];
  source: 'builtin' | 'external';
  dir: string;
  /** Whether it was set up at this start (what runs now). */
  enabled: boolean;
  /** Whether it will be set up at the next start (saved state, consent, `pluginHost.disable`). */
  enabledAfterRestart: boolean;
  /** `enabled` and `enabledAfterRestart` differ: a restart of the service applies a change. */
  pending: boolean;
  state: PluginState;
  error: { code: string; message: string } | null;
  /** Declared permissions, and whether an admin's consent is needed / pending (external plugins). */
  permissions: string[];
  consentRequired: boolean;
  consentPending: boolean;
  /** Faults and slow callbacks charged to it (once it was set up). */
  faults?: PluginFaultSummary;
}

/** The slices of other parts the host calls. */
export interface PluginHostDeps {
  directories: readonly PluginDirectory[];
  hostApiVersion: string;
  /** Whether a plugin runs at this start, and what its consent looks like (see PluginEnablement). */
  enablement: { isEnabled(m: PluginManifest): boolean; consent(m: PluginManifest): ConsentView };
  /** Paths of the core's own routes: no plugin mount may cover or shadow them. */
  coreRoutePaths?: () => readonly string[];
  pluginConfig(id: string, schema: Record<string, unknown>): Readonly<Record<string, unknown>>;
  services: ContextServices;
  startTimeoutMs: number;
  stopTimeoutMs: number;
  log: Logger;
  /**
   * The fault book: each plugin's context runs its callbacks behind a boundary from it; past the limit
   * the plugin is marked failed (`PLUGIN_FAULTED`) and stopped. Without it faults are only logged.
   */
  faults?: PluginFaults;
  /** A child DI scope per plugin (tsyringe child container in the appliance). */
  createScope?(id: string, ctx: unknown): { dispose?(): void | Promise<void> };
  /** Mounts the routes of a plugin started while the box serves (SecuredRouter.mountLate); without it such a start waits for a restart. */
  mountLate?(table: RouteTable): void;
}

interface PluginRecord {
  id: string;
  manifest: PluginManifest | undefined;
  dir: string;
  source: 'builtin' | 'external';
  enabled: boolean;
  state: PluginState;
  error: PluginError | undefined;
  def?: PluginDefinition<Record<string, unknown>>;
  instance?: PluginInstance;
  built?: BuiltContext<Record<string, unknown>>;
  scope?: { dispose?(): void | Promise<void> };
  /** stop() was attempted (once only, whether by shutdown, a failed start or a fault). */
  stopping?: boolean;
  /** The fault limit was reached while start() ran: acted on once it returns. */
  pendingFault?: PluginError;
}

/**
 * Plugin contract v1: discover (manifests, apiVersion, dependencies — before any code is imported) →
 * import → setup (synchronous, registration closes) → start (dependency order, timeout) → stop
 * (reverse order, timeout). A plugin that fails is marked failed with its coded error, its dependants
 * are skipped, and the host goes on.
 */
export class PluginHost {
  private readonly records = new Map<string, PluginRecord>();
  private order: PluginRecord[] = [];
  private mounts = new MountClaims([]);
  private readonly restarting = new Set<string>();

  constructor(private readonly deps: PluginHostDeps) {}

  /** Discover and set up every enabled plugin. Never throws for a plugin's fault. */
  async load(): Promise<void> {
    const { manifests, failures } = discoverPlugins(this.deps.directories);
    this.mounts = new MountClaims(this.deps.coreRoutePaths?.() ?? []);
    this.mounts.reserveBuiltins(manifests);
    for (const f of failures) this.fail({ id: f.id, manifest: undefined, dir: f.dir, source: 'external', enabled: false, state: 'failed', error: undefined }, f.error);
    const candidates: PluginManifest[] = [];
    for (const m of manifests) {
      const enabled = this.deps.enablement.isEnabled(m);
      const rec: PluginRecord = { id: m.id, manifest: m, dir: m.dir, source: m.source, enabled, state: enabled ? 'loaded' : 'disabled', error: undefined };
      this.records.set(m.id, rec);
      if (!enabled) continue;
      if (!apiCompatible(m, this.deps.hostApiVersion)) {
        this.fail(rec, new PluginError('PLUGIN_API_MISMATCH', `plugin ${m.id} needs plugin API ${m.apiVersion}, this host provides ${this.deps.hostApiVersion}`));
        continue;
      }
      candidates.push(m);
    }
    // A dependency that is disabled or failed above counts as missing for its dependants.
    const usable = new Set(candidates.map((m) => m.id));
    const { order, refused } = dependencyOrder(candidates.map((m) => ({ ...m, dependsOn: m.dependsOn })));
    for (const [id, err] of refused) this.fail(this.records.get(id)!, err, err.code === 'PLUGIN_DEPENDENCY_FAILED' ? 'skipped' : 'failed');
    for (const m of order) {
      const rec = this.records.get(m.id)!;
      const unusable = m.dependsOn.find((d) => !usable.has(d) || this.records.get(d)?.state !== 'loaded');
      if (unusable) {
        const dep = this.records.get(unusable);
        const why = dep ? `is ${dep.state}${dep.error ? ` (${dep.error.code})` : ''}` : 'is not installed';
        this.fail(rec, new PluginError('PLUGIN_DEPENDENCY_FAILED', `plugin ${m.id} needs ${unusable}, which ${why}`), 'skipped');
        continue;
      }
      await this.setUp(rec, m);
      if (rec.state === 'loaded') this.order.push(rec);
    }
  }

  /** Start set-up plugins in dependency order; a failure skips its dependants. */
  async start(): Promise<void> {
    for (const rec of this.order) {
      const m = rec.manifest!;
      const badDep = m.dependsOn.find((d) => this.records.get(d)?.state !== 'running');
      if (badDep) {
        this.fail(rec, new PluginError('PLUGIN_DEPENDENCY_FAILED', `plugin ${m.id} needs ${badDep}, which is ${this.records.get(badDep)?.state ?? 'missing'}`), 'skipped');
        continue;
      }
      await this.startOne(rec, m);
    }
  }

  private async startOne(rec: PluginRecord, m: PluginManifest): Promise<void> {
    try {
      const start = () => (rec.instance?.start ? rec.instance.start() : rec.def!.start?.(rec.built!.ctx));
      await withTimeout(Promise.resolve().then(start), this.deps.startTimeoutMs, () =>
        new PluginError('PLUGIN_START_TIMEOUT', `plugin ${m.id} did not finish start() within ${this.deps.startTimeoutMs} ms`),
      );
      rec.state = 'running';
      this.deps.log.info(`started ${m.id} ${m.version}`);
      if (rec.pendingFault) await this.faulted(rec.id, rec.pendingFault);
    } catch (err) {
      this.fail(rec, asPluginError(err, 'PLUGIN_START_FAILED', `plugin ${m.id} failed to start`));
      await this.stopOne(rec, true);
    }
  }

  /**
   * Offer running plugin `id` a changed config section (`PluginInstance.reconfigure`). Returns the
   * keys it could not apply live, or undefined when it takes nothing live (not running, or no
   * `reconfigure`). A coded error it throws refuses the section and is passed on.
   */
  async reconfigure(id: string, next: Readonly<Record<string, unknown>>, previous: Readonly<Record<string, unknown>>): Promise<readonly string[] | undefined> {
    const rec = this.records.get(id);
    const instance = rec?.instance;
    if (!rec || rec.state !== 'running' || !instance?.reconfigure) return undefined;
    try {
      const result = await withTimeout(Promise.resolve().then(() => instance.reconfigure!(next, previous)), this.deps.startTimeoutMs, () =>
        new PluginError('PLUGIN_START_TIMEOUT', `plugin ${id} did not finish reconfigure() within ${this.deps.startTimeoutMs} ms`),
      );
      return Array.isArray(result) ? result.filter((k): k is string => typeof k === 'string') : [];
    } catch (err) {
      if (isXliveError(err)) throw err;
      throw asPluginError(err, 'PLUGIN_CONFIG_INVALID', `plugin ${id} refused its new config`);
    }
  }

  /**
   * Restart plugin `id` in place: stop it (its context is released: listeners, timers, readers,
   * checks, metrics), then set it up and start it again with its current config. Refused with
   * PLUGIN_RESTART_UNSUPPORTED (409) where the host cannot redo what setup registers — see
   * `restartBlocker` — and while another restart of it runs.
   */
  async restart(id: string): Promise<PluginStatus> {
    const rec = this.records.get(id);
    const m = rec?.manifest;
    if (!rec || !m) throw new PluginError('PLUGIN_MANIFEST_INVALID', `plugin ${id} has no valid manifest; fix or remove its folder`);
    const why = this.restartBlocker(rec, m);
    if (why) {
      throw new PluginError('PLUGIN_RESTART_UNSUPPORTED', `plugin ${id} cannot be restarted in place: ${why}; restart the service instead`, {
        details: { plugin: id, reason: why },
      });
    }
    this.restarting.add(id);
    try {
      if (rec.state === 'running') await this.stopOne(rec, false);
      Object.assign(rec, { state: 'loaded', error: undefined, def: undefined, instance: undefined, built: undefined, scope: undefined, stopping: false, pendingFault: undefined });
      // Its routes are registered aside, then swapped into the mounted ones (same set, or refused).
      const staged = new RouteTable();
      await this.setUp(rec, m, false, { ...this.deps.services, routes: staged });
      if (rec.state === 'loaded') {
        try {
          this.deps.services.routes.replaceOwner(id, staged);
        } catch (err) {
          this.fail(rec, asPluginError(err, 'PLUGIN_RESTART_UNSUPPORTED', `plugin ${id} cannot be restarted in place`));
          rec.built?.release();
          await rec.scope?.dispose?.();
        }
      }
      if (!this.order.includes(rec) && rec.def) this.order.push(rec);
      if (rec.state === 'loaded') await this.startOne(rec, m);
      if (rec.state === 'running') this.deps.log.info(`restarted ${id}`);
      else this.recordFailure(rec, rec.error ?? new PluginError('PLUGIN_START_FAILED', `plugin ${id} did not start`));
    } finally {
      this.restarting.delete(id);
    }
    return this.get(id)!;
  }

  /**
   * Why plugin `id` cannot be restarted in place, or undefined. The storage and auth registries keep
   * the provider registered first; running dependants hold on to what it gave them. (HTTP routes are
   * mounted once, before the server listens: a restarted plugin must register the same ones again,
   * see `RouteTable.replaceOwner`, else it ends failed with PLUGIN_RESTART_UNSUPPORTED.)
   */
  private restartBlocker(rec: PluginRecord, m: PluginManifest): string | undefined {
    if (this.restarting.has(rec.id)) return 'a restart of it is under way';
    if (!rec.enabled) return 'it was not enabled when the box started';
    if (m.permissions.includes('storage:provide')) return 'it provides storage, and the storage registry keeps the provider registered first';
    if (m.permissions.includes('auth:provide')) return 'it provides authentication, and the auth registry keeps the provider registered first';
    const dependants = this.runningDependants(rec.id).map((d) => d.id);
    if (dependants.length > 0) return `running plugins depend on it (${dependants.join(', ')})`;
    const dep = m.dependsOn.find((d) => !this.isRunning(d));
    if (dep) return `it needs ${dep}, which is not running`;
    return undefined;
  }

  /**
   * A plugin installed while the box runs (PluginInstaller): listed, disabled, with its permissions.
   * It is set up at the next start once enabled with consent (routes are mounted once, before the
   * server listens). A plugin whose code is loaded keeps running its old version until then.
   */
  adopt(m: PluginManifest): void {
    if (this.records.get(m.id)?.def) return;
    this.records.set(m.id, { id: m.id, manifest: m, dir: m.dir, source: m.source, enabled: false, state: 'disabled', error: undefined });
  }

  /**
   * Start plugin `id`, found disabled at this start (installed while the box runs) and enabled since
   * (consent given), without restarting the service: set up, its routes mounted through `mountLate`,
   * started. Left for the next start (`pending`) when that cannot be done in place: no `mountLate`,
   * top-level `httpMounts` (claimed at start only), a dependency not running, or routes of a previous
   * copy still mounted (uninstalled and installed again since the start). Returns whether it was
   * attempted; a failure marks it failed with its coded error, as at start.
   */
  async startInstalled(id: string): Promise<boolean> {
    const rec = this.records.get(id);
    const m = rec?.manifest;
    if (!rec || !m || rec.def || rec.state !== 'disabled' || m.source !== 'external' || !this.deps.enablement.isEnabled(m)) return false;
    const mounted = this.deps.services.routes.routes.some((r) => r.owner === id);
    if (!this.deps.mountLate || m.httpMounts.length > 0 || mounted || m.dependsOn.some((d) => !this.isRunning(d))) return false;
    rec.enabled = true;
    if (!apiCompatible(m, this.deps.hostApiVersion)) {
      this.fail(rec, new PluginError('PLUGIN_API_MISMATCH', `plugin ${m.id} needs plugin API ${m.apiVersion}, this host provides ${this.deps.hostApiVersion}`));
      this.recordFailure(rec, rec.error!);
      return true;
    }
    rec.state = 'loaded';
    const staged = new RouteTable();
    await this.setUp(rec, m, true, { ...this.deps.services, routes: staged });
    if ((rec.state as PluginState) === 'loaded') {
      try {
        this.deps.mountLate(staged); // compiles each route's doc: a broken one fails the plugin, as at start
        for (const r of staged.routes) this.deps.services.routes.addRoute(r);
        this.order.push(rec);
        await this.startOne(rec, m);
      } catch (err) {
        this.fail(rec, asPluginError(err, 'PLUGIN_SETUP_FAILED', `plugin ${id}: its routes cannot be mounted`));
        rec.built?.release();
        await rec.scope?.dispose?.();
      }
    }
    if ((rec.state as PluginState) === 'running') this.deps.log.info(`started ${id} without a restart (installed and enabled at run time)`);
    else this.recordFailure(rec, rec.error ?? new PluginError('PLUGIN_START_FAILED', `plugin ${id} did not start`));
    return true;
  }

  /**
   * Stop plugin `id` (if it runs) and forget it, before its code is removed (uninstall). Its mounted
   * routes stay and answer 503 PLUGIN_NOT_RUNNING until the next start. Refused (409) while running
   * plugins depend on it.
   */
  async release(id: string): Promise<void> {
    const rec = this.records.get(id);
    if (!rec) return;
    const dependants = this.runningDependants(id).map((d) => d.id);
    if (dependants.length > 0) {
      throw new ConflictError(`plugin ${id} cannot be removed while ${dependants.join(', ')} run${dependants.length === 1 ? 's' : ''} and depend${dependants.length === 1 ? 's' : ''} on it`, { details: { plugin: id, dependants } });
    }
    if (rec.built) await this.stopOne(rec, false);
    rec.state = 'stopped';
    this.records.delete(id);
    this.order = this.order.filter((r) => r !== rec);
  }

  /** Stop running plugins in reverse order, each under a timeout. */
  async stop(): Promise<void> {
    for (const rec of [...this.order].reverse()) {
      if (rec.state === 'running') {
        await this.stopOne(rec, false);
        rec.state = 'stopped';
      }
    }
  }

  list(): PluginStatus[] {
    return [...this.records.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((r) => {
        const after = r.manifest ? this.deps.enablement.isEnabled(r.manifest) : false;
        return {
          id: r.id,
          version: r.manifest?.version ?? null,
          kinds: r.manifest?.kinds ?? [],
          source: r.source,
          dir: r.dir,
          enabled: r.enabled,
          enabledAfterRestart: after,
          pending: after !== r.enabled,
          state: r.state,
          error: r.error ? { code: r.error.code, message: r.error.message } : null,
          ...consentOf(r.manifest, this.deps.enablement),
          ...(r.built ? { faults: r.built.faults.summary() } : {}),
        };
      });
  }

  get(id: string): PluginStatus | undefined {
    return this.list().find((p) => p.id === id);
  }

  /** The manifest of a discovered plugin (undefined for an unknown id or an invalid manifest). */
  manifest(id: string): PluginManifest | undefined {
    return this.records.get(id)?.manifest;
  }

  isRunning(id: string): boolean {
    return this.records.get(id)?.state === 'running';
  }

  /** Folders of the plugins whose code is loaded, for attributing a process-level error by its stack. */
  codeDirs(): Array<{ id: string; dir: string }> {
    return [...this.records.values()].filter((r) => r.def !== undefined).map((r) => ({ id: r.id, dir: r.dir }));
  }

  /** Charge an error caught outside any context boundary (process handlers) to plugin `id`. */
  chargeFault(id: string, where: 'unhandled-rejection' | 'uncaught-exception', err: unknown): boolean {
    const built = this.records.get(id)?.built;
    if (!built) return false;
    built.faults.fault(where, err);
    return true;
  }

  /**
   * A running plugin passed its fault limit: mark it failed, stop it under the stop timeout (its
   * signal aborts; listeners, readers, publishers, timers, checks and metrics are released), and stop
   * the running plugins that depend on it (marked skipped with PLUGIN_DEPENDENCY_FAILED, as at start).
   */
  async faulted(id: string, err: PluginError): Promise<void> {
    const rec = this.records.get(id);
    if (rec?.state === 'loaded') rec.pendingFault = err; // still starting: handled when start() returns
    if (!rec || rec.state !== 'running') return;
    const dependants = this.runningDependants(id);
    this.fail(rec, err);
    this.recordFailure(rec, err);
    for (const dep of dependants) {
      const why = new PluginError('PLUGIN_DEPENDENCY_FAILED', `plugin ${dep.id} stopped: it needs ${id}, which failed (${err.code})`);
      this.fail(dep, why, 'skipped');
      this.recordFailure(dep, why);
    }
    await this.stopOne(rec, true);
    for (const dep of dependants) await this.stopOne(dep, true);
  }

  private async setUp(rec: PluginRecord, m: PluginManifest, claimMounts = true, services = this.deps.services): Promise<void> {
    let config: Readonly<Record<string, unknown>>;
    try {
      config = this.deps.pluginConfig(m.id, m.configSchema);
    } catch (err) {
      return this.fail(rec, asPluginError(err, 'PLUGIN_CONFIG_INVALID', `plugin ${m.id} has invalid config`));
    }
    try {
      if (claimMounts) this.mounts.claim(m);
    } catch (err) {
      return this.fail(rec, asPluginError(err, 'PLUGIN_MOUNT_CONFLICT', `plugin ${m.id} has a conflicting mount`));
    }
    const bundled = bundledSdkProblem(m.dir);
    if (bundled) return this.fail(rec, new PluginError('PLUGIN_SDK_BUNDLED', `plugin ${m.id}: ${bundled}`, { details: { plugin: m.id } }));
    let def: unknown;
    try {
      const mod = (await import(pathToFileURL(m.main).href)) as { default?: unknown };
      def = mod.default;
    } catch (err) {
      const format = moduleFormatProblem(m.dir, m.main);
      if (format) return this.fail(rec, new PluginError('PLUGIN_MODULE_FORMAT', `plugin ${m.id}: cannot import ${m.main}: ${format} (${describeError(err)})`, { cause: err }));
      return this.fail(rec, new PluginError('PLUGIN_IMPORT_FAILED', `plugin ${m.id}: cannot import ${m.main}: ${describeError(err)}`, { cause: err }));
    }
    if (typeof def !== 'object' || def === null || typeof (def as PluginDefinition).setup !== 'function') {
      const format = moduleFormatProblem(m.dir, m.main) ?? (looksLikeCommonJsDefault(def) ? `${m.main} is CommonJS output; compile with "module": "NodeNext" and set "type": "module" in package.json` : undefined);
      if (format) return this.fail(rec, new PluginError('PLUGIN_MODULE_FORMAT', `plugin ${m.id}: the default export of ${m.main} is not definePlugin({ setup, … }): ${format}`));
      return this.fail(rec, new PluginError('PLUGIN_IMPORT_FAILED', `plugin ${m.id}: the default export of ${m.main} is not definePlugin({ setup, … })`));
    }
    rec.def = def as PluginDefinition<Record<string, unknown>>;
    const faults = this.deps.faults?.forPlugin(m.id, (err) => queueMicrotask(() => void this.faulted(m.id, err)));
    const built = buildPluginContext(m, config, services, () => rec.state === 'running', faults);
    rec.built = built;
    rec.scope = this.deps.createScope?.(m.id, built.ctx);
    try {
      const result: unknown = rec.def.setup(built.ctx);
      if (result instanceof Promise) {
        result.catch(() => undefined);
        throw new PluginError('PLUGIN_SETUP_FAILED', `plugin ${m.id}: setup() must be synchronous; do async work in start()`);
      }
      if (typeof result === 'object' && result !== null) rec.instance = result as PluginInstance;
      built.gate.commit();
    } catch (err) {
      built.gate.discard();
      built.release();
      this.fail(rec, asPluginError(err, 'PLUGIN_SETUP_FAILED', `plugin ${m.id} failed in setup()`));
    }
  }

  private async stopOne(rec: PluginRecord, afterFailure: boolean): Promise<void> {
    const built = rec.built;
    if (!built || rec.stopping) return;
    rec.stopping = true;
    built.abort.abort();
    try {
      const stop = () => (rec.instance?.stop ? rec.instance.stop() : rec.def?.stop?.(built.ctx));
      await withTimeout(Promise.resolve().then(stop), this.deps.stopTimeoutMs, () =>
        new PluginError('PLUGIN_STOP_FAILED', `plugin ${rec.id} did not finish stop() within ${this.deps.stopTimeoutMs} ms`),
      );
      if (!afterFailure) this.deps.log.info(`stopped ${rec.id}`);
    } catch (err) {
      this.deps.log.warn(`stopping ${rec.id}: ${describeError(err)}`);
    } finally {
      built.release();
      await rec.scope?.dispose?.();
    }
  }

  /** Running plugins that depend on `id`, directly or not, dependants last-started first. */
  private runningDependants(id: string): PluginRecord[] {
    const gone = new Set([id]);
    const found: PluginRecord[] = [];
    for (const rec of this.order) {
      if (rec.state === 'running' && rec.manifest!.dependsOn.some((d) => gone.has(d))) {
        gone.add(rec.id);
        found.push(rec);
      }
    }
    return found.reverse();
  }

  private recordFailure(rec: PluginRecord, err: PluginError): void {
    this.deps.services.events.record('core', {
      type: 'plugin.failed',
      severity: 'error',
      message: `plugin ${rec.id} ${rec.state}: ${err.message}`,
      data: { plugin: rec.id, code: err.code },
    });
  }

  private fail(rec: PluginRecord, err: PluginError, state: PluginState = 'failed'): void {
    rec.state = state;
    rec.error = err;
    this.records.set(rec.id, rec);
    const cause = err.cause instanceof Error && err.cause.stack ? `\n${err.cause.stack}` : '';
    this.deps.log.error(`plugin ${rec.id} ${state}: ${err.code}: ${err.message}${state === 'failed' ? cause : ''}`);
  }
}

function consentOf(m: PluginManifest | undefined, enablement: PluginHostDeps['enablement']): Pick<PluginStatus, 'permissions' | 'consentRequired' | 'consentPending'> {
  if (!m) return { permissions: [], consentRequired: false, consentPending: false };
  const c = enablement.consent(m);
  return { permissions: c.permissions, consentRequired: c.consentRequired, consentPending: c.consentPending };
}

function asPluginError(err: unknown, code: PluginErrorCode, prefix: string): PluginError {
  if (err instanceof PluginError) return err;
  const detail = isXliveError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
  return new PluginError(code, `${prefix}: ${detail}`, { cause: err });
}

async function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(onTimeout()), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
