import type { Socket } from 'node:net';
import { ConflictError, describeError, ValidationError } from '../errors/xlive-error.js';
import type { Logger } from '../logging/logger.js';
import type { MetricsRegistry } from '../metrics/metrics-registry.js';
import type { ConnectionAdmission, ConnectionLimits, NetListener, NetServerOptions } from '../sdk/net.js';
import { ConnectionGuard, validateLimits, type RefusalSink } from './connection-guard.js';
import type { FdBudget } from './fd-budget.js';
import { GuardedServer } from './guarded-server.js';

export interface ListenerGuardsDeps {
  budget: FdBudget;
  sink: RefusalSink;
  /** Caps for plugin listeners that do not state their own. */
  listenerDefaults: ConnectionLimits;
  reportListener(name: string, address: { host: string; port: number }): void;
  log: Logger;
}

/**
 * The box's connection guards, one per listener (HTTP and every plugin listener): each takes its
 * descriptors from the FdBudget; all are shown in `xlive_connections_open{listener,state}`.
 */
export class ListenerGuards {
  private readonly guards = new Set<ConnectionGuard>();

  constructor(private readonly deps: ListenerGuardsDeps) {}

  /** A guard for `name`, clamped to the descriptors left (`share`: at most this part of the budget). */
  create(name: string, limits: ConnectionLimits, share = 1): ConnectionGuard {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) throw new ValidationError(`listener name ${JSON.stringify(name)} must be kebab-case`);
    for (const g of this.guards) if (g.name === name) throw new ConflictError(`listener name "${name}" is already in use`);
    const guard = new ConnectionGuard(name, this.deps.budget.claim(name, limits, share), this.deps.sink);
    this.guards.add(guard);
    return guard;
  }

  /**
   * New caps for a running listener's guard (a config change applied live): its descriptors go back
   * to the budget and the new `maxTotal` is claimed (clamped as at start). Invalid caps throw
   * ConfigError before anything changes.
   */
  resize(guard: ConnectionGuard, limits: ConnectionLimits, share = 1): void {
    validateLimits(guard.name, limits);
    this.deps.budget.free(guard.limits.maxTotal);
    guard.setLimits(this.deps.budget.claim(guard.name, limits, share));
  }

  remove(guard: ConnectionGuard): void {
    if (this.guards.delete(guard)) this.deps.budget.free(guard.limits.maxTotal);
  }

  /** A plugin's TCP listener behind its own guard (what `ctx.net.createServer` returns). */
  createServer(options: NetServerOptions, onSocket: (socket: Socket, admission: ConnectionAdmission) => void): NetListener {
    const guard = this.create(options.name, { ...this.deps.listenerDefaults, ...options.limits });
    return new GuardedServer(
      {
        guard,
        noDelay: options.noDelay ?? true,
        report: (address) => this.deps.reportListener(options.name, address),
        onClosed: () => this.remove(guard),
        onError: (err) => this.deps.log.error(`listener ${options.name}: the socket handler threw: ${describeError(err)}`),
      },
      onSocket,
    );
  }

  registerMetrics(metrics: MetricsRegistry): void {
    metrics.gauge<'listener' | 'state'>({
      name: 'xlive_connections_open',
      help: 'Open connections per listener: idle (no request yet, keep-alive, before publish/play) or established',
      labelNames: ['listener', 'state'],
      collect: (g) => {
        for (const guard of this.guards) {
          const c = guard.counts();
          g.set({ listener: guard.name, state: 'idle' }, c.idle);
          g.set({ listener: guard.name, state: 'established' }, c.established);
        }
      },
    });
  }
}
