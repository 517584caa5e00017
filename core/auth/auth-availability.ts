import type { Logger } from '../logging/logger.js';
import type { HealthCheck, HealthResult } from '../sdk/health.js';
import type { MetricsApi } from '../sdk/metrics.js';
import type { PluginKind } from '../sdk/plugin.js';
import type { AuthRegistry } from './auth-registry.js';

/** `enforced`: a provider runs. `lab-open`: lab mode, none runs, the box is open. `closed`: none runs, the box refuses. */
export type AuthMode = 'enforced' | 'lab-open' | 'closed';

/** The slice of a plugin's status this module reads. */
export interface AuthPluginStatus {
  id: string;
  kinds: readonly PluginKind[];
  state: string;
  error: { code: string; message: string } | null;
}

export interface AuthAvailabilityDeps {
  registry: Pick<AuthRegistry, 'available' | 'labMode' | 'runningOwners'>;
  plugins(): AuthPluginStatus[];
  /** Where `auth.labMode` came from (`env XLIVE_AUTH_LAB_MODE`, a file …), for the start warning. */
  labModeOrigin?: string;
}

const LAB_HOW = 'set auth.labMode=true in a config file or XLIVE_AUTH_LAB_MODE=1';

/**
 * Whether the box can decide who may do what, why not, and how to fix it: for the log at start,
 * the `auth` health check in /readyz, the `xlive_auth_*` gauges and the version endpoint.
 */
export class AuthAvailability {
  constructor(private readonly deps: AuthAvailabilityDeps) {}

  mode(): AuthMode {
    if (this.deps.registry.available) return 'enforced';
    return this.deps.registry.labMode ? 'lab-open' : 'closed';
  }

  /**
   * Why no provider runs: `why` and `fix` for the operator (plugin ids, states, error text), `publicWhy`
   * for strangers (plugin ids, states and codes only).
   */
  explain(): { why: string; fix: string; publicWhy: string } {
    const auth = this.deps.plugins().filter((p) => p.kinds.includes('auth'));
    if (auth.length === 0) {
      return { why: 'no auth plugin is installed', fix: 'reinstall xlive (auth-local is built in)', publicWhy: 'no auth plugin is installed' };
    }
    const why: string[] = [];
    const fix: string[] = [];
    const pub: string[] = [];
    for (const p of auth) {
      pub.push(`${p.id} ${p.state}${p.error ? ` (${p.error.code})` : ''}`);
      switch (p.state) {
        case 'disabled':
          why.push(`auth plugin ${p.id} is disabled`);
          fix.push(`enable it on the console ("xlive plugins enable ${p.id}", and take it out of pluginHost.disable / XLIVE_PLUGIN_HOST_DISABLE if it is listed there), then restart`);
          break;
        case 'failed':
        case 'skipped':
          why.push(`auth plugin ${p.id} ${p.state}: ${p.error ? `${p.error.code}: ${p.error.message}` : 'no error recorded'}`);
          fix.push(`remove the cause named in ${p.id}'s error (a damaged file: the error names it and how to restore it), then restart`);
          break;
        case 'running':
          why.push(`auth plugin ${p.id} runs but registered no auth provider`);
          fix.push(`check ${p.id}'s configuration`);
          break;
        default:
          why.push(`auth plugin ${p.id} is ${p.state}`);
          fix.push('restart xlive');
      }
    }
    return { why: why.join('; '), fix: `${fix.join('; ')}; or, in a lab only, run open on purpose: ${LAB_HOW}`, publicWhy: pub.join(', ') };
  }

  /** `core` check `auth`: fail while closed, warn while open in lab mode. */
  healthCheck(): HealthCheck {
    return { name: 'auth', check: () => this.health() };
  }

  /** `xlive_auth_lab_mode` (1 when lab mode is configured) and `xlive_auth_available` (1 while a provider runs). */
  registerMetrics(metrics: Pick<MetricsApi, 'gauge'>): void {
    metrics.gauge({ name: 'xlive_auth_lab_mode', help: 'Auth lab mode is configured (1): with no auth plugin running the box is open', collect: (g) => g.set({}, this.deps.registry.labMode ? 1 : 0) });
    metrics.gauge({ name: 'xlive_auth_available', help: 'An auth provider is running (1); 0 means the box refuses everything (or is open in lab mode)', collect: (g) => g.set({}, this.deps.registry.available ? 1 : 0) });
  }

  /** The start-up lines: a loud warning at every start in lab mode; an error naming the cause and the fix while closed. */
  logAtStart(log: Pick<Logger, 'warn' | 'error'>): void {
    const mode = this.mode();
    if (this.deps.registry.labMode) {
      const from = this.deps.labModeOrigin ? ` (from ${this.deps.labModeOrigin})` : '';
      log.warn(
        mode === 'lab-open'
          ? `AUTH LAB MODE${from}: no auth plugin is running (${this.explain().why}); the API, the panel and publishing are OPEN to anyone who can reach this box`
          : `AUTH LAB MODE${from}: auth is enforced by ${this.deps.registry.runningOwners().join(', ')} now, but the box runs OPEN whenever no auth plugin is running`,
      );
    }
    if (mode === 'closed') {
      const { why, fix } = this.explain();
      log.error(`auth unavailable, the box FAILS CLOSED: every API request, publish and play that needs an access decision is refused (503 AUTH_UNAVAILABLE). Why: ${why}. Fix: ${fix}`);
    }
  }

  private health(): HealthResult {
    const mode = this.mode();
    if (mode === 'enforced') return { status: 'ok' };
    const { why, fix, publicWhy } = this.explain();
    if (mode === 'lab-open') {
      return { status: 'warn', message: `lab mode: no auth plugin is running (${why}); the box is open to anyone`, publicMessage: 'lab mode: no auth plugin is running, the box is open' };
    }
    return {
      status: 'fail',
      message: `no auth provider is running, every non-public request is refused: ${why}. Fix: ${fix}`,
      publicMessage: `no auth provider is running (${publicWhy}); every non-public request is refused; the box log names the cause and the fix`,
    };
  }
}
